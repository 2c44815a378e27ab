/**
 * Attendance summaries computed while the marks stream in: a tally per student (counts per
 * category and per code), never the marks themselves, so memory is bound by the number of students.
 *
 * Categories and the default code table follow the DfE national codes from 19 August 2024 and the
 * DfE's absence statistics (docs/bromcom-facts.md, Attendance codes):
 *   possible sessions = present + approved educational activity + authorised + unauthorised
 *   attendance %      = (present + approved educational activity) / possible
 *   absence %         = (authorised + unauthorised) / possible
 *   persistent absence: absence of 10 % or more of possible sessions; severe absence: 50 % or more.
 * Sessions not possible to attend (Q, Y1–Y7), not required (X, Z, #, D) and missing marks (`-`, empty)
 * are counted but are not possible sessions.
 *
 * Pure: plain data in, plain data out.
 */
import { field } from './people';
import type { DataSetColumn, DataSetRow } from './wire/dataset';
import { invalid } from './wire/errors';

export type AttendanceCategory =
	| 'present'
	| 'approvedEducationalActivity'
	| 'authorisedAbsence'
	| 'unauthorisedAbsence'
	| 'notPossible'
	| 'notRequired'
	| 'missing';

export const CATEGORIES: readonly AttendanceCategory[] = [
	'present',
	'approvedEducationalActivity',
	'authorisedAbsence',
	'unauthorisedAbsence',
	'notPossible',
	'notRequired',
	'missing',
];

/** The DfE national codes (2024) and the pre-2024 codes still found in older registers. */
export const DFE_CODES: Readonly<Record<string, AttendanceCategory>> = {
	'/': 'present',
	'\\': 'present',
	L: 'present',
	K: 'approvedEducationalActivity',
	V: 'approvedEducationalActivity',
	P: 'approvedEducationalActivity',
	W: 'approvedEducationalActivity',
	B: 'approvedEducationalActivity',
	C: 'authorisedAbsence',
	C1: 'authorisedAbsence',
	C2: 'authorisedAbsence',
	E: 'authorisedAbsence',
	H: 'authorisedAbsence',
	F: 'authorisedAbsence',
	I: 'authorisedAbsence',
	J: 'authorisedAbsence',
	J1: 'authorisedAbsence',
	M: 'authorisedAbsence',
	R: 'authorisedAbsence',
	S: 'authorisedAbsence',
	T: 'authorisedAbsence',
	G: 'unauthorisedAbsence',
	N: 'unauthorisedAbsence',
	O: 'unauthorisedAbsence',
	U: 'unauthorisedAbsence',
	Q: 'notPossible',
	Y: 'notPossible',
	Y1: 'notPossible',
	Y2: 'notPossible',
	Y3: 'notPossible',
	Y4: 'notPossible',
	Y5: 'notPossible',
	Y6: 'notPossible',
	Y7: 'notPossible',
	X: 'notRequired',
	Z: 'notRequired',
	'#': 'notRequired',
	D: 'notRequired',
	'-': 'missing',
};

/**
 * Bromcom's own meaning of a mark (Attendances.MarkMeaningName: "Present", "Authorised Absence",
 * "Unauthorised Absence", "Approved Educational Activity", …), used for a school's local codes that
 * neither the user's mapping nor the DfE table knows.
 */
export function categoryFromMeaning(meaning: unknown): AttendanceCategory | undefined {
	const text = String(meaning ?? '')
		.trim()
		.toLowerCase();
	if (text === '') return undefined;
	if (/^unauthori[sz]ed/.test(text)) return 'unauthorisedAbsence';
	if (/^authori[sz]ed/.test(text)) return 'authorisedAbsence';
	if (/approved educational|educational activity/.test(text)) return 'approvedEducationalActivity';
	if (/not possible|unable to attend|exceptional circumstances/.test(text)) return 'notPossible';
	if (/not required|no mark required|non-?compulsory|not on roll|closure/.test(text))
		return 'notRequired';
	if (/^present|^late|attend/.test(text)) return 'present';
	return undefined;
}

