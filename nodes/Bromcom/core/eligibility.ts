/**
 * Consent and eligibility rules, as one table. Each rule is a pure function over plain facts about a
 * record, with a stable reason code and a plain-English message, so a school can answer "why is this
 * parent missing?". The presets follow SchoolCloud's published Bromcom sync criteria
 * (docs/bromcom-facts.md, Eligibility); "Consent only" and "Custom" use the same rules with other switches.
 *
 * Lawful basis: when the school's data-protection lawful basis is not Consent, consent is not what
 * makes processing lawful, so every consent rule passes.
 */

export type RecordKind = 'student' | 'contact' | 'teacher' | 'class';
export type Preset = 'provisioning' | 'parentsEvening' | 'consentOnly' | 'custom';

export interface RuleOptions {
	preset: Preset;
	/** false when the school's lawful basis is not Consent: consent rules then pass everyone. */
	lawfulBasisIsConsent: boolean;
	/** Custom preset switches. */
	relationships?: string[];
	requireParentalResponsibility?: boolean;
	requireEmail?: boolean;
	requirePhone?: boolean;
	yearGroups?: string[];
	currentOnly?: boolean;
	requireClasses?: boolean;
	requireConsent?: boolean;
	requireNames?: boolean;
	/** Provisioning: staff only with a teaching role on a class or tutor group. */
	teachingStaffOnly?: boolean;
	/** Provisioning: staff and students only once their start date has passed. */
	staffStarted?: boolean;
	studentsStarted?: boolean;
	/** Provisioning: a contact with a court order or restricted access on any link is left out. */
	excludeRestrictedContacts?: boolean;
	/** Provisioning: students and staff need an email (SSO matches on it). */
	requirePersonEmail?: boolean;
	/** Today, YYYY-MM-DD, for the start-date rules (given, so the rules stay pure). */
	today?: string;
	/** Provisioning: pupils admitted to start within this many days count as started (accounts on day one). */
	startsWithinDays?: number;
}

export interface Link {
	relationship?: unknown;
	parentalResponsibility?: unknown;
}

/** What the rules look at. `undefined` means "not known" (a field the items do not carry). */
export interface Facts {
	consent?: unknown;
	title?: unknown;
	firstName?: unknown;
	lastName?: unknown;
	email?: unknown;
	phone?: unknown;
	links?: Link[];
	classCount?: unknown;
	current?: unknown;
	yearGroup?: unknown;
	type?: unknown;
	eligibleChildren?: unknown;
	eligibleStudents?: unknown;
	eligibleTeachers?: unknown;
	/** Start date on roll / in post (YYYY-MM-DD…). */
	startDate?: unknown;
	/** Teaching groups (classes and tutor groups with a teaching role), staff. */
	teachingGroups?: unknown;
	/** A court order or restricted access recorded on any of the contact's links. */
	restricted?: unknown;
}

export interface Reason {
	code: string;
	message: string;
}

interface Rule {
	code: string;
	kind: RecordKind;
	/** Whether the rule is in force for these options. */
	applies: (o: RuleOptions) => boolean;
	/** true = passes. */
	test: (f: Facts, o: RuleOptions) => boolean;
	message: (f: Facts, o: RuleOptions) => string;
	/** A fact from other records; when it is unknown the rule is not checked (and says so). */
	needs?: keyof Facts;
}

export const PARENT_RELATIONSHIPS = ['Mother', 'Father'];

export function flag(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	return ['true', 'yes', 'y', '1', 'granted'].includes(text);
}

export function present(value: unknown): boolean {
	return value !== undefined && value !== null && String(value).trim() !== '';
}

function count(value: unknown): number {
	if (Array.isArray(value)) return value.length;
	const n = Number(value);
	return Number.isFinite(n) ? n : flag(value) ? 1 : 0;
}

const is = (o: RuleOptions, ...presets: Preset[]) => presets.includes(o.preset);
const custom = (o: RuleOptions, key: keyof RuleOptions) => is(o, 'custom') && o[key] === true;
/** YYYY-MM-DD of `today` plus `days` (UTC calendar arithmetic). */
function dayPlus(today: string, days: number): string {
	const t = Date.parse(`${today}T00:00:00Z`) + Math.max(0, days) * 86400000;
	return new Date(t).toISOString().slice(0, 10);
}
/**
 * A start date on or before today (or, for provisioning, today plus the admission window). An
 * unknown start date does not pass.
 */
