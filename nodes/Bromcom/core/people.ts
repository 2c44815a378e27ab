/**
 * People-shaped results: contacts joined with their names, emails, telephones and student links,
 * and the compact "Simplify" shapes. Pure functions over plain rows.
 *
 * The column names of StudentContacts, Emails and PersonTelephones are UNKNOWN for the live service
 * (docs/bromcom-facts.md, Entities and columns: no public client reads them), so each is looked up from a short list of
 * plausible names, case-insensitively, and the first present wins.
 */
import type { PlainObject } from './types';

import type { CellValue, DataSetRow } from './wire/dataset';

export const CANDIDATES = {
	linkStudentId: ['StudentID', 'StudentPersonID', 'PupilID'],
	linkContactId: ['ContactPersonID', 'ContactID', 'ContactPersonId', 'PersonID'],
	relationship: [
		'RelationshipDescription',
		'Relationship',
		'RelationshipTypeDescription',
		'RelationshipName',
	],
	parentalResponsibility: [
		'ParentalResponsibility',
		'HasParentalResponsibility',
		'IsParentalResponsibility',
	],
	contactPriority: ['ContactPriority', 'Priority', 'ContactOrder'],
	personId: ['PersonID', 'PersonId'],
	emailAddress: ['EmailAddress', 'Email', 'Address'],
	telephoneNumber: ['TelephoneNumber', 'Number', 'Telephone', 'PhoneNumber'],
	priority: ['Priority', 'EmailPriority', 'TelephonePriority', 'ContactPriority'],
	main: ['IsMain', 'IsMainEmail', 'IsPreferred', 'IsPrimary', 'Main'],
	restricted: ['CourtOrderRestrictedAccess', 'CourtOrder', 'RestrictedAccess', 'IsCourtOrder'],
	studentEmail: ['StudentEmail', 'EmailAddress', 'Email'],
	staffEmail: ['WorkEmail', 'EmailAddress', 'Email'],
	consent: ['IsDataProcessingConsentGranted', 'DataProcessingConsent', 'IsDataProcessingConsent'],
} as const;

export function field(
	row: DataSetRow | PlainObject,
	candidates: readonly string[],
): CellValue | undefined {
	for (const name of candidates) {
		if (name in row) return row[name] as CellValue;
	}
	const keys = Object.keys(row);
	for (const name of candidates) {
		const key = keys.find((k) => k.toLowerCase() === name.toLowerCase());
		if (key !== undefined) return row[key] as CellValue;
	}
	return undefined;
}

/** Bromcom flags come as booleans or as "Yes"/"No" strings depending on the entity (docs/bromcom-facts.md, Column types). */
export function truthy(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	return text === 'true' || text === 'yes' || text === 'y' || text === '1';
}

function rank(row: DataSetRow): [number, number, number] {
	const main = field(row, CANDIDATES.main);
	const priority = Number(field(row, CANDIDATES.priority) ?? Number.MAX_SAFE_INTEGER);
	const id = Number(Object.values(row)[0] ?? 0);
	return [
		main === undefined ? 0 : truthy(main) ? -1 : 0,
		Number.isFinite(priority) ? priority : Number.MAX_SAFE_INTEGER,
		id,
	];
}

/** The row schools mean by "the" email or phone: marked main, else the lowest priority number, else the oldest. */
export function highestPriority(rows: DataSetRow[]): DataSetRow | undefined {
	let best: DataSetRow | undefined;
	let bestRank: [number, number, number] | undefined;
	for (const row of rows) {
		const r = rank(row);
		if (
			!bestRank ||
			r[0] < bestRank[0] ||
			(r[0] === bestRank[0] && (r[1] < bestRank[1] || (r[1] === bestRank[1] && r[2] < bestRank[2])))
		) {
			best = row;
			bestRank = r;
		}
	}
	return best;
}

