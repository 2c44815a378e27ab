/**
 * Bromcom IDs (School ID, StudentID, PersonID, …) are SQL Server `int` identities: positive, at
 * most 2,147,483,647 (docs/bromcom-facts.md, "IDs"). One parser for all of them, digits only:
 * `Number()` would read "0x4E21" as 20001 and "2e4" as 20000, and send a different school's ID.
 */
export const MAX_BROMCOM_ID = 2147483647;

/** The ID written in `value`, or undefined when it is not one (empty, signs, decimals, hex, too large). */
export function parseBromcomId(value: unknown): number | undefined {
	let text: string;
	if (typeof value === 'number') text = Number.isSafeInteger(value) ? String(value) : '';
	else if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'bigint') text = value.toString();
	else return undefined;
	if (!/^\d{1,10}$/.test(text)) return undefined;
	const n = Number(text);
	return n > 0 && n <= MAX_BROMCOM_ID ? n : undefined;
}

/**
 * A School ID field: empty means "the credential's" (undefined); anything else must be an ID, or
 * `invalid` is returned so the caller can say which field is wrong.
 */
export function parseSchoolIdField(value: unknown): { schoolId?: number; invalid?: string } {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') return {};
	const schoolId = parseBromcomId(text);
	return schoolId === undefined ? { invalid: text } : { schoolId };
}