const started = (f: Facts, o: RuleOptions) => {
	const day = String(f.startDate ?? '').slice(0, 10);
	const today = o.today ?? new Date().toISOString().slice(0, 10);
	const limit = is(o, 'provisioning') ? dayPlus(today, o.startsWithinDays ?? 0) : today;
	return /^\d{4}-\d{2}-\d{2}$/.test(day) && day <= limit;
};
const consentApplies = (o: RuleOptions) =>
	is(o, 'provisioning', 'parentsEvening', 'consentOnly') ||
	(is(o, 'custom') && o.requireConsent === true);
/** Titles: SchoolCloud's names rule. */
const namesApply = (o: RuleOptions) =>
	is(o, 'parentsEvening') || (is(o, 'custom') && o.requireNames === true);
/** Forename and surname: SchoolCloud's names rule, and provisioning (an account needs both). */
const fullNamesApply = (o: RuleOptions) => namesApply(o) || is(o, 'provisioning');
const consentOk = (f: Facts, o: RuleOptions) => !o.lawfulBasisIsConsent || flag(f.consent);
const allowedRelationships = (o: RuleOptions) =>
	is(o, 'custom') && o.relationships && o.relationships.length > 0
		? o.relationships
		: PARENT_RELATIONSHIPS;
const sameText = (a: unknown, b: string) =>
	String(a ?? '')
		.trim()
		.toLowerCase() === b.toLowerCase();

function relationshipOk(f: Facts, o: RuleOptions): boolean {
	const allowed = allowedRelationships(o);
	const requirePr = is(o, 'custom') && o.requireParentalResponsibility === true;
	return (f.links ?? []).some((l) => {
		const related = allowed.some((r) => sameText(l.relationship, r));
		const pr = flag(l.parentalResponsibility);
		// Provisioning: an account for whoever has parental responsibility, whatever the relationship.
		if (is(o, 'provisioning')) return pr;
		// Parents' evening: Mother or Father always; any other relationship with parental responsibility.
		if (is(o, 'parentsEvening')) return related || pr;
		return requirePr ? pr && (o.relationships?.length ? related : true) : related;
	});
}

function describeLinks(f: Facts): string {
	const links = f.links ?? [];
	if (links.length === 0) return 'no relationship to a student is recorded';
	// One line per distinct link: a grandfather of three pupils is said once, with the count.
	const counts = new Map<string, number>();
	for (const l of links) {
		const text = `${String(l.relationship ?? 'unknown relationship').trim()}${flag(l.parentalResponsibility) ? ' with' : ' without'} parental responsibility`;
		counts.set(text, (counts.get(text) ?? 0) + 1);
	}
	return [...counts].map(([text, n]) => (n > 1 ? `${text} (for ${n} students)` : text)).join('; ');
}

