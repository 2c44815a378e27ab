/**
 * Export Roster: the eligible roster of every listed school (the same cascade as Get Eligible
 * Roster), as one SDS v2.1 or OneRoster 1.2 file set. One item carries every file as a binary
 * property, ready for n8n's Compression, SFTP, OneDrive or Google Drive nodes. Any school failing
 * fails the export: a partial set would make SDS deactivate that school's people.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { assignNames, patternError, type NamePerson } from '../Bromcom/core/accountNames';
import { academicYearStart } from '../Bromcom/core/attendance';
import { parseBromcomId } from '../Bromcom/core/ids';
import { CANDIDATES, field } from '../Bromcom/core/people';
import type { RosterEntry } from '../Bromcom/core/roster';
import {
	oneRosterFiles,
	sdsFiles,
	type ExportClass,
	type ExportContact,
	type ExportInput,
	type ExportPerson,
	type ExportSchool,
	type Merged,
} from '../Bromcom/core/rosterExport';
import type { PlainObject } from '../Bromcom/core/types';
import { BromcomError } from '../Bromcom/core/wire/errors';
import { invalid, itemSettings, read, SchemaCache } from '../Bromcom/helpers/read';
import { credentialSchoolId } from '../Bromcom/transport';
import { rosterFor } from './roster';

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
const day = (v: unknown) => text(v).slice(0, 10);

export interface ExportResult {
	json: IDataObject;
	binary: Record<string, IBinaryData>;
	skipped: IDataObject[];
}

function schoolList(ctx: IExecuteFunctions, i: number): string[] {
	return text(ctx.getNodeParameter('schoolIds', i, ''))
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

export async function exportRoster(ctx: IExecuteFunctions, i: number): Promise<ExportResult> {
	const raw = schoolList(ctx, i);
	const bad = raw.filter((s) => parseBromcomId(s) === undefined);
	if (bad.length)
		throw invalid(
			`School IDs: "${bad[0]}" is not a Bromcom School ID. Separate several with commas.`,
		);
	const schoolIds = raw.length
		? [...new Set(raw.map((s) => parseBromcomId(s) as number))]
		: [await credentialSchoolId(ctx)];
	const format = ctx.getNodeParameter('format', i, 'sds21') as string;
	const trustName = text(ctx.getNodeParameter('trustName', i, ''));
	const trustId = text(ctx.getNodeParameter('trustId', i, ''));
	if (trustName !== '' && trustId === '')
		throw invalid(
			'Trust ID is empty: give the trust a stable identifier (its DfE group ID), or clear Trust Name.',
		);
	const includeClasses = ctx.getNodeParameter('includeClasses', i, true) as boolean;
	const includeContacts = ctx.getNodeParameter('includeContacts', i, false) as boolean;
	const usernames = ctx.getNodeParameter('usernames', i, 'bromcom') as string;
	const patterns =
		usernames === 'pattern'
			? {
					student: text(ctx.getNodeParameter('studentPattern', i, '')),
					staff: text(ctx.getNodeParameter('staffPattern', i, '')),
					domain: text(ctx.getNodeParameter('domain', i, ''))
						.replace(/^@/, '')
						.toLowerCase(),
					maxLength: Number(ctx.getNodeParameter('maxLength', i, 20)),
				}
			: undefined;
	if (patterns) {
		for (const [label, p] of [
			['Student Pattern', patterns.student],
			['Staff Pattern', patterns.staff],
		]) {
			const error = patternError(p);
			if (error) throw invalid(`${label}: ${error}`);
		}
		if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(patterns.domain))
			throw invalid(
				`Domain "${patterns.domain}" is not a domain name, for example northfield.sch.uk.`,
			);
	}

	const schemas = new SchemaCache(ctx);
	const year = { start: academicYearStart(new Date()), end: '' };
	year.end = `${Number(year.start.slice(0, 4)) + 1}-08-31`;
	const schools: ExportSchool[] = [];
	const skipped: IDataObject[] = [];
	for (const schoolId of schoolIds) {
		// Sequential and all-or-nothing: an error here stops the export with the school named.
		const settings = { ...itemSettings(ctx, i), schoolId };
		let info: PlainObject;
		let roster: Awaited<ReturnType<typeof rosterFor>>;
		try {
			info = ((await read(ctx, 'Schools', '', settings)).rows[0] ?? {}) as PlainObject;
			roster = await rosterFor(ctx, i, schemas, {
				schoolId,
				kinds: ['student', 'teacher', 'class', 'membership', 'contact'],
			});
		} catch (error) {
			if (error instanceof BromcomError)
				throw error.mapText((t) => (t.startsWith('School ') ? t : `School ${schoolId}: ${t}`));
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
		}
		schools.push(
			toSchool(schoolId, info as PlainObject, roster.kept, {
				year,
				includeContacts,
				patterns,
				skipped,
			}),
		);
	}
	const input: ExportInput = {
		trust: trustName ? { id: trustId, name: trustName } : undefined,
		schools,
		includeClasses,
		includeContacts,
	};
	const merged: Merged[] = [];
	const files = format === 'oneRoster12' ? oneRosterFiles(input) : sdsFiles(input, merged);
	const binary: Record<string, IBinaryData> = {};
	for (const f of files) {
		const key = f.name.replace(/\.csv$/, '');
		binary[key] = await ctx.helpers.prepareBinaryData(
			Buffer.from(f.text, 'utf8'),
			f.name,
			'text/csv',
		);
	}
	const rows = (name: string) =>
		(files.find((f) => f.name === name)?.text.split('\r\n').length ?? 2) - 2;
	return {
		json: {
			format: format === 'oneRoster12' ? 'OneRoster 1.2 CSV (bulk)' : 'School Data Sync v2.1 CSV',
			schools: schools.map((s) => ({
				schoolId: s.schoolId,
				name: s.name,
				students: s.students.length,
				teachers: s.teachers.length,
				classes: includeClasses ? s.classes.length : 0,
				contacts: includeContacts ? s.contacts.length : 0,
			})),
			files: files.map((f) => ({ name: f.name, rows: rows(f.name) })),
			binaryProperties: Object.keys(binary).join(','),
			skipped: skipped.length,
			// One user per sign-in name: the same parent or teacher at two schools, or a shared family email.
			mergedUsers: merged as unknown as IDataObject[],
		},
		binary,
		skipped,
	};
}

interface SchoolOptions {
	year: { start: string; end: string };
	includeContacts: boolean;
	patterns?: { student: string; staff: string; domain: string; maxLength: number };
	skipped: IDataObject[];
}

function toSchool(
	schoolId: number,
	info: PlainObject,
	kept: RosterEntry[],
	o: SchoolOptions,
): ExportSchool {
	const of = (kind: string) => kept.filter((e) => e.kind === kind).map((e) => e.record);
	const nameFor = (records: PlainObject[], pattern: string | undefined, idColumn: string) => {
		if (!o.patterns || !pattern) return new Map<string, string>();
		const people: NamePerson[] = records.map((r) => ({
			id: text(r[idColumn]),
			firstName: r.FirstName,
			preferredFirstName: r.PreferredFirstName,
			lastName: r.PreferredLastName || r.LastName,
			middleName: r.MiddleName,
			yearGroup: r.YearGroup,
			startDate: r.StartDate,
			admissionNumber: r.AdmissionNumber,
			upn: r.UPN,
			staffCode: r.StaffCode,
		}));
		const names = assignNames(
			people,
			{ pattern, maxLength: o.patterns.maxLength },
			new Map(),
			new Date(),
		);
		return new Map(
			names.filter((n) => n.name).map((n) => [n.id, `${n.name}@${o.patterns!.domain}`]),
		);
	};
	const studentsRaw = of('student');
	const staffRaw = of('teacher');
	const studentNames = nameFor(studentsRaw, o.patterns?.student, 'StudentID');
	const staffNames = nameFor(staffRaw, o.patterns?.staff, 'StaffID');
	const person = (r: PlainObject, id: string, username: string, email: string): ExportPerson => ({
		id,
		givenName: text(r.FirstName),
		familyName: text(r.LastName),
		middleName: text(r.MiddleName),
		preferredGivenName: text(r.PreferredFirstName),
		preferredFamilyName: text(r.PreferredLastName),
		username,
		email,
		yearGroup: text(r.YearGroup),
		identifier: text(r.AdmissionNumber ?? r.StaffCode),
		startDate: day(r.StartDate),
	});
	const take = (
		kind: string,
		r: PlainObject,
		id: string,
		username: string,
		email: string,
	): ExportPerson | undefined => {
		if (username.includes('@')) return person(r, id, username, email);
		o.skipped.push({
			schoolId,
			kind,
			id: Number(id),
			firstName: r.FirstName ?? null,
			lastName: r.LastName ?? null,
			reason: o.patterns
				? 'the username pattern gave an empty name'
				: `no email address in Bromcom to sign in with (${kind === 'student' ? 'StudentFlatView.StudentEmail' : 'Staff.WorkEmail'})`,
		});
		return undefined;
	};
	const students = studentsRaw
		.map((r) => {
			const id = text(r.StudentID);
			const email = text(r.Email ?? field(r, CANDIDATES.studentEmail)).toLowerCase();
			return take('student', r, id, studentNames.get(id) ?? (o.patterns ? '' : email), email);
		})
		.filter((p): p is ExportPerson => p !== undefined);
	const teachers = staffRaw
		.map((r) => {
			const id = text(r.StaffID);
			const email = text(field(r, CANDIDATES.staffEmail)).toLowerCase();
			return take('teacher', r, id, staffNames.get(id) ?? (o.patterns ? '' : email), email);
		})
		.filter((p): p is ExportPerson => p !== undefined);
	const studentSet = new Set(students.map((p) => p.id));
	const teacherSet = new Set(teachers.map((p) => p.id));
	const memberships = of('membership');
	const classes: ExportClass[] = of('class').map((c) => {
		const id = text(c.CollectionID);
		const members = memberships.filter((m) => text(m.CollectionID) === id);
		return {
			id,
			title: text(c.CollectionName ?? c.CollectionDescription),
			type: text(c.CollectionTypeName).toUpperCase() === 'TUTORGRP' ? 'tutorGroup' : 'class',
			subject: text(c.SubjectName ?? c.SubjectDescription) || undefined,
			studentIds: members
				.filter((m) => m.Role === 'Student' && studentSet.has(text(m.PersonID)))
				.map((m) => text(m.PersonID)),
			teacherIds: members
				.filter((m) => m.Role !== 'Student' && teacherSet.has(text(m.PersonID)))
				.map((m) => text(m.PersonID)),
		};
	});
	const contacts: ExportContact[] = o.includeContacts
		? of('contact')
				.map((c) => {
					const links = ((c.Students ?? []) as PlainObject[])
						.filter((l) => l.Eligible === true && studentSet.has(text(l.StudentID)))
						.map((l) => ({ studentId: text(l.StudentID), relationship: text(l.Relationship) }));
					const email = text(c.Email).toLowerCase();
					return { ...person(c, text(c.PersonID), email, email), links };
				})
				.filter((c) => c.links.length > 0)
		: [];
	return {
		schoolId,
		name: text(info.SchoolName) || `School ${schoolId}`,
		identifier: text(info.EstablishmentNumber ?? info.UniqueReferenceNumber) || undefined,
		year: o.year,
		students,
		teachers,
		classes,
		contacts,
	};
}
