/**
 * A write's input checked before anything is sent: Bromcom IDs (core/ids.ts), money, real dates and
 * times, and the error that names the field as the node shows it.
 */
import { z } from 'zod';

import { bromcomIdProblem, idText } from './ids';
import { BromcomError } from './wire/errors';

/** What a Bromcom ID field's error says after its label, per problem (core/ids.ts). */
const ID_PROBLEMS = {
	notDigits: 'must be a whole number written in digits only, for example 2000101',
	notPositive: 'must be a positive Bromcom ID',
	tooLarge: 'is too large',
} as const;

/**
 * A Bromcom ID, by core/ids.ts's one rule: decimal digits only ("1e3" or "0x10" would silently address
 * person 1000 or 16).
 */
export const id = (label: string) =>
	z
		.union([z.number(), z.string()], { invalid_type_error: `${label} must be a number` })
		.transform((v) => idText(v))
		.refine((v) => bromcomIdProblem(v) !== 'notDigits', `${label} ${ID_PROBLEMS.notDigits}`)
		.transform((v) => Number(v))
		.superRefine((v, ctx) => {
			const problem = bromcomIdProblem(String(v));
			if (problem !== undefined)
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} ${ID_PROBLEMS[problem]}` });
		});

/** Money: at most two decimal places, sent as "%.2f" like the live client (docs/bromcom-facts.md, Operations and parameters: S7). */
export const money = (label: string, min: number, max: number) =>
	z
		.union([z.number(), z.string()])
		.transform((v) => String(v).trim())
		.refine(
			(v) => /^-?\d+(\.\d{1,2})?$/.test(v),
			`${label} must be an amount with at most two decimal places, for example 12.50`,
		)
		.transform((v) => Number(v))
		.refine((v) => v >= min && v <= max, `${label} must be between ${min} and ${max}`)
		.transform((v) => v.toFixed(2));

/** Whether `date` (YYYY-MM-DD) and `time` (HH:MM[:SS[.fff]]) name a real moment: 2024-02-30 and 25:61 do not. */
export function realDateTime(date: string, time?: string): boolean {
	const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!d) return false;
	const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
	const probe = new Date(Date.UTC(y, m - 1, day));
	if (
		probe.getUTCFullYear() !== y ||
		probe.getUTCMonth() !== m - 1 ||
		probe.getUTCDate() !== day ||
		y < 1753
	)
		return false;
	if (time === undefined) return true;
	const t = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(time);
	return t !== null && Number(t[1]) <= 23 && Number(t[2]) <= 59 && Number(t[3] ?? 0) <= 59;
}

export const dateTime = (label: string) =>
	z
		.union([z.string(), z.date()])
		.transform((v) =>
			v instanceof Date ? (Number.isNaN(v.getTime()) ? '' : v.toISOString()) : String(v).trim(),
		)
		.refine(
			(v) => v !== '',
			`${label} is empty: map the date from the data you are writing, for example {{ $json.date }}`,
		)
		.refine((v) => {
			const m =
				/^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
					v,
				);
			return m !== null && realDateTime(m[1], m[2]);
		}, `${label} must be a real date (and time), for example 2024-09-04 or 2024-09-04T12:30:00`)
		.transform((v) => {
			const [date, time = '00:00:00'] = v
				.replace(' ', 'T')
				.replace(/(Z|[+-]\d{2}:?\d{2})$/, '')
				.split('T');
			return `${date}T${(time + ':00:00').slice(0, 8)}`;
		});

/**
 * Checks a write's input. The error names the field as the node shows it (its display name from the
 * operation's `fields`, matched case-insensitively: the schema says studentID where the field is
 * studentId), never an internal key.
 */
export function validate<T extends z.ZodTypeAny>(
	schema: T,
	input: unknown,
	fields: ReadonlyArray<{ name: string; displayName: string }>,
): z.infer<T> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	let issue = result.error.issues[0];
	// A field that takes one of several forms (an ID or 0) fails as a whole with "Invalid input": the
	// form's own rule says what is wrong.
	if (issue.code === 'invalid_union') {
		const inner = issue.unionErrors.flatMap((e) => e.issues);
		issue = inner.find((x) => x.code === 'custom') ?? inner[0] ?? issue;
	}
	const key = issue.path.length ? String(issue.path[0]) : '';
	const label = fields.find((f) => f.name.toLowerCase() === key.toLowerCase())?.displayName ?? key;
	const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
	const said = missing ? `${label} is required` : issue.message;
	throw new BromcomError({
		kind: 'invalidInput',
		message: `${said.startsWith(label) ? said : `${label}: ${said}`}. Nothing was sent to Bromcom.`,
		notSent: true,
	});
}
