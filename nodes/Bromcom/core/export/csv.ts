/**
 * CSV as both roster formats want it: RFC 4180, UTF-8, CRLF row ends, a field quoted when it holds a
 * comma, a quote or space at either end, and no line break or other control character inside a value
 * (SDS v2.1: "no line breaks in incoming data"; OneRoster 1.2 CSV binding: no CR/LF in fields). A
 * tab pasted into a name in Bromcom becomes a space.
 *
 * Pure: plain data in, text out.
 */

export type FileSet = Array<{ name: string; text: string }>;

// C0 and C1 control characters and DEL: line breaks and tabs included.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One CSV cell: control characters become spaces, quoted when it needs to be. */
export function csvCell(value: unknown): string {
	const text =
		value === undefined || value === null
			? ''
			: String(value).replace(/\r\n/g, ' ').replace(CONTROL, ' ');
	return /[",]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(
	headers: readonly string[],
	rows: ReadonlyArray<Record<string, unknown>>,
): string {
	const lines = [headers.join(',')];
	for (const row of rows) lines.push(headers.map((h) => csvCell(row[h])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

/** Data rows of a file (its lines less the header). */
export function rowCount(text: string): number {
	return text.split('\r\n').length - 2;
}
