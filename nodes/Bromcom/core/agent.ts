/**
 * What a language model is handed when an AI agent calls a Bromcom tool: the minimum. The model's
 * provider is one more third party, so by default a tool's items keep names, year and tutor group and
 * IDs (each operation says which fields in its `agent` spec), never addresses, contact details,
 * medical or other sensitive columns unless the workflow author names them; and where the school's
 * lawful basis is Consent, only people with Data Processing Consent. Pure functions over plain rows:
 * the reads that find consent are the n8n side's (actions/agent.ts).
 */
import { flag } from './eligibility';
import { CANDIDATES, field } from './people';
import type { PlainObject, PlainValue } from './types';

/**
 * Which fields of an operation's items an agent sees by default: a list (matched case-insensitively),
 * `'all'` for items that hold nothing but what they are for (an attendance summary), or undefined for
 * every field that does not look sensitive (SENSITIVE_PARTS).
 */
export type AgentFields = readonly string[] | 'all' | undefined;

/** The people-shaped items' agent fields: names, year and tutor group, IDs (the compact shapes of people.ts, less). */
const STUDENT = [
	'StudentID',
	'FirstName',
	'LastName',
	'PreferredFirstName',
	'PreferredLastName',
	'YearGroup',
	'TutorGroup',
] as const;
const STAFF = [
	'StaffID',
	'Title',
	'FirstName',
	'LastName',
	'PreferredFirstName',
	'PreferredLastName',
	'StaffCode',
	'JobTitle',
] as const;
export const AGENT_FIELDS = {
	student: STUDENT,
	staff: STAFF,
	/** A contact and the students it is linked to (StudentID, relationship, parental responsibility). */
	contact: ['PersonID', 'Title', 'FirstName', 'LastName', 'Students'],
	/** A class member: a student or a member of staff, with their role. */
	member: ['CollectionID', 'MemberType', 'Role', ...new Set([...STUDENT, ...STAFF])],
} as const;

/**
 * The words (and runs of up to three words) of a column name that mark it as more than an agent
 * needs: addresses, contact details, health, special needs, protected characteristics, national
 * identifiers, welfare flags, free text and credentials. A column is sensitive when one of its words,
 * or two or three of them run together ("Post Code", "Looked After", "Child In Need"), starts with a
 * stem, or is one of the short words; it is then left out unless the author names it.
 */
export const SENSITIVE_STEMS: readonly string[] = [
	'address',
	'postcode',
	'street',
	'county',
	'email',
	'phone',
	'telephone',
	'mobile',
	'medic',
	'allerg',
	'dietar',
	'disab',
	'ehcp',
	'doctor',
	'ethnic',
	'religio',
	'nationalit',
	'birth',
	'passport',
	'freeschoolmeal',
	'premium',
	'lookedafter',
	'inneed',
	'protection',
	'safeguard',
	'courtorder',
	'restricted',
	'consent',
	'gender',
	'password',
	'username',
	'login',
	'comment',
	'note',
];
export const SENSITIVE_WORDS: readonly string[] = [
	'sen',
	'eal',
	'fsm',
	'upn',
	'uln',
	'uci',
	'dob',
	'nhs',
	'guid',
	'sex',
	'fax',
	'town',
];

/** A column name's words, lower case: "EALFlag" → eal, flag; "Contact1Telephone" → contact, 1, telephone. */
function wordsOf(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.replace(/([A-Za-z])(\d)/g, '$1 $2')
		.replace(/(\d)([A-Za-z])/g, '$1 $2')
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
}

export function isSensitiveColumn(name: string): boolean {
	const words = wordsOf(name);
	for (let k = 0; k < words.length; k++) {
		if (SENSITIVE_WORDS.includes(words[k])) return true;
		for (let n = 1; n <= 3 && k + n <= words.length; n++) {
			const run = words.slice(k, k + n).join('');
			if (SENSITIVE_STEMS.some((stem) => run.startsWith(stem))) return true;
		}
	}
	return false;
}

