/**
 * An RFC 4180 CSV reader written from the rules, for checking roster exports (SDS v2.1 and the
 * OneRoster 1.2 CSV binding). It never repairs quietly: every departure from the rules below is
 * REPORTED as a problem, and parsing carries on so that one fault does not hide the next.
 *
 * Rules and where they come from:
 * - RFC 4180 §2 (https://www.rfc-editor.org/rfc/rfc4180#section-2): records end with a line break;
 *   the last one may or may not; fields separated by commas; a field may be enclosed in double
 *   quotes; a double quote inside a quoted field is written twice; a field that is not quoted may
 *   not contain a double quote; "Spaces are considered part of a field and should not be ignored";
 *   each record should have the same number of fields as the header.
 * - Row separators CRLF or LF are both accepted (a bare CR is not): roster-export-formats.md §2.1,
 *   "no CR/LF inside fields; bare CR invalid" (R9 csv.ts, R10).
 * - UTF-8; a leading BOM (EF BB BF) is tolerated and skipped: roster-export-formats.md §2.1 (R9,
 *   R10: "Importing processors must tolerate BOM prefixes and ignore them"); SDS: §1.1 "UTF-8,
 *   RFC-compliant CSV" (R1).
 * - No line break inside a value, quoted or not: SDS "we don't accept line breaks in incoming data"
 *   (roster-export-formats.md §1.1, R1); OneRoster "carriage returns are not permitted within a
 *   field" (§2.1, R10).
 * - Control characters U+0000–U+001F and U+007F inside a value are reported. Neither spec names
 *   them; they are not text a name, id or address can carry, and a tab in a value is a common
 *   export fault (the brief's rule; no spec source).
 * - Leading/trailing spaces: RFC 4180 keeps them as data, and neither roster spec forbids them, so
 *   by default they are accepted; `edgeSpaces` can report them (see Options).
 */

/**
 * @typedef {{ file: string, line: number, rule: string, message: string }} Problem
 * `line` is the 1-based physical line where the problem is; 0 for a problem of a whole file or
 * package.
 */

/**
 * @typedef {object} CsvOptions
 * @property {string} [file] name used in problems
 * @property {'allow' | 'unquoted' | 'any'} [edgeSpaces] leading/trailing spaces in a value:
 *   'allow' (default, RFC 4180 §2.4), 'unquoted' (report them outside quotes), 'any' (report them).
 */

/**
 * @typedef {object} CsvResult
 * @property {string[]} headers the first record's fields
 * @property {string[][]} rows the data records (blank lines are reported and left out)
 * @property {Record<string, string>[]} records each row by header; a missing field reads as ''
 * @property {number[]} lines the physical line where each row starts
 * @property {Problem[]} problems
 */

/** @typedef {{ value: string, quoted: boolean, line: number }} Field */

// Control characters other than CR and LF (those are reported as line breaks), and DEL.
const CONTROL = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * @param {number} code
 * @returns {string}
 */
