/**
 * The readiness check: for one school, what the workflows of this package can do with the access it
 * has, and what to fix where. Each capability is the entities its operations read (the operations'
 * own reads, listed once here); a missing entity is named with the Bromcom screen that grants it.
 *
 * Pure: the entities granted, the lawful basis and the roster's counts in, the report out.
 */
import { lawfulBasisIsConsent } from './eligibility';

export interface Capability {
	id: string;
	label: string;
	/** Entities every operation of the capability reads. */
	entities: readonly string[];
}

/** What the package can do, and what each needs (the entities its reads use). */
export const CAPABILITIES: readonly Capability[] = [
	{
		id: 'roster',
		label: 'Get Eligible Roster and Export Roster: pupils, staff and classes',
		entities: [
			'Schools',
			'Students',
			'StudentFlatView',
			'Staff',
			'People',
			'Collections',
			'CollectionAssociates',
			'CollectionExecutives',
		],
	},
	{
		id: 'contacts',
		label: 'Contacts (parents) in the roster and in exports',
		entities: ['StudentContacts', 'People', 'Emails', 'PersonTelephones'],
	},
	{
		id: 'triggerStudents',
		label: 'Bromcom Trigger on Students (new, updated, left, restored)',
		entities: ['Students'],
	},
	{
		id: 'attendance',
		label: 'Attendance › Get Many and Get Summary',
		entities: ['Attendances', 'Students'],
	},
	{
		id: 'timetable',
		label: 'Timetable › Get Many',
		entities: ['TimeTable', 'StudentTimeTables'],
	},
];

/** Every entity a capability needs, each once (what the check must find out about). */
export const NEEDED_ENTITIES: readonly string[] = [
	...new Set(CAPABILITIES.flatMap((c) => c.entities)),
];

export type Route = 'soap' | 'rest';

/** How a readiness item names the route it checked. */
export const ROUTE_LABELS: Record<Route, string> = {
	soap: 'Third-party user (SOAP)',
	rest: 'Partner API (REST)',
};

/** Where a school grants an entity, by route. */
export function grantFix(route: Route, entities: readonly string[]): string {
	const list = entities.join(', ');
	return route === 'rest'
		? `The school grants the partner application these under Config › Setup › Partner Applications › the application › Manage (Grant › Proceed): ${list}.`
		: `The school ticks these for the third-party user under Modules › Setup › Third Party Access Permissions & Logs: ${list}.`;
}

export interface CapabilityResult {
	capability: string;
	label: string;
	ready: boolean;
	missing: string[];
	fix?: string;
}

export function capabilities(route: Route, granted: ReadonlySet<string>): CapabilityResult[] {
	const has = (entity: string) => granted.has(entity.toLowerCase());
	return CAPABILITIES.map((c) => {
		const missing = c.entities.filter((e) => !has(e));
		return {
			capability: c.id,
			label: c.label,
			ready: missing.length === 0,
			missing,
			...(missing.length ? { fix: grantFix(route, missing) } : {}),
		};
	});
}

export interface LawfulBasisReport {
	recorded: string | null;
	consentDecides: boolean;
	meaning: string;
	whereToSet: string;
}

export function lawfulBasisReport(value: unknown): LawfulBasisReport {
	const recorded =
		value === undefined || value === null || String(value).trim() === ''
			? null
			: String(value).trim();
	const consent = lawfulBasisIsConsent(value);
	return {
		recorded,
		consentDecides: consent,
		meaning: consent
			? `${recorded ? 'Consent' : 'Not recorded, so taken as Consent'}: Bromcom withholds students and staff without Data Processing Consent from every third party, so they cannot be counted or exported from here; for the people it returns, the consent rules check the flag. Grant consent per person in Bromcom (Actions › Quick Edit, or the student's Key Data / the staff member's Personal Details panel).`
			: `${recorded}: not Consent, so Bromcom returns all students and staff to third parties and the consent rules pass everyone.`,
		whereToSet:
			'Config › Administration › Administrative Defaults › Lawful basis for data processing',
	};
}