export interface CodeMapping {
	/** The user's overrides, code → category, checked first. */
	overrides?: Readonly<Record<string, AttendanceCategory>>;
	/** Whether Bromcom's MarkMeaningName decides for codes nobody mapped (default true). */
	useBromcomMeaning?: boolean;
}

export interface MarkColumns {
	student: string;
	code: string;
	/** The column holding Bromcom's meaning of the mark, when the entity has one. */
	meaning?: string;
	/** The session column (CalendarName) and the sessions that count ('AM', 'PM'); none: every row. */
	session?: string;
	sessions?: readonly string[];
}

export interface StudentTally {
	counts: Record<AttendanceCategory, number>;
	late: number;
	unmapped: number;
	codes: Record<string, number>;
}

const emptyCounts = (): Record<AttendanceCategory, number> => ({
	present: 0,
	approvedEducationalActivity: 0,
	authorisedAbsence: 0,
	unauthorisedAbsence: 0,
	notPossible: 0,
	notRequired: 0,
	missing: 0,
});

/** Marks are codes; Bromcom pads some of them with trailing spaces (docs/bromcom-facts.md, Column types). */
const codeOf = (value: unknown): string =>
	value === null || value === undefined ? '' : String(value).trim();

interface MarkClass {
	code: string;
	/** The key in per-code counts (`-` for an empty mark). */
	key: string;
	category: AttendanceCategory | undefined;
	late: boolean;
}

export class AttendanceTally {
	readonly students = new Map<string, StudentTally>();
	/** Codes no mapping, table or Bromcom meaning could place, with how often they were seen. */
	readonly unmappedCodes = new Map<string, number>();
	marks = 0;
	private readonly cache = new Map<string, Map<unknown, AttendanceCategory | null>>();
	private readonly sessions?: Set<string>;

	constructor(
		private readonly columns: MarkColumns,
		private readonly mapping: CodeMapping = {},
	) {
		if (columns.session && columns.sessions)
			this.sessions = new Set(columns.sessions.map((s) => s.trim().toUpperCase()));
	}

	categoryOf(code: string, meaning: unknown): AttendanceCategory | undefined {
		if (code === '') return 'missing';
		const override = this.mapping.overrides?.[code] ?? this.mapping.overrides?.[code.toUpperCase()];
		if (override) return override;
		// Per code, then per meaning: two lookups per mark, no string building.
		let byMeaning = this.cache.get(code);
		if (!byMeaning) this.cache.set(code, (byMeaning = new Map()));
		const cached = byMeaning.get(meaning);
		if (cached !== undefined) return cached ?? undefined;
		const found =
			DFE_CODES[code] ??
			DFE_CODES[code.toUpperCase()] ??
			(this.mapping.useBromcomMeaning === false ? undefined : categoryFromMeaning(meaning));
		byMeaning.set(meaning, found ?? null);
		return found;
	}

	/** Per raw StudentID value as it arrives (a number, or text maybe padded): its tally. */
	private readonly byRawId = new Map<unknown, StudentTally | null>();
	/** Per raw mark, then per raw meaning: the code as counted and its category. */
	private readonly byRawCode = new Map<unknown, Map<unknown, MarkClass>>();
	/** Per raw session value: whether it counts. */
	private readonly byRawSession = new Map<unknown, boolean>();

	private tallyOf(raw: unknown): StudentTally | null {
		let tally = this.byRawId.get(raw);
		if (tally !== undefined) return tally;
		const id = codeOf(raw);
		if (id === '') tally = null;
		else {
			tally = this.students.get(id) ?? null;
			if (tally === null) {
				tally = { counts: emptyCounts(), late: 0, unmapped: 0, codes: {} };
				this.students.set(id, tally);
			}
		}
		this.byRawId.set(raw, tally);
		return tally;
	}

	private classOf(rawCode: unknown, rawMeaning: unknown): MarkClass {
		let byMeaning = this.byRawCode.get(rawCode);
		if (byMeaning === undefined) this.byRawCode.set(rawCode, (byMeaning = new Map()));
		let hit = byMeaning.get(rawMeaning);
		if (hit === undefined) {
			const code = codeOf(rawCode);
			hit = {
				code,
				key: code === '' ? '-' : code,
				category: this.categoryOf(code, rawMeaning),
				late: code.toUpperCase() === 'L',
			};
			byMeaning.set(rawMeaning, hit);
		}
		return hit;
	}

