/**
 * Account names for provisioning (Google Workspace, Microsoft Entra ID): a pattern of tokens over a
 * person's Bromcom record, made safe (diacritics transliterated, apostrophes, spaces and other
 * characters removed, lower case), capped in length, and unique against the names that already exist,
 * with deterministic numeric suffixes so the same person gets the same name on every run.
 *
 * UK schools follow local conventions (intake year + initial + surname, first name + surname initial +
 * leaving year …: docs/bromcom-facts.md, Account names); the pattern expresses any of them.
 *
 * Pure: plain data in, plain data out.
 */
import { compareIds } from './export/model';

export interface NamePerson {
	/** The Bromcom ID (StudentID / StaffID): decides who keeps the plain name in a collision. */
	id: string;
	/**
	 * The School ID, for people of several schools (a trust): Bromcom IDs are per school, so the same
	 * ID can be two different people. People are served in (School ID, ID) order.
	 */
	schoolId?: string;
	firstName?: unknown;
	lastName?: unknown;
	preferredFirstName?: unknown;
	middleName?: unknown;
	yearGroup?: unknown;
	/** Start date on roll (YYYY-MM-DD…), for the intake year. */
	startDate?: unknown;
	admissionNumber?: unknown;
	upn?: unknown;
	staffCode?: unknown;
}

export const TOKENS = [
	'firstName',
	'firstInitial',
	'lastName',
	'lastInitial',
	'middleInitial',
	'intakeYear',
	'intakeYear2',
	'leavingYear2',
	'yearGroup',
	'admissionNumber',
	'upnLast4',
	'staffCode',
	'id',
] as const;
export type Token = (typeof TOKENS)[number];

const SPECIAL: Record<string, string> = {
	ß: 'ss',
	æ: 'ae',
	Æ: 'ae',
	ø: 'o',
	Ø: 'o',
	œ: 'oe',
	Œ: 'oe',
	đ: 'd',
	Đ: 'd',
	ł: 'l',
	Ł: 'l',
	þ: 'th',
	Þ: 'th',
	ð: 'd',
	Ð: 'd',
	ı: 'i',
};

/** Siân → sian, O'Brien → obrien, Ó Súilleabháin → osuilleabhain, Zoë-Jane → zoejane. */
export function safeName(text: unknown): string {
	const raw = String(text ?? '').trim();
	let out = '';
	for (const ch of raw.normalize('NFKD')) {
		const mapped = SPECIAL[ch];
		if (mapped !== undefined) out += mapped;
		else if (/[A-Za-z0-9]/.test(ch)) out += ch.toLowerCase();
		// Combining marks, apostrophes, hyphens, spaces and anything else are dropped.
	}
	return out;
}

function yearOf(date: unknown): number | undefined {
	const m = /^(\d{4})-(\d{2})/.exec(String(date ?? ''));
	if (!m) return undefined;
	// The academic year a start date falls in: September onwards belongs to that year's intake.
	return Number(m[2]) >= 8 ? Number(m[1]) : Number(m[1]) - 1;
}

/** UK year groups: Year N leaves in the summer of the year a Year 13 would be N → 13 (13 − N years on). */
function leavingYear(person: NamePerson, today: Date): number | undefined {
	const year = Number(String(person.yearGroup ?? '').replace(/^year\s*/i, ''));
	if (!Number.isInteger(year)) return undefined;
	const academic = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
	return academic + 1 + (13 - year);
}

export function tokenValue(token: Token, p: NamePerson, today: Date): string {
	const first = safeName(p.preferredFirstName) || safeName(p.firstName);
	const last = safeName(p.lastName);
	switch (token) {
		case 'firstName':
			return first;
		case 'firstInitial':
			return first.slice(0, 1);
		case 'lastName':
			return last;
		case 'lastInitial':
			return last.slice(0, 1);
		case 'middleInitial':
			return safeName(p.middleName).slice(0, 1);
		case 'intakeYear': {
			const y = yearOf(p.startDate);
			return y === undefined ? '' : String(y);
		}
		case 'intakeYear2': {
			const y = yearOf(p.startDate);
			return y === undefined ? '' : String(y % 100).padStart(2, '0');
		}
		case 'leavingYear2': {
			const y = leavingYear(p, today);
			return y === undefined ? '' : String(y % 100).padStart(2, '0');
		}
		case 'yearGroup':
			return safeName(p.yearGroup);
		case 'admissionNumber':
			return safeName(p.admissionNumber);
		case 'upnLast4':
			return safeName(p.upn).slice(-4);
		case 'staffCode':
			return safeName(p.staffCode);
		case 'id':
			return safeName(p.id);
	}
}