export interface Problem {
	code: string;
	message: string;
	fix: string;
}

/** The problems of a report, most blocking first: what an MSP sends the school. */
export function problemsOf(
	route: Route,
	caps: CapabilityResult[],
	counts: {
		pupilsOnRoll?: number;
		futureAdmissions?: number;
		excludedByReason?: Record<string, number>;
		classesWithoutTeacher?: number;
		classesWithoutPupils?: number;
	},
	writeBack: { checked: boolean; permitted?: boolean },
): Problem[] {
	const out: Problem[] = [];
	for (const c of caps.filter((x) => !x.ready))
		out.push({
			code: `MISSING_${c.capability.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase()}_ENTITIES`,
			message: `${c.label}: not possible, ${c.missing.length === 1 ? 'an entity is' : `${c.missing.length} entities are`} not granted (${c.missing.join(', ')}).`,
			fix: c.fix ?? grantFix(route, c.missing),
		});
	const reasons = counts.excludedByReason ?? {};
	const say = (code: string, message: (n: number) => string, fix: string) => {
		const n = reasons[code] ?? 0;
		if (n > 0) out.push({ code, message: message(n), fix });
	};
	say(
		'STUDENT_NO_CONSENT',
		(n) => `${n} pupils on roll have no Data Processing Consent and will be left out.`,
		'Record consent in Bromcom (Actions › Quick Edit, or the student’s Key Data panel), or check the school’s lawful basis.',
	);
	say(
		'TEACHER_NO_CONSENT',
		(n) => `${n} members of staff have no Data Processing Consent and will be left out.`,
		'Record consent on the staff member’s Personal Details panel in Bromcom.',
	);
	say(
		'CONTACT_RELATIONSHIP',
		(n) => `${n} contacts have no parental responsibility recorded and will be left out.`,
		'Tick Parental Responsibility on the pupil’s contact (Pupil record › Contacts › Edit) where it applies.',
	);
	say(
		'CONTACT_NO_SIGN_IN_NAME',
		(n) =>
			`${n} contacts with parental responsibility have no email address and cannot have an account.`,
		'Add the contact’s email address in Bromcom (contact record › Communication).',
	);
	if ((counts.classesWithoutTeacher ?? 0) > 0)
		out.push({
			code: 'CLASSES_WITHOUT_TEACHER',
			message: `${counts.classesWithoutTeacher} classes or tutor groups have no teacher who passes the rules (no teaching role, or no consent).`,
			fix: 'Assign a Main Teacher or Main Tutor to the class in Bromcom (Classes › the class › Staff).',
		});
	if ((counts.classesWithoutPupils ?? 0) > 0)
		out.push({
			code: 'CLASSES_WITHOUT_PUPILS',
			message: `${counts.classesWithoutPupils} classes or tutor groups have no pupil who passes the rules.`,
			fix: 'Check the class memberships (a timetable not yet set up for the year), or leave them: they are not exported.',
		});
	if ((counts.futureAdmissions ?? 0) > 0)
		out.push({
			code: 'FUTURE_ADMISSIONS',
			message: `${counts.futureAdmissions} pupils are admitted for a future start and are not on roll yet.`,
			fix: 'To create their accounts before their first day, set Students Starting Within (Days) on Export Roster.',
		});
	if (writeBack.checked && writeBack.permitted === false)
		out.push({
			code: 'NO_WRITE_BACK',
			message: 'Write-back is refused: this user may read but not write.',
			fix:
				route === 'rest'
					? 'The partner application needs the write scope granted by the school.'
					: 'The school needs Bromcom’s Third Party Write Licence, and the user write permission under Config › Setup › Roles and Permissions › System Security › Security Settings › Third Party Write Back.',
		});
	return out;
}
