/**
 * Node fields read the same way by every node: the School ID field (empty = the credential's), parsed
 * once here with the core's one ID parser, and its error in the words of the node's field.
 */
import { BromcomError } from '../core/wire/errors';
import { parseSchoolIdField } from '../core/ids';
import { credentialSchoolId, type BromcomContext } from '../transport';

export function invalid(message: string): BromcomError {
	return new BromcomError({ kind: 'invalidInput', message, notSent: true });
}

/** The node's School ID field: a number, or undefined for the credential's. Throws on anything else. */
export function schoolIdParameter(value: unknown): number | undefined {
	const parsed = parseSchoolIdField(value);
	if (parsed.invalid !== undefined) {
		throw invalid(
			`School ID "${parsed.invalid}" is not a whole number. Use the numeric Bromcom School ID (for example 20001), or leave the field empty to use the credential's.`,
		);
	}
	return parsed.schoolId;
}

/**
 * The school a request was for, as messages name it: the node's School ID, else the credential's
 * number (a message that says "school from the credential" leaves the reader to look it up).
 */
export async function schoolForMessage(
	ctx: BromcomContext,
	schoolId: number | undefined,
): Promise<string> {
	if (schoolId !== undefined) return String(schoolId);
	try {
		const fromCredential = await credentialSchoolId(ctx);
		if (Number.isFinite(fromCredential)) return String(fromCredential);
	} catch {
		// no credential to read: say where the school would have come from
	}
	return 'from the credential';
}
