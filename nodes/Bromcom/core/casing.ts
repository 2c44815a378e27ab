/**
 * One casing for both routes. SOAP returns Bromcom's column names as they are in its database
 * (`StudentID`, `UPN`); the Partner API returns them as lowerCamel JSON keys with only the leading
 * capital run lowered (`studentID`, `upn`, `leaName`, `kS1MathsScaledScore`) — .NET's camel-case
 * naming policy (docs/bromcom-facts.md, Partner API). The node's output uses the SOAP names on both
 * routes, so a workflow does not change when its credential does.
 *
 * The REST key is not enough to rebuild every SOAP name (`upn` could be `Upn` or `UPN`), so names with
 * a leading run of capitals are looked up in KNOWN_COLUMNS; any other key gets its first letter
 * capitalised, which is exact for every name whose second letter is lower case (`studentID` →
 * `StudentID`, `firstName` → `FirstName`).
 *
 * Pure: no n8n imports.
 */

/** .NET's JsonNamingPolicy.CamelCase: lower the leading capital run, keeping the capital before a lower-case letter. */
export function restKey(name: string): string {
	if (name.length === 0 || !isUpper(name.charCodeAt(0))) return name;
	const chars = name.split('');
	for (let i = 0; i < chars.length; i++) {
		if (i === 1 && !isUpper(chars[i].charCodeAt(0))) break;
		const hasNext = i + 1 < chars.length;
		if (i > 0 && hasNext && !isUpper(chars[i + 1].charCodeAt(0))) {
			if (chars[i + 1] === ' ') chars[i] = chars[i].toLowerCase();
			break;
		}
		chars[i] = chars[i].toLowerCase();
	}
	return chars.join('');
}

function isUpper(c: number): boolean {
	return c >= 65 && c <= 90;
}

/**
 * Bromcom column names whose REST key does not give them back by capitalising its first letter (a
 * leading run of two or more capitals): from the SOAP entities this package reads and the Partner API
 * fields public clients use (docs/bromcom-facts.md, Entities and columns; Partner API).
 */
export const KNOWN_COLUMNS: readonly string[] = [
	'UPN',
	'UCI',
	'ULN',
	'LEAID',
	'LEANumber',
	'LEAName',
	'EALFlag',
	'GNTFlag',
	'FSMIsActive',
	'SSOProvider',
	'NCYearActual',
	'NCyearActual',
	'KS1MathsScaledScore',
	'KS2MathsScaledScore',
	'KS2ReadingScaledScore',
	'SENStatus',
	'SENProvision',
	'URN',
	'DfENumber',
	'DFENumber',
	'NHSNumber',
	'LAInYearText',
];

const BY_REST_KEY: ReadonlyMap<string, string> = new Map(
	KNOWN_COLUMNS.map((name) => [restKey(name), name]),
);

/** The SOAP column name for a Partner API key. */
export function soapKey(key: string): string {
	const known = BY_REST_KEY.get(key);
	if (known !== undefined) return known;
	if (key.length === 0) return key;
	const c = key.charCodeAt(0);
	return c >= 97 && c <= 122 ? key[0].toUpperCase() + key.slice(1) : key;
}

/**
 * A Partner API row with SOAP column names, keys memoised per read (rows of one entity share their
 * keys). `__proto__` stays an own property.
 */
export class KeyNormaliser {
	private readonly memo = new Map<string, string>();

	row(source: Record<string, unknown>): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(source)) {
			let name = this.memo.get(key);
			if (name === undefined) {
				name = soapKey(key);
				this.memo.set(key, name);
			}
			const value = source[key];
			if (name === '__proto__')
				Object.defineProperty(out, name, {
					value,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			else out[name] = value;
		}
		return out;
	}
}

const own = (row: object, key: string) => Object.prototype.hasOwnProperty.call(row, key);

/**
 * The columns in the server's order, from rows that each hold some of them in that order: every
 * key once, each row's own order kept (a topological order of "comes before" within rows), ties in
 * the order keys were first seen.
 */
function columnOrder(rows: ReadonlyArray<Record<string, unknown>>): string[] {
	const first = new Map<string, number>();
	const after = new Map<string, Set<string>>();
	const seenShapes = new Set<string>();
	for (const row of rows) {
		const keys = Object.keys(row);
		const shape = keys.join('\n');
		if (seenShapes.has(shape)) continue;
		seenShapes.add(shape);
		keys.forEach((key, n) => {
			if (!first.has(key)) first.set(key, first.size);
			if (!after.has(key)) after.set(key, new Set());
			if (n > 0) (after.get(keys[n - 1]) as Set<string>).add(key);
		});
	}
	const incoming = new Map<string, number>([...first.keys()].map((k) => [k, 0]));
	for (const next of after.values())
		for (const key of next) incoming.set(key, (incoming.get(key) ?? 0) + 1);
	const ready = [...first.keys()].filter((k) => incoming.get(k) === 0);
	const names: string[] = [];
	while (ready.length > 0) {
		ready.sort((a, b) => (first.get(a) as number) - (first.get(b) as number));
		const key = ready.shift() as string;
		names.push(key);
		for (const next of after.get(key) ?? []) {
			const left = (incoming.get(next) as number) - 1;
			incoming.set(next, left);
			if (left === 0) ready.push(next);
		}
	}
	// Rows from one server never disagree on order; if they did, the rest go in first-seen order.
	for (const key of first.keys()) if (!names.includes(key)) names.push(key);
	return names;
}

/**
 * Every row with every column, as a DataSet gives them: JSON leaves a key out where SOAP writes the
 * column as NULL (or omits the element, which the DataSet reader reads as null), so a key some rows
 * lack is added to them as `null`, every row with the keys in one order (the server's, as far as
 * the rows show it). Rows that already have every key in that order are left as they are. Returns
 * the column names.
 */
export function completeRows(rows: Array<Record<string, unknown>>): string[] {
	const names = columnOrder(rows);
	for (let k = 0; k < rows.length; k++) {
		const row = rows[k];
		const keys = Object.keys(row);
		if (keys.length === names.length && keys.every((key, n) => names[n] === key)) continue;
		const full: Record<string, unknown> = {};
		for (const name of names)
			Object.defineProperty(full, name, {
				value: own(row, name) ? row[name] : null,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		rows[k] = full;
	}
	return names;
}
