/**
 * Node fields read the same way by every node: the School ID field (empty = the credential's), parsed
 * once here with the core's one ID parser, and its error in the words of the node's field.
 */
import { BromcomError } from '../core/wire/errors';
import { parseSchoolIdField } from '../core/ids';

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