	/**
	 * Adds a batch of mark rows. Rows of other sessions (lesson marks) are skipped. Each distinct raw
	 * value (student, mark, meaning, session) is normalised once, then looked up: per mark, a few map
	 * lookups and increments.
	 */
	add(rows: readonly DataSetRow[]): void {
		const { student, code: codeColumn, meaning, session } = this.columns;
		const sessions = this.sessions;
		// Consecutive marks are mostly the same code (present): the last class, compared by content,
		// saves both map lookups.
		let lastCode: unknown = undefined;
		let lastMeaning: unknown = undefined;
		let lastMark: MarkClass | undefined;
		for (let k = 0; k < rows.length; k++) {
			const row = rows[k];
			if (sessions !== undefined) {
				const raw = row[session as string];
				let counts = this.byRawSession.get(raw);
				if (counts === undefined) {
					counts = sessions.has(codeOf(raw).toUpperCase());
					this.byRawSession.set(raw, counts);
				}
				if (!counts) continue;
			}
			const tally = this.tallyOf(row[student]);
			if (tally === null) continue;
			const rawCode = row[codeColumn];
			const rawMeaning = meaning ? row[meaning] : undefined;
			let mark: MarkClass;
			if (lastMark !== undefined && rawCode === lastCode && rawMeaning === lastMeaning)
				mark = lastMark;
			else {
				mark = lastMark = this.classOf(rawCode, rawMeaning);
				lastCode = rawCode;
				lastMeaning = rawMeaning;
			}
			this.marks++;
			tally.codes[mark.key] = (tally.codes[mark.key] ?? 0) + 1;
			if (mark.category === undefined) {
				tally.unmapped++;
				this.unmappedCodes.set(mark.code, (this.unmappedCodes.get(mark.code) ?? 0) + 1);
				continue;
			}
			tally.counts[mark.category]++;
			if (mark.late) tally.late++;
		}
	}

	/** Adds another tally's counts (a finished date window) into this one. */
	merge(other: AttendanceTally): void {
		this.marks += other.marks;
		for (const [code, n] of other.unmappedCodes)
			this.unmappedCodes.set(code, (this.unmappedCodes.get(code) ?? 0) + n);
		for (const [id, t] of other.students) {
			const mine = this.students.get(id);
			if (!mine) {
				this.students.set(id, t);
				continue;
			}
			for (const c of CATEGORIES) mine.counts[c] += t.counts[c];
			mine.late += t.late;
			mine.unmapped += t.unmapped;
			for (const [code, n] of Object.entries(t.codes))
				mine.codes[code] = (mine.codes[code] ?? 0) + n;
		}
	}
}

export interface Thresholds {
	/** Attendance at or below this percentage is persistent absence (DfE: 90, absence of 10 % or more). */
	persistentAttendancePercent: number;
	/** Attendance at or below this percentage is severe absence (DfE: 50, absence of 50 % or more). */
	severeAttendancePercent: number;
}

export interface AttendanceSummary {
	possibleSessions: number;
	present: number;
	late: number;
	approvedEducationalActivity: number;
	authorisedAbsence: number;
	unauthorisedAbsence: number;
	notPossibleToAttend: number;
	notRequired: number;
	missingMarks: number;
	unmappedMarks: number;
	attendancePercent: number | null;
	absencePercent: number | null;
	persistentlyAbsent: boolean;
	severelyAbsent: boolean;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * One student's figures. The flags compare exact fractions, as the DfE does (absence ≥ 10 % of
 * possible sessions): at exactly 90.0 % attendance a pupil is persistently absent. Percentages are
 * rounded to one decimal place for display only.
 */
