/**
 * Bromcom IDs (School ID, StudentID, PersonID, …) are SQL Server `int` identities: positive, at
 * most 2,147,483,647 (docs/bromcom-facts.md, "IDs"). One parser for all of them, digits only:
 * `Number()` would read "0x4E21" as 20001 and "2e4" as 20000, and send a different school's ID.
 */
export const MAX_BROMCOM_ID = 2147483647;

/** The text of an ID as written: a safe integer's digits, a string trimmed, '' for anything else. */
export function idText(value: unknown): string {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'bigint') return value.toString();
	return '';
}

/** Why `text` is not a Bromcom ID, or undefined when it is one: digits only, positive, not too large. */
export function bromcomIdProblem(
	text: string,
): 'notDigits' | 'notPositive' | 'tooLarge' | undefined {
	if (!/^\d{1,10}$/.test(text)) return 'notDigits';
	const n = Number(text);
	if (n <= 0) return 'notPositive';
	return n > MAX_BROMCOM_ID ? 'tooLarge' : undefined;
}

/** The ID written in `value`, or undefined when it is not one (empty, signs, decimals, hex, too large). */
export function parseBromcomId(value: unknown): number | undefined {
	const text = idText(value);
	return bromcomIdProblem(text) === undefined ? Number(text) : undefined;
}

/**
 * The school a request is for: the node's School ID when set, else the credential's (undefined when
 * that is not a Bromcom ID). The one fallback, for both routes, the writes and the trigger.
 */
export function schoolOrCredential(
	schoolId: number | undefined,
	credentialSchoolId: unknown,
): number | undefined {
	return schoolId ?? parseBromcomId(credentialSchoolId);
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