function hex(code) {
	return 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * `__proto__` is a column like any other, never the prototype.
 * @param {Record<string, string>} obj
 * @param {string} key
 * @param {string} value
 */
function put(obj, key, value) {
	Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * @param {string | Uint8Array} input the file's text, or its bytes (then UTF-8 is checked)
 * @param {CsvOptions} [options]
 * @returns {CsvResult}
 */
function parseCsv(input, options = {}) {
	const file = options.file ?? '';
	const edgeSpaces = options.edgeSpaces ?? 'allow';
	/** @type {Problem[]} */
	const problems = [];
	/**
	 * @param {number} line
	 * @param {string} rule
	 * @param {string} message
	 */
	const report = (line, rule, message) => problems.push({ file, line, rule, message });

	let text;
	if (typeof input === 'string') {
		text = input;
		if (LONE_SURROGATE.test(text)) {
			report(0, 'csv.utf8', 'the text holds a lone surrogate, which UTF-8 cannot encode');
		}
	} else {
		try {
			text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
		} catch {
			report(0, 'csv.utf8', 'the file is not valid UTF-8');
			text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
		}
	}
	// A BOM is tolerated and skipped (roster-export-formats.md §2.1, R9/R10).
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

	/** @type {{ line: number, fields: Field[] }[]} */
	const raw = [];
	const n = text.length;
	let i = 0;
	let line = 1;

	while (i < n) {
		const recordLine = line;
		/** @type {Field[]} */
		const fields = [];
		for (;;) {
			const fieldLine = line;
			let value = '';
			let quoted = false;
			if (text[i] === '"') {
				quoted = true;
				i++;
				let closed = false;
				while (i < n) {
					const c = text[i];
					if (c === '"') {
						if (text[i + 1] === '"') {
							value += '"';
							i += 2;
							continue;
						}
						i++;
						closed = true;
						break;
					}
					if (c === '\r' && text[i + 1] === '\n') {
						report(line, 'csv.line-break', 'a line break (CRLF) inside a quoted value');
						value += '\r\n';
						i += 2;
						line++;
						continue;
					}
					if (c === '\n') {
						report(line, 'csv.line-break', 'a line break (LF) inside a quoted value');
						value += '\n';
						i++;
						line++;
						continue;
					}
					if (c === '\r') report(line, 'csv.bare-cr', 'a bare CR (not followed by LF)');
					value += c;
					i++;
				}
				if (!closed) {
					report(fieldLine, 'csv.unterminated-quote', 'a quoted value is never closed');
				} else if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
					report(
						line,
						'csv.after-quote',
						'characters after the closing quote of a value (RFC 4180 §2.5)',
					);
					// Keep them as data up to the next separator, so the row's fields stay aligned.
					while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
						value += text[i];
						i++;
					}
				}
			} else {
				let quoteReported = false;
				while (i < n) {
					const c = text[i];
					if (c === ',' || c === '\n') break;
					if (c === '\r') {
						if (text[i + 1] === '\n') break;
						report(line, 'csv.bare-cr', 'a bare CR (not followed by LF)');
					} else if (c === '"' && !quoteReported) {
						report(
							line,
							'csv.quote-in-unquoted',
							'a double quote inside a value that is not quoted (RFC 4180 §2.5)',
						);
						quoteReported = true;
					}
					value += c;
					i++;
				}
			}
			fields.push({ value, quoted, line: fieldLine });
			if (i < n && text[i] === ',') {
				i++;
				continue;
			}
			if (i < n && text[i] === '\r') i++; // the CR of a CRLF
			if (i < n && text[i] === '\n') {
				i++;
				line++;
			}
			break;
		}
		raw.push({ line: recordLine, fields });
	}

	/** @type {string[]} */
	let headers = [];
	if (raw.length === 0) {
		report(0, 'csv.no-header', 'the file is empty: a header row is required');
	} else {
		headers = raw[0].fields.map((f) => f.value);
		/** @type {Set<string>} */
		const seen = new Set();
		headers.forEach((h, k) => {
			if (h === '') report(raw[0].line, 'csv.header-empty', `header ${k + 1} is empty`);
			else if (seen.has(h))
				report(raw[0].line, 'csv.header-duplicate', `header "${h}" appears twice`);
			seen.add(h);
		});
	}

	/**
	 * @param {Field} f
	 * @param {string} column
	 */
	const checkValue = (f, column) => {
		const m = CONTROL.exec(f.value);
		if (m) {
			const before = f.value.slice(0, m.index);
			const at = f.line + (before.match(/\n/g) ?? []).length;
			report(at, 'csv.control-char', `control character ${hex(m[0].charCodeAt(0))} in ${column}`);
		}
		if (edgeSpaces !== 'allow' && (edgeSpaces === 'any' || !f.quoted)) {
			if (/^[ ]|[ ]$/.test(f.value)) {
				report(f.line, 'csv.edge-space', `a leading or trailing space in ${column}`);
			}
		}
	};
	if (raw.length > 0) raw[0].fields.forEach((f, k) => checkValue(f, `header ${k + 1}`));

	/** @type {string[][]} */
	const rows = [];
	/** @type {Record<string, string>[]} */
	const records = [];
	/** @type {number[]} */
	const lines = [];
	for (const rec of raw.slice(1)) {
		if (rec.fields.length === 1 && !rec.fields[0].quoted && rec.fields[0].value === '') {
			report(rec.line, 'csv.blank-line', 'a blank line');
			continue;
		}
		if (rec.fields.length !== headers.length) {
			report(
				rec.line,
				'csv.field-count',
				`the row has ${rec.fields.length} fields, the header has ${headers.length}`,
			);
		}
		rec.fields.forEach((f, k) =>
			checkValue(f, k < headers.length ? `column "${headers[k]}"` : `field ${k + 1}`),
		);
		const row = rec.fields.map((f) => f.value);
		/** @type {Record<string, string>} */
		const record = {};
		headers.forEach((h, k) => {
			if (!Object.prototype.hasOwnProperty.call(record, h)) put(record, h, row[k] ?? '');
		});
		rows.push(row);
		records.push(record);
		lines.push(rec.line);
	}
	return { headers, rows, records, lines, problems };
}

module.exports = { parseCsv };