export function summarise(
	tally: StudentTally | undefined,
	thresholds: Thresholds,
): AttendanceSummary {
	const c = tally?.counts ?? emptyCounts();
	const attended = c.present + c.approvedEducationalActivity;
	const absent = c.authorisedAbsence + c.unauthorisedAbsence;
	const possible = attended + absent;
	// attendance ≤ t % ⇔ absence ≥ (100 − t) % of possible: 100·absent ≥ (100 − t)·possible, exactly.
	const flag = (t: number) => possible > 0 && 100 * absent >= (100 - t) * possible;
	return {
		possibleSessions: possible,
		present: c.present,
		late: tally?.late ?? 0,
		approvedEducationalActivity: c.approvedEducationalActivity,
		authorisedAbsence: c.authorisedAbsence,
		unauthorisedAbsence: c.unauthorisedAbsence,
		notPossibleToAttend: c.notPossible,
		notRequired: c.notRequired,
		missingMarks: c.missing,
		unmappedMarks: tally?.unmapped ?? 0,
		attendancePercent: possible > 0 ? round1((100 * attended) / possible) : null,
		absencePercent: possible > 0 ? round1((100 * absent) / possible) : null,
		persistentlyAbsent: flag(thresholds.persistentAttendancePercent),
		severelyAbsent: flag(thresholds.severeAttendancePercent),
	};
}

/** 1 September of the academic year `day` falls in (YYYY-MM-DD). */
export function academicYearStart(day: Date): string {
	const year = day.getUTCMonth() >= 8 ? day.getUTCFullYear() : day.getUTCFullYear() - 1;
	return `${year}-09-01`;
}