export function groupBy(
	rows: DataSetRow[],
	candidates: readonly string[],
): Map<number, DataSetRow[]> {
	const out = new Map<number, DataSetRow[]>();
	for (const row of rows) {
		const id = Number(field(row, candidates));
		if (!Number.isFinite(id)) continue;
		if (!out.has(id)) out.set(id, []);
		out.get(id)!.push(row);
	}
	return out;
}

export interface JoinedContact extends PlainObject {
	PersonID: number;
	Email: string | null;
	Telephone: string | null;
	Emails: PlainObject[];
	Telephones: PlainObject[];
	Students: PlainObject[];
}

/**
 * One contact per person, with every student link. `people` are People rows; `links` StudentContacts
 * rows; `emails`/`phones` the person's Emails and PersonTelephones rows.
 */
export function joinContacts(
	links: DataSetRow[],
	people: DataSetRow[],
	emails: DataSetRow[],
	phones: DataSetRow[],
): JoinedContact[] {
	const emailsBy = groupBy(emails, CANDIDATES.personId);
	const phonesBy = groupBy(phones, CANDIDATES.personId);
	const linksBy = groupBy(links, CANDIDATES.linkContactId);
	const out: JoinedContact[] = [];
	for (const person of people) {
		const id = Number(field(person, CANDIDATES.personId));
		const personEmails = emailsBy.get(id) ?? [];
		const personPhones = phonesBy.get(id) ?? [];
		const best = highestPriority(personEmails);
		const bestPhone = highestPriority(personPhones);
		const students = (linksBy.get(id) ?? [])
			.slice()
			.sort(
				(a, b) =>
					Number(field(a, CANDIDATES.contactPriority) ?? 99) -
					Number(field(b, CANDIDATES.contactPriority) ?? 99),
			)
			.map((l) => ({ ...l }) as PlainObject);
		out.push({
			...(person as PlainObject),
			PersonID: id,
			Email: best ? ((field(best, CANDIDATES.emailAddress) as string | null) ?? null) : null,
			Telephone: bestPhone
				? ((field(bestPhone, CANDIDATES.telephoneNumber) as string | null) ?? null)
				: null,
			Emails: personEmails.map((e) => ({ ...e }) as PlainObject),
			Telephones: personPhones.map((t) => ({ ...t }) as PlainObject),
			Students: students,
		});
	}
	return out;
}

const pick = (row: PlainObject, names: string[]): PlainObject => {
	const out: PlainObject = {};
	for (const name of names) {
		const value = field(row as DataSetRow, [name]);
		if (value !== undefined) out[name] = value;
	}
	return out;
};

export function simplifyStudent(row: PlainObject): PlainObject {
	return pick(row, [
		'StudentID',
		'FirstName',
		'LastName',
		'PreferredFirstName',
		'PreferredLastName',
		'Gender',
		'DateOfBirth',
		'YearGroup',
		'TutorGroup',
		'UPN',
		'AdmissionNumber',
		'StartDate',
		'EndDate',
	]);
}

export function simplifyStaff(row: PlainObject): PlainObject {
	return pick(row, [
		'StaffID',
		'Title',
		'FirstName',
		'LastName',
		'PreferredFirstName',
		'PreferredLastName',
		'StaffCode',
		'JobTitle',
		'WorkEmail',
		'StartDate',
		'EndDate',
	]);
}

export function simplifyContact(contact: JoinedContact): PlainObject {
	return {
		...pick(contact, ['PersonID', 'Title', 'FirstName', 'LastName']),
		Email: contact.Email,
		Telephone: contact.Telephone,
		IsDataProcessingConsentGranted: field(contact as DataSetRow, CANDIDATES.consent) ?? null,
		Students: contact.Students.map((l) => ({
			StudentID: field(l as DataSetRow, CANDIDATES.linkStudentId) ?? null,
			Relationship: field(l as DataSetRow, CANDIDATES.relationship) ?? null,
			ParentalResponsibility: field(l as DataSetRow, CANDIDATES.parentalResponsibility) ?? null,
			ContactPriority: field(l as DataSetRow, CANDIDATES.contactPriority) ?? null,
		})),
	};
}
