/**
 * Date ranges split into windows. Bromcom's SOAP API has no paging (docs/bromcom-facts.md, Paging): real
 * clients chunk attendance and timetables by date windows themselves (actions/windows.ts reads them).
 */
import { invalid } from './wire/errors';
import { buildFilter, combineFilters } from './wire/filter';

const DAY = 86400000;

function parseDay(value: unknown, label: string): number {
	const text =
		value && typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function'
			? String((value as { toISO: () => string }).toISO())
			: String(value ?? '').trim();
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
	const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
	if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3]))
		throw invalid(`${label} "${text}" is not a date. Use YYYY-MM-DD, for example 2024-09-04.`);
	return ms;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** [start, end) pairs covering the whole days from `from` to `to` inclusive. */
export function dateWindows(
	from: unknown,
	to: unknown,
	windowDays: number,
): Array<[string, string]> {
	const start = parseDay(from, 'From');
	const end = parseDay(to, 'To') + DAY;
	if (end <= start)
		throw invalid('"To" is before "From". Choose a date range that ends on or after it starts.');
	if (end - start > 800 * DAY)
		throw invalid('The date range is longer than 800 days. Split it into academic years.');
	const size = Math.max(1, Math.floor(windowDays)) * DAY;
	const out: Array<[string, string]> = [];
	for (let s = start; s < end; s += size) out.push([iso(s), iso(Math.min(end, s + size))]);
	return out;
}

/** The filter of one window: `dateColumn` in [from, to), with `filter`. */
export function dateWindowFilter(
	dateColumn: string,
	[from, to]: [string, string],
	filter: string,
): string {
	return combineFilters(
		buildFilter({
			combinator: 'and',
			conditions: [
				{ field: dateColumn, operator: 'greaterThanOrEqual', value: from, type: 'date' },
				{ field: dateColumn, operator: 'lessThan', value: to, type: 'date' },
			],
		}),
		filter,
	);
}