/** The Sessions option ('AM, PM') as the sessions that count; empty: every mark. */
export function parseSessions(text: string): string[] {
	return text
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/**
 * Options › Local Codes (code → Counts As) as a mapping's overrides. Throws, naming the entry, when an
 * entry has no code or no valid category.
 */
export function localCodeOverrides(
	entries: ReadonlyArray<{ code?: unknown; category?: unknown }>,
): Record<string, AttendanceCategory> {
	const out: Record<string, AttendanceCategory> = {};
	entries.forEach((e, k) => {
		const code = String(e.code ?? '').trim();
		const category = String(e.category ?? '') as AttendanceCategory;
		if (code === '') throw invalid(`Options › Local Codes › entry ${k + 1} has no code.`);
		if (!CATEGORIES.includes(category))
			throw invalid(`Options › Local Codes › "${code}" has no valid Counts As.`);
		out[code] = category;
	});
	return out;
}

/** The first of `candidates` (in any case) that the schema has, by the schema's own spelling. */
export function columnNamed(
	columns: readonly DataSetColumn[],
	candidates: readonly string[],
): string | undefined {
	for (const c of candidates) {
		const hit = columns.find((col) => col.name.toLowerCase() === c.toLowerCase());
		if (hit) return hit.name;
	}
	return undefined;
}

/**
 * The marks' columns, from the entity's schema: the 2-character ExportMark when Bromcom has it (the
 * 2024 sub-codes C1, J1, Y1 …), else Mark. Throws when the schema has no student or mark column.
 */
export function markColumns(
	entity: string,
	schema: readonly DataSetColumn[],
	sessions: readonly string[],
): MarkColumns {
	const columns: MarkColumns = {
		student: columnNamed(schema, ['StudentID', 'StudentId', 'PupilID']) ?? 'StudentID',
		code: columnNamed(schema, ['ExportMark', 'Mark', 'AttendanceCode', 'MarkCode']) ?? 'Mark',
		meaning: columnNamed(schema, ['MarkMeaningName', 'MarkMeaning']),
		session: sessions.length ? columnNamed(schema, ['CalendarName', 'SessionName']) : undefined,
		sessions: sessions.length ? sessions : undefined,
	};
	if (
		!schema.some((c) => c.name === columns.student) ||
		!schema.some((c) => c.name === columns.code)
	)
		throw invalid(
			`The ${entity} entity has no student or mark column this node knows (it has: ${schema.map((c) => c.name).join(', ')}).`,
		);
	return columns;
}

/** The StudentIDs of a year group (`year` trimmed and lower-case, as the YearGroup is compared). */
export function studentsInYearGroup(students: readonly DataSetRow[], year: string): Set<string> {
	return new Set(
		students
			.filter(
				(st) =>
					String(field(st, ['YearGroup', 'YearGroupName']) ?? '')
						.trim()
						.toLowerCase() === year,
			)
			.map((st) => String(st.StudentID)),
	);
}

/**
 * The roll call: which students get an item, in order. Every student with marks in the range, and,
 * unless `marksOnly` (a registration group is known by its marks alone), every student on roll on
 * `today` (YYYY-MM-DD) that the scope wants; students in the Students entity first, in its order,
 * then marks of students it does not hold.
 */
export function rollCall(
	students: readonly DataSetRow[],
	marked: ReadonlyMap<string, unknown>,
	scope: { today: string; wanted?: ReadonlySet<string>; marksOnly: boolean },
): string[] {
	const onRoll = (s: DataSetRow) => {
		const start = String(s.StartDate ?? '').slice(0, 10);
		const end = String(s.EndDate ?? '').slice(0, 10);
		return start !== '' && start <= scope.today && (end === '' || end >= scope.today);
	};
	const ids: string[] = [];
	const listed = new Set<string>();
	const take = (id: string) => {
		if (!listed.has(id)) {
			listed.add(id);
			ids.push(id);
		}
	};
	for (const s of students) {
		const id = String(s.StudentID);
		if (
			marked.has(id) ||
			(!scope.marksOnly && onRoll(s) && (!scope.wanted || scope.wanted.has(id)))
		)
			take(id);
	}
	for (const id of marked.keys()) take(id);
	return ids;
}

/**
 * One student's summary item: who (from the Students row, when there is one), the range, the figures
 * and, with `includeCodes`, the count per code in a fixed order (windows are read in parallel, so
 * arrival order varies between runs).
 */
export function studentSummary(
	id: string,
	student: DataSetRow | undefined,
	tally: StudentTally | undefined,
	range: { from: string; to: string },
	thresholds: Thresholds,
	includeCodes: boolean,
): Record<string, unknown> {
	const s = student;
	return {
		StudentID: Number(id),
		FirstName: (s && field(s, ['PreferredFirstName', 'FirstName'])) ?? null,
		LastName: (s && field(s, ['PreferredLastName', 'LastName'])) ?? null,
		YearGroup: s ? (field(s, ['YearGroup']) ?? null) : null,
		TutorGroup: s ? (field(s, ['TutorGroup', 'TutorGroupName']) ?? null) : null,
		from: range.from,
		to: range.to,
		...summarise(tally, thresholds),
		...(includeCodes
			? {
					codes: Object.fromEntries(
						Object.entries(tally?.codes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
					),
				}
			: {}),
	};
}

/** What every item says about codes nothing could place (nothing when there were none). */
export function unmappedCodesNote(unmapped: readonly string[]): {
	unmappedCodes?: string[];
	note?: string;
} {
	return unmapped.length
		? {
				unmappedCodes: [...unmapped],
				note: `Codes ${unmapped.map((c) => `"${c}"`).join(', ')} are not in the DfE table and Bromcom gave no meaning for them: they are counted in unmappedMarks, not in possible sessions. Map them under Options › Local Codes.`,
			}
		: {};
}

/** Student items grouped into one item per year group, in order of first appearance. */
export function byYearGroup<T extends Record<string, unknown>>(
	rows: readonly T[],
	range: { from: string; to: string },
	notes: Record<string, unknown>,
): Array<Record<string, unknown>> {
	const groups = new Map<string, T[]>();
	for (const r of rows) {
		const key = String(r.YearGroup ?? '').trim() || '(none)';
		const list = groups.get(key) ?? [];
		if (list.length === 0) groups.set(key, list);
		list.push(r);
	}
	return [...groups].map(([year, list]) => ({
		YearGroup: year,
		from: range.from,
		to: range.to,
		students: list,
		studentCount: list.length,
		persistentlyAbsent: list.filter((r) => r.persistentlyAbsent).length,
		severelyAbsent: list.filter((r) => r.severelyAbsent).length,
		...notes,
	}));
}
