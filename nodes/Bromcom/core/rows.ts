/**
 * What a read does to its rows after Bromcom answered, as plain data: Fields to Return, Trim Trailing
 * Spaces and Convert Yes/No to Booleans (actions/read.ts applies them).
 */
import type { PlainObject } from './types';
import type { DataSetRow } from './wire/dataset';
import { invalid } from './wire/errors';

/**
 * Keeps only the chosen columns (case-insensitive), in the chosen order. A name that is not a column
 * is an error listing the columns there are (it would otherwise turn every item into `{}`). Columns
 * are known from the rows, or from the entity's schema (`known`) when no row came back.
 */
export function selectFields(
	rows: PlainObject[],
	fields: string[],
	known: string[] = [],
): PlainObject[] {
	if (fields.length === 0) return rows;
	const available = rows.length > 0 ? Object.keys(rows[0]) : known;
	if (available.length > 0) {
		const lower = new Set(available.map((k) => k.toLowerCase()));
		const unknown = fields.filter((f) => !lower.has(f.toLowerCase()));
		if (unknown.length > 0) {
			throw invalid(
				`Options > Fields to Return names ${unknown.length === 1 ? 'a column' : 'columns'} that ${unknown.length === 1 ? 'is' : 'are'} not in the result: ${unknown.map((f) => `"${f}"`).join(', ')}. Available columns: ${available.join(', ')}.`,
			);
		}
	}
	return rows.map((row) => {
		const keys = Object.keys(row);
		const out: PlainObject = {};
		for (const field of fields) {
			const key = keys.find((k) => k.toLowerCase() === field.toLowerCase());
			if (key !== undefined) out[key] = row[key];
		}
		return out;
	});
}

/**
 * Turns "Yes"/"No" text values (trailing padding ignored) into true/false, in place. Only these two
 * exact words: "Y", "yes" or "True" stay text, so nothing is guessed.
 */
export function yesNoRow(row: DataSetRow): DataSetRow {
	for (const key of Object.keys(row)) {
		const value = row[key];
		if (typeof value !== 'string' || value.length < 2 || value.length > 40) continue;
		const word = value.trimEnd();
		if (word !== 'Yes' && word !== 'No') continue;
		if (key === '__proto__')
			Object.defineProperty(row, key, {
				value: word === 'Yes',
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else row[key] = word === 'Yes';
	}
	return row;
}

/** Removes trailing padding from every string value of a row, in place. */
export function trimRow(row: DataSetRow): DataSetRow {
	for (const key of Object.keys(row)) {
		const value = row[key];
		if (
			typeof value !== 'string' ||
			value.length === 0 ||
			value.charCodeAt(value.length - 1) !== 32
		)
			continue;
		if (key === '__proto__')
			Object.defineProperty(row, key, {
				value: value.trimEnd(),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else row[key] = value.trimEnd();
	}
	return row;
}