export interface NamePattern {
	/** e.g. `{intakeYear2}{firstInitial}{lastName}`, `{firstName}.{lastInitial}{leavingYear2}`. */
	pattern: string;
	/** Maximum length of the local part, suffix included. */
	maxLength: number;
	/** Separator allowed in patterns and kept: `.`, `-` or `_` only. */
}

const PIECE = /\{([A-Za-z0-9]+)(?::(\d+))?\}|([.\-_])|([^{}]+)/g;

/** Checks a pattern: known tokens only, `{token:N}` keeps the first N characters. Returns an error text or ''. */
export function patternError(pattern: string): string {
	if (String(pattern ?? '').trim() === '') return 'The pattern is empty.';
	for (const m of pattern.matchAll(PIECE)) {
		if (m[1] !== undefined && !(TOKENS as readonly string[]).includes(m[1]))
			return `"{${m[1]}}" is not a token. Tokens: ${TOKENS.map((t) => `{${t}}`).join(', ')}.`;
		if (m[4] !== undefined && /[^A-Za-z0-9]/.test(m[4]))
			return `"${m[4]}" cannot be part of an account name: use letters, digits, ".", "-" or "_".`;
	}
	if (/[{}]/.test(pattern.replace(PIECE, ''))) return 'The pattern has an unclosed "{".';
	return '';
}

/** The base name (before collision suffixes), or '' when the tokens it needs are empty. */
export function baseName(person: NamePerson, pattern: NamePattern, today: Date): string {
	let out = '';
	for (const m of pattern.pattern.matchAll(PIECE)) {
		if (m[1] !== undefined) {
			const value = tokenValue(m[1] as Token, person, today);
			out += m[2] === undefined ? value : value.slice(0, Number(m[2]));
		} else if (m[3] !== undefined) out += m[3];
		else if (m[4] !== undefined) out += m[4].toLowerCase();
	}
	// No separator at either end or doubled (an empty middle name must not leave "sam..o").
	out = out.replace(/([.\-_])[.\-_]+/g, '$1').replace(/^[.\-_]+|[.\-_]+$/g, '');
	return /[a-z0-9]/.test(out) ? out.slice(0, Math.max(1, pattern.maxLength)) : '';
}

export interface NameResult {
	id: string;
	schoolId?: string;
	name: string;
	/** 'existing': the person already has this name (their own account); 'new': free; 'suffixed': taken, numbered. */
	status: 'existing' | 'new' | 'suffixed';
	base: string;
}

/**
 * Names for everyone, unique among themselves and against `existing` (name → owner, or '' when the
 * owner is unknown; the owner is the person's ID, or `<schoolId>:<ID>` for people of several schools).
 * A person who already owns a name keeps it. Otherwise people are served in (School ID, ID) order, so
 * the result does not depend on the order of the input items: the first gets the base name, the next
 * `base2`, `base3` … (the suffix replaces the end of the name when the cap would be exceeded). Export
 * Roster names a whole trust with this same function.
 */
export function assignNames(
	people: readonly NamePerson[],
	pattern: NamePattern,
	existing: ReadonlyMap<string, string>,
	today: Date,
): NameResult[] {
	const taken = new Map<string, string>();
	for (const [name, owner] of existing) taken.set(name.toLowerCase(), owner);
	const owned = new Map<string, string>();
	for (const [name, owner] of taken) if (owner !== '') owned.set(owner, name);
	const order = [...people].sort(
		(a, b) => compareIds(a.schoolId ?? '', b.schoolId ?? '') || compareIds(a.id, b.id),
	);
	const results = new Map<string, NameResult>();
	const keyOf = (p: NamePerson) => (p.schoolId ? `${p.schoolId}:${p.id}` : p.id);
	for (const person of order) {
		const key = keyOf(person);
		const who = { id: person.id, ...(person.schoolId ? { schoolId: person.schoolId } : {}) };
		const base = baseName(person, pattern, today);
		const own = owned.get(key);
		if (own !== undefined) {
			results.set(key, { ...who, name: own, status: 'existing', base });
			continue;
		}
		if (base === '') {
			results.set(key, { ...who, name: '', status: 'new', base });
			continue;
		}
		let name = base;
		for (let n = 2; taken.has(name); n++) {
			const suffix = String(n);
			name = base.slice(0, Math.max(1, pattern.maxLength - suffix.length)) + suffix;
		}
		taken.set(name, key);
		results.set(key, { ...who, name, status: name === base ? 'new' : 'suffixed', base });
	}
	return people.map((p) => results.get(keyOf(p)) as NameResult);
}
