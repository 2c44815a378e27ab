// A JSON answer that leaves NULL columns out: completeRows gives every row every column (absent =
// null), all in one order that keeps each row's own order (the server's, wherever a row shows it).
const fc = require('fast-check');
const { completeRows } = require('../../nodes/Bromcom/core/casing');

const COLUMNS = ['StudentID', 'FirstName', 'MiddleName', 'LastName', 'EndDate', '__proto__', 'UPN'];

test('absent keys become null, in the column order, and present values are untouched', () => {
	fc.assert(
		fc.property(
			fc.array(fc.array(fc.boolean(), { minLength: COLUMNS.length, maxLength: COLUMNS.length }), {
				minLength: 1,
				maxLength: 30,
			}),
			(masks) => {
				const rows = masks.map((mask, r) => {
					/** @type {Record<string, unknown>} */
					const row = {};
					COLUMNS.forEach((c, k) => {
						if (mask[k])
							Object.defineProperty(row, c, {
								value: `${c}${r}`,
								enumerable: true,
								writable: true,
								configurable: true,
							});
					});
					return row;
				});
				const before = rows.map((row) => Object.keys(row));
				const names = completeRows(rows);
				const present = COLUMNS.filter((_, k) => masks.some((m) => m[k]));
				// Every column once; each row's own order kept; the full order wherever a row shows it.
				expect([...names].sort()).toEqual([...present].sort());
				for (const keys of before) expect(names.filter((n) => keys.includes(n))).toEqual(keys);
				if (before.some((keys) => keys.length === present.length)) expect(names).toEqual(present);
				rows.forEach((row, r) => {
					expect(Object.keys(row)).toEqual(names);
					present.forEach((c) => {
						const k = COLUMNS.indexOf(c);
						expect(Object.getOwnPropertyDescriptor(row, c).value).toBe(
							masks[r][k] ? `${c}${r}` : null,
						);
					});
				});
			},
		),
	);
});