const isPlainObject = (value: unknown): value is PlainObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A value without its sensitive columns, at every depth (nested contacts, a year group's students). */
function withoutSensitive(value: PlainValue): PlainValue {
	if (Array.isArray(value)) return value.map((v) => withoutSensitive(v as PlainValue));
	if (!isPlainObject(value)) return value;
	const out: PlainObject = {};
	for (const [key, inner] of Object.entries(value))
		if (!isSensitiveColumn(key)) out[key] = withoutSensitive(inner);
	return out;
}

/**
 * The items as an agent sees them. `authorFields` (the workflow author's Fields to Return) win: the
 * author chose them, sensitive or not. Otherwise the operation's own list, `'all'`, or every field
 * that does not look sensitive.
 */
export function agentView(
	rows: PlainObject[],
	fields: AgentFields,
	authorFields: readonly string[] = [],
): PlainObject[] {
	if (authorFields.length > 0) return rows;
	if (fields === 'all') return rows;
	if (fields === undefined) return rows.map((row) => withoutSensitive(row) as PlainObject);
	const wanted = fields.map((f) => f.toLowerCase());
	return rows.map((row) => {
		const out: PlainObject = {};
		const keys = Object.keys(row);
		for (const name of wanted) {
			const key = keys.find((k) => k.toLowerCase() === name);
			if (key !== undefined) out[key] = row[key];
		}
		return out;
	});
}

// ---- Consent ---------------------------------------------------------------------------------------

/** The people a row names, by kind: their consent is looked up unless the row carries its own flag. */
export interface PeopleNamed {
	students: Set<number>;
	staff: Set<number>;
	/** Contacts and anyone else named by PersonID. */
	persons: Set<number>;
}

const STUDENT_KEYS = ['StudentID', 'PupilID', 'StudentPersonID'];
const STAFF_KEYS = ['StaffID'];
const PERSON_KEYS = ['PersonID', 'ContactPersonID'];

function idOf(row: PlainObject, keys: readonly string[]): number | undefined {
	const value = field(row, keys);
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const n = Number(value);
	return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The row's own Data Processing Consent flag, or undefined when it carries none. */
export function ownConsent(row: PlainObject): boolean | undefined {
	const value = field(row, CANDIDATES.consent);
	return value === undefined ? undefined : flag(value);
}

/**
 * Every person named by a row (and the rows nested in it) whose consent must be looked up: a row that
 * carries its own flag is decided by it, the rows nested in it still by theirs.
 */
export function peopleNamed(rows: readonly PlainValue[]): PeopleNamed {
	const named: PeopleNamed = { students: new Set(), staff: new Set(), persons: new Set() };
	const visit = (value: PlainValue) => {
		if (Array.isArray(value)) {
			for (const v of value) visit(v as PlainValue);
			return;
		}
		if (!isPlainObject(value)) return;
		if (ownConsent(value) === undefined) {
			const student = idOf(value, STUDENT_KEYS);
			const staff = idOf(value, STAFF_KEYS);
			const person = idOf(value, PERSON_KEYS);
			if (student !== undefined) named.students.add(student);
			if (staff !== undefined) named.staff.add(staff);
			if (person !== undefined && student === undefined && staff === undefined)
				named.persons.add(person);
		}
		for (const inner of Object.values(value)) if (typeof inner === 'object') visit(inner);
	};
	for (const row of rows) visit(row);
	return named;
}

/** Whether a row may reach the agent: its own flag, else every person it names has consent. */
function consented(row: PlainObject, granted: PeopleNamed): boolean {
	const own = ownConsent(row);
	if (own !== undefined) return own;
	const student = idOf(row, STUDENT_KEYS);
	const staff = idOf(row, STAFF_KEYS);
	const person = idOf(row, PERSON_KEYS);
	if (student !== undefined && !granted.students.has(student)) return false;
	if (staff !== undefined && !granted.staff.has(staff)) return false;
	if (
		person !== undefined &&
		student === undefined &&
		staff === undefined &&
		!granted.persons.has(person)
	)
		return false;
	return true;
}

function keepConsented(value: PlainValue, granted: PeopleNamed): PlainValue {
	if (Array.isArray(value))
		return value
			.filter((v) => !isPlainObject(v) || consented(v, granted))
			.map((v) => keepConsented(v as PlainValue, granted));
	if (!isPlainObject(value)) return value;
	const out: PlainObject = {};
	for (const [key, inner] of Object.entries(value))
		out[key] = typeof inner === 'object' ? keepConsented(inner, granted) : inner;
	return out;
}

/**
 * The rows about people with Data Processing Consent, and the rows nested in them likewise (a
 * contact's links to children, a year group's students). `granted` holds the people whose consent was
 * looked up and found granted; anyone not in it (withheld by Bromcom, not found) is left out. A row
 * that names nobody is kept.
 */
export function withConsent(
	rows: PlainObject[],
	granted: PeopleNamed,
): { rows: PlainObject[]; left: number } {
	const kept = rows.filter((row) => consented(row, granted));
	return {
		rows: kept.map((row) => keepConsented(row, granted) as PlainObject),
		left: rows.length - kept.length,
	};
}