export const RULES: readonly Rule[] = [
	// Students
	{
		code: 'STUDENT_NO_CONSENT',
		kind: 'student',
		applies: consentApplies,
		test: consentOk,
		message: () => 'student does not have Data Processing Consent granted',
	},
	{
		code: 'STUDENT_NO_CLASSES',
		kind: 'student',
		applies: (o) => is(o, 'parentsEvening') || (is(o, 'custom') && o.requireClasses === true),
		test: (f) => count(f.classCount) > 0,
		message: () => 'student is not a member of any class',
		needs: 'classCount',
	},
	{
		code: 'STUDENT_NOT_CURRENT',
		kind: 'student',
		applies: (o) => is(o, 'custom') && o.currentOnly === true,
		test: (f) => flag(f.current),
		message: () => 'student is not currently on roll',
	},
	{
		code: 'STUDENT_YEAR_GROUP',
		kind: 'student',
		applies: (o) => is(o, 'custom') && (o.yearGroups?.length ?? 0) > 0,
		test: (f, o) => (o.yearGroups ?? []).some((y) => sameText(f.yearGroup, y)),
		message: (f, o) =>
			`student is in year group ${String(f.yearGroup ?? '(none)')}, not one of ${(o.yearGroups ?? []).join(', ')}`,
	},
	{
		code: 'STUDENT_NOT_STARTED',
		kind: 'student',
		applies: (o) => custom(o, 'studentsStarted') || is(o, 'provisioning'),
		test: started,
		message: (f, o) =>
			is(o, 'provisioning') && (o.startsWithinDays ?? 0) > 0
				? `student's start date (${String(f.startDate ?? 'none recorded').slice(0, 10)}) is more than ${o.startsWithinDays} days away`
				: `student's start date (${String(f.startDate ?? 'none recorded').slice(0, 10)}) has not passed`,
	},
	{
		code: 'STUDENT_NO_EMAIL',
		kind: 'student',
		applies: (o) => custom(o, 'requirePersonEmail'),
		test: (f) => present(f.email),
		message: () => 'student has no email address (single sign-on matches on it)',
	},
	// Contacts
	{
		code: 'CONTACT_RESTRICTED',
		kind: 'contact',
		applies: (o) => custom(o, 'excludeRestrictedContacts'),
		test: (f) => !flag(f.restricted),
		message: () =>
			'contact has a court order or restricted access recorded against a link to a student',
	},
	{
		code: 'CONTACT_RELATIONSHIP',
		kind: 'contact',
		applies: (o) => is(o, 'parentsEvening', 'custom', 'provisioning'),
		test: relationshipOk,
		message: (f, o) =>
			is(o, 'parentsEvening')
				? `contact has no parental responsibility and is not Mother/Father (${describeLinks(f)})`
				: is(o, 'provisioning')
					? `contact has no parental responsibility for a student (${describeLinks(f)})`
					: `contact's relationship does not meet the rule (${describeLinks(f)})`,
	},
	{
		code: 'CONTACT_MISSING_TITLE',
		kind: 'contact',
		applies: namesApply,
		test: (f) => present(f.title),
		message: () => 'contact has no title',
	},
	{
		code: 'CONTACT_MISSING_FORENAME',
		kind: 'contact',
		applies: fullNamesApply,
		test: (f) => present(f.firstName),
		message: () => 'contact has no forename',
	},
	{
		code: 'CONTACT_MISSING_SURNAME',
		kind: 'contact',
		applies: fullNamesApply,
		test: (f) => present(f.lastName),
		message: () => 'contact has no surname',
	},
	{
		code: 'CONTACT_NO_CONSENT',
		kind: 'contact',
		applies: consentApplies,
		test: consentOk,
		message: () => 'contact does not have Data Processing Consent granted',
	},
	{
		code: 'CONTACT_NO_EMAIL',
		kind: 'contact',
		applies: (o) => is(o, 'custom') && o.requireEmail === true,
		test: (f) => present(f.email),
		message: () => 'contact has no email address',
	},
	{
		code: 'CONTACT_NO_SIGN_IN_NAME',
		kind: 'contact',
		applies: (o) => is(o, 'provisioning'),
		test: (f) => present(f.email),
		message: () => 'contact has no email address in Bromcom to sign in with',
	},
	{
		code: 'CONTACT_NO_PHONE',
		kind: 'contact',
		applies: (o) => is(o, 'custom') && o.requirePhone === true,
		test: (f) => present(f.phone),
		message: () => 'contact has no telephone number',
	},
	{
		code: 'CONTACT_NO_ELIGIBLE_CHILD',
		kind: 'contact',
		applies: (o) => is(o, 'parentsEvening', 'provisioning'),
		test: (f) => count(f.eligibleChildren) > 0,
		message: () =>
			'contact has no child who is eligible (every linked student fails the student rules)',
		needs: 'eligibleChildren',
	},
	// Teachers
	{
		code: 'TEACHER_MISSING_TITLE',
		kind: 'teacher',
		applies: namesApply,
		test: (f) => present(f.title),
		message: () => 'teacher has no title',
	},
	{
		code: 'TEACHER_MISSING_FORENAME',
		kind: 'teacher',
		applies: fullNamesApply,
		test: (f) => present(f.firstName),
		message: () => 'teacher has no forename',
	},
	{
		code: 'TEACHER_MISSING_SURNAME',
		kind: 'teacher',
		applies: fullNamesApply,
		test: (f) => present(f.lastName),
		message: () => 'teacher has no surname',
	},
	{
		code: 'TEACHER_NO_CONSENT',
		kind: 'teacher',
		// SchoolCloud's rules ask consent of teachers too (the Parents' Evening preset copies them).
		applies: consentApplies,
		test: consentOk,
		message: () => 'member of staff does not have Data Processing Consent granted',
	},
	{
		code: 'TEACHER_NO_ELIGIBLE_STUDENT',
		kind: 'teacher',
		applies: (o) => is(o, 'parentsEvening'),
		test: (f) => count(f.eligibleStudents) > 0,
		message: () => 'teacher has no eligible student in any of their classes',
		needs: 'eligibleStudents',
	},
	{
		code: 'TEACHER_NOT_TEACHING',
		kind: 'teacher',
		applies: (o) => custom(o, 'teachingStaffOnly'),
		test: (f) => count(f.teachingGroups) > 0,
		message: () => 'member of staff has no teaching role on a class or tutor group',
		needs: 'teachingGroups',
	},
	{
		code: 'TEACHER_NOT_STARTED',
		kind: 'teacher',
		applies: (o) => custom(o, 'staffStarted'),
		test: started,
		message: (f) =>
			`member of staff's start date (${String(f.startDate ?? 'none recorded').slice(0, 10)}) has not passed`,
	},
	{
		code: 'TEACHER_NO_EMAIL',
		kind: 'teacher',
		applies: (o) => custom(o, 'requirePersonEmail'),
		test: (f) => present(f.email),
		message: () => 'member of staff has no email address (single sign-on matches on it)',
	},
	// Classes
	{
		code: 'CLASS_TYPE',
		kind: 'class',
		applies: (o) => is(o, 'parentsEvening', 'provisioning'),
		test: (f) =>
			['CLASS', 'TUTORGRP', 'CLASS GROUP', 'TUTOR GROUP'].includes(
				String(f.type ?? '')
					.trim()
					.toUpperCase(),
			),
		message: (f) =>
			`group is a ${String(f.type ?? 'group of unknown type')}, not a Class or Tutor Group`,
	},
	{
		code: 'CLASS_NO_ELIGIBLE_TEACHER',
		kind: 'class',
		applies: (o) => is(o, 'parentsEvening'),
		test: (f) => count(f.eligibleTeachers) > 0,
		message: () => 'class has no eligible teacher',
		needs: 'eligibleTeachers',
	},
	{
		code: 'CLASS_NO_ELIGIBLE_STUDENT',
		kind: 'class',
		applies: (o) => is(o, 'parentsEvening'),
		test: (f) => count(f.eligibleStudents) > 0,
		message: () => 'class has no eligible student',
		needs: 'eligibleStudents',
	},
	{
		code: 'CLASS_NO_MEMBERS',
		kind: 'class',
		applies: (o) => is(o, 'provisioning'),
		test: (f) => count(f.eligibleTeachers) + count(f.eligibleStudents) > 0,
		message: () => 'class has no eligible pupil or member of staff',
		needs: 'eligibleStudents',
	},
];

export interface Verdict {
	eligible: boolean;
	reasons: Reason[];
	/** Rules in force that could not be checked because a fact from other records was not given. */
	notChecked: string[];
}

export function evaluate(kind: RecordKind, facts: Facts, options: RuleOptions): Verdict {
	const reasons: Reason[] = [];
	const notChecked: string[] = [];
	for (const rule of RULES) {
		if (rule.kind !== kind || !rule.applies(options)) continue;
		if (rule.needs && !present(facts[rule.needs]) && !Array.isArray(facts[rule.needs])) {
			notChecked.push(rule.code);
			continue;
		}
		if (!rule.test(facts, options))
			reasons.push({ code: rule.code, message: rule.message(facts, options) });
	}
	return { eligible: reasons.length === 0, reasons, notChecked };
}

/** Lawful basis text from Bromcom (e.g. Schools.DataProtectionLawfulBasis): only "Consent" makes consent decisive. */
export function lawfulBasisIsConsent(text: unknown): boolean {
	const t = String(text ?? '')
		.trim()
		.toLowerCase();
	return t === '' || t === 'consent';
}
