/**
 * Export Roster: the eligible roster of every listed school (the same cascade as Get Eligible
 * Roster), one person one account across the trust (core/export/identity.ts), as one SDS v2.1 or
 * OneRoster 1.2 file set. One item carries every file as a binary property, ready for n8n's
 * Compression, SFTP, OneDrive or Google Drive nodes; every record read that is not in the files goes
 * to Excluded with its reasons, and the summary accounts for everyone. Any school failing fails the
 * export: a partial set would make SDS deactivate that school's people.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { patternError } from '../Bromcom/core/accountNames';
import { academicYearStart } from '../Bromcom/core/attendance';
import { rowCount } from '../Bromcom/core/export/csv';
import { GuardMemory, type GuardVerdict } from '../Bromcom/core/export/guard';
import {
	resolveTrust,
	type ResolvedTrust,
	type UsernameOptions,
} from '../Bromcom/core/export/identity';
import {
	recordSourcedId,
	type ExcludedRecord,
	type ExportClass,
	type ExportPerson,
	type ExportSchool,
	type PersonKind,
} from '../Bromcom/core/export/model';
import { oneRosterFiles } from '../Bromcom/core/export/oneRoster';
import { sdsFiles, type ExportFrame } from '../Bromcom/core/export/sds';
import { parseBromcomId } from '../Bromcom/core/ids';
import { CANDIDATES, field } from '../Bromcom/core/people';
import type { RosterEntry } from '../Bromcom/core/roster';
import type { PlainObject } from '../Bromcom/core/types';
import { BromcomError } from '../Bromcom/core/wire/errors';
import { invalid, itemSettings } from '../Bromcom/n8n/settings';
import { read, SchemaCache } from '../Bromcom/actions/read';
import { credentialSchoolId } from '../Bromcom/transport';
import {
	changeOf,
	guardOptions,
	heldNotice,
	likelyCauses,
	membershipStore,
	memoryGroups,
	settingsHash,
} from './guard';
import { existingNames } from './names';
import { rosterFor } from './roster';

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
const day = (v: unknown) => text(v).slice(0, 10);

export interface ExportResult {
	/** The file set and its summary; absent when the deactivation guard held the export. */
	files?: { json: IDataObject; binary: Record<string, IBinaryData> };
	/** Every record read and not in the files, with its reasons (the Excluded output). */
	excluded: IDataObject[];
	/** The guard's notice of a held export (the Notices output). */
	notice?: IDataObject;
}

function schoolList(ctx: IExecuteFunctions, i: number): string[] {
	return text(ctx.getNodeParameter('schoolIds', i, ''))
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/**
 * Existing names for a trust: `name=<owner>` where the owner is a sourcedId of an earlier export
 * (`20001-student-2000101`), `20001:2000101`, or, for one school, the Bromcom ID alone.
 */
function trustExistingNames(value: unknown, schoolIds: number[]): Map<string, string> {
	const out = new Map<string, string>();
	for (const [name, owner] of existingNames(value)) {
		const sourced = /^(\d+)-(?:student|staff)-(\d+)$/.exec(owner);
		if (sourced) out.set(name, `${sourced[1]}:${sourced[2]}`);
		else if (/^\d+$/.test(owner) && schoolIds.length === 1)
			out.set(name, `${schoolIds[0]}:${owner}`);
		else out.set(name, owner);
	}
	return out;
}

export async function exportRoster(ctx: IExecuteFunctions, i: number): Promise<ExportResult> {
	const raw = schoolList(ctx, i);
	const bad = raw.filter((s) => parseBromcomId(s) === undefined);
	if (bad.length)
		throw invalid(
			`School IDs: "${bad[0]}" is not a Bromcom School ID. Separate several with commas.`,
		);
	const schoolIds = (
		raw.length
			? [...new Set(raw.map((s) => parseBromcomId(s) as number))]
			: [await credentialSchoolId(ctx)]
	).sort((a, b) => a - b);
	const format = ctx.getNodeParameter('format', i, 'sds21') as string;
	const trustName = text(ctx.getNodeParameter('trustName', i, ''));
	const trustId = text(ctx.getNodeParameter('trustId', i, ''));
	if (trustName !== '' && trustId === '')
		throw invalid(
			'Trust ID is empty: give the trust a stable identifier (its DfE group ID), or clear Trust Name.',
		);
	const includeClasses = ctx.getNodeParameter('includeClasses', i, true) as boolean;
	const includeContacts = ctx.getNodeParameter('includeContacts', i, false) as boolean;
	const usernames: UsernameOptions =
		ctx.getNodeParameter('usernames', i, 'bromcom') === 'pattern'
			? {
					mode: 'pattern',
					studentPattern: text(ctx.getNodeParameter('studentPattern', i, '')),
					staffPattern: text(ctx.getNodeParameter('staffPattern', i, '')),
					domain: text(ctx.getNodeParameter('domain', i, ''))
						.replace(/^@/, '')
						.toLowerCase(),
					maxLength: Number(ctx.getNodeParameter('maxLength', i, 20)),
					existing: trustExistingNames(ctx.getNodeParameter('existingNames', i, ''), schoolIds),
				}
			: { mode: 'bromcom' };
	if (usernames.mode === 'pattern') {
		for (const [label, p] of [
			['Student Pattern', usernames.studentPattern],
			['Staff Pattern', usernames.staffPattern],
		]) {
			const error = patternError(p ?? '');
			if (error) throw invalid(`${label}: ${error}`);
		}
		if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(usernames.domain ?? ''))
			throw invalid(
				`Domain "${usernames.domain}" is not a domain name, for example northfield.sch.uk.`,
			);
	}

	const schemas = new SchemaCache(ctx);
	const year = { start: academicYearStart(new Date()), end: '' };
	year.end = `${Number(year.start.slice(0, 4)) + 1}-08-31`;
	const schools: ExportSchool[] = [];
	for (const schoolId of schoolIds) {
		// Sequential and all-or-nothing: an error here stops the export with the school named.
		const settings = { ...itemSettings(ctx, i), schoolId };
		let info: PlainObject;
		let roster: Awaited<ReturnType<typeof rosterFor>>;
		try {
			info = ((await read(ctx, 'Schools', '', settings)).rows[0] ?? {}) as PlainObject;
			roster = await rosterFor(ctx, i, schemas, {
				schoolId,
				kinds: [
					'student',
					'teacher',
					'class',
					'membership',
					...(includeContacts ? ['contact'] : []),
				],
			});
		} catch (error) {
			if (error instanceof BromcomError)
				throw error.mapText((t) => (t.startsWith('School ') ? t : `School ${schoolId}: ${t}`));
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
		}
		schools.push(toSchool(schoolId, info, roster, year));
	}
	const resolved = resolveTrust(schools, {
		usernames,
		includeClasses,
		includeContacts,
		today: new Date(),
	});
	const frame: ExportFrame = {
		trust: trustName ? { id: trustId, name: trustName } : undefined,
		schools,
		includeClasses,
		includeContacts,
	};
	const guard = await guardRun(ctx, i, resolved, schools, {
		schoolIds,
		format,
		trust: frame.trust ?? null,
		includeClasses,
		includeContacts,
		usernames: { ...usernames, existing: undefined },
		rules: ctx.getNodeParameter('preset', i, '') as string,
	});
	const excluded = resolved.excluded.map(excludedItem);
	if (guard.notice) return { excluded, notice: guard.notice };
	const files =
		format === 'oneRoster12' ? oneRosterFiles(resolved, frame) : sdsFiles(resolved, frame);
	const binary: Record<string, IBinaryData> = {};
	for (const f of files) {
		const key = f.name.replace(/\.csv$/, '');
		binary[key] = await ctx.helpers.prepareBinaryData(
			Buffer.from(f.text, 'utf8'),
			f.name,
			'text/csv',
		);
	}
	return {
		files: {
			json: {
				format: format === 'oneRoster12' ? 'OneRoster 1.2 CSV (bulk)' : 'School Data Sync v2.1 CSV',
				schools: summary(schools, resolved, guard.verdict) as unknown as IDataObject[],
				files: files.map((f) => ({ name: f.name, rows: rowCount(f.text) })),
				binaryProperties: Object.keys(binary).join(','),
				users: resolved.users.length,
				excluded: resolved.excluded.length,
				merged: resolved.merged.length,
				guard: guard.summary,
				// Records of one person joined into one user, each with the evidence (identity.ts, rule 1).
				mergedUsers: resolved.merged as unknown as IDataObject[],
			},
			binary,
		},
		excluded,
	};
}

/**
 * Per school and kind: read = exported + excluded + merged, the excluded by reason code, and, when
 * the node remembers an earlier file set, the people added and removed since it.
 */
function summary(schools: ExportSchool[], resolved: ResolvedTrust, verdict?: GuardVerdict) {
	const names = new Map(schools.map((s) => [s.schoolId, s.name]));
	return resolved.counts.map((c) => ({
		schoolId: c.schoolId,
		name: names.get(c.schoolId),
		students: { ...c.student, ...changeOf(verdict, c.schoolId, 'student') },
		teachers: { ...c.teacher, ...changeOf(verdict, c.schoolId, 'teacher') },
		contacts: { ...c.contact, ...changeOf(verdict, c.schoolId, 'contact') },
		classes: c.class,
	}));
}

/**
 * The deactivation guard around one export: compares the file set with the last one let through,
 * then lets it through (the memory becomes it) or holds it (the memory stays, a notice goes out). A
 * manual run previews: it compares and holds alike, and never changes the memory.
 */
async function guardRun(
	ctx: IExecuteFunctions,
	i: number,
	resolved: ResolvedTrust,
	schools: ExportSchool[],
	settings: IDataObject,
): Promise<{ verdict?: GuardVerdict; summary: IDataObject; notice?: IDataObject }> {
	const options = guardOptions(ctx, i);
	const store = membershipStore(ctx);
	if (!store)
		return {
			summary: {
				checked: false,
				message:
					'This n8n has no deduplication store, so the deactivation guard and the change since the last export are off.',
			},
		};
	const includeContacts = settings.includeContacts === true;
	const groups = memoryGroups(
		resolved,
		settings.schoolIds as number[],
		includeContacts ? ['student', 'teacher', 'contact'] : ['student', 'teacher'],
	);
	const hash = settingsHash(settings);
	// A few people of each school and kind the run left out: if they were in the last file set, the
	// notice names them as people who would go, with their reasons.
	const perGroup = new Map<string, number>();
	const probes = resolved.excluded
		.filter((e) => e.kind !== 'class' && (e.kind !== 'contact' || includeContacts))
		.filter((e) => {
			const key = `${e.schoolId}|${e.kind}`;
			perGroup.set(key, (perGroup.get(key) ?? 0) + 1);
			return (perGroup.get(key) as number) <= 5;
		})
		.map((e) => ({ schoolId: e.schoolId, kind: e.kind, sourcedId: e.sourcedId }));
	const memory = new GuardMemory(store);
	if (!(await memory.lock(Date.now())))
		throw new NodeOperationError(
			ctx.getNode(),
			'Another run of this Export Roster node is comparing with the deactivation guard at this moment, so this run cannot tell who its files would drop: nothing was exported',
			{
				itemIndex: i,
				description:
					"Run it again when the other run has finished (a manual run in the editor counts too). Runs of one schedule do not overlap unless a run takes longer than the schedule's interval. A run that crashed gives the guard back within 30 minutes.",
			},
		);
	let verdict: GuardVerdict;
	const preview = ctx.getMode() === 'manual';
	let held: boolean;
	try {
		verdict = await memory.compare(groups, hash, options, probes);
		held = verdict.hold && verdict.released === undefined;
		if (preview || held)
			await memory.rollBack(
				held && !preview ? { id: verdict.id as string, runsHeld: verdict.runsHeld } : undefined,
			);
		else await memory.commit(groups, hash);
	} finally {
		await memory.unlock();
	}
	const summary: IDataObject = {
		checked: true,
		enabled: options.enabled,
		firstRun: verdict.firstRun,
		...(verdict.released ? { released: verdict.released, id: verdict.id } : {}),
		...(preview
			? { preview: 'a manual run compares with the last file set let through and never changes it' }
			: {}),
		settingsChanged: verdict.settingsChanged,
	};
	if (!held) return { verdict, summary };
	const samples = resolved.excluded
		.filter((e) => verdict.samples.includes(e.sourcedId))
		.map((e) => ({
			sourcedId: e.sourcedId,
			schoolId: e.schoolId,
			kind: e.kind,
			excludedReasons: e.reasons as unknown as IDataObject[],
		}));
	const names = new Map(schools.map((s) => [s.schoolId, s.name]));
	const causes = likelyCauses(verdict, {
		today: new Date(),
		sampleReasons: resolved.excluded
			.filter((e) => verdict.samples.includes(e.sourcedId))
			.flatMap((e) => e.reasons.map((r) => r.code)),
	});
	return { verdict, summary, notice: heldNotice(verdict, options, names, samples, causes) };
}

function excludedItem(e: ExcludedRecord): IDataObject {
	return {
		kind: e.kind,
		schoolId: e.schoolId,
		key: e.id,
		sourcedId: e.sourcedId,
		...((e.record ?? {}) as IDataObject),
		excludedReasons: e.reasons as unknown as IDataObject[],
	};
}

/** One school's roster as export records: the kept people and classes, and the excluded with reasons. */
function toSchool(
	schoolId: number,
	info: PlainObject,
	roster: { kept: RosterEntry[]; excluded: RosterEntry[] },
	year: { start: string; end: string },
): ExportSchool {
	const people: ExportPerson[] = [];
	const classRows: PlainObject[] = [];
	const members = new Map<string, { studentIds: string[]; teacherIds: string[] }>();
	for (const e of roster.kept) {
		const r = e.record;
		if (e.kind === 'class') classRows.push(r);
		else if (e.kind === 'membership') {
			const id = text(r.CollectionID);
			if (!members.has(id)) members.set(id, { studentIds: [], teacherIds: [] });
			const m = members.get(id) as { studentIds: string[]; teacherIds: string[] };
			(r.Role === 'Student' ? m.studentIds : m.teacherIds).push(text(r.PersonID));
		} else people.push(toPerson(e.kind, schoolId, r));
	}
	const classes: ExportClass[] = classRows.map((c) => {
		const id = text(c.CollectionID);
		return {
			schoolId,
			id,
			title: text(c.CollectionName ?? c.CollectionDescription),
			type: text(c.CollectionTypeName).toUpperCase() === 'TUTORGRP' ? 'tutorGroup' : 'class',
			subject: text(c.SubjectName ?? c.SubjectDescription) || undefined,
			...(members.get(id) ?? { studentIds: [], teacherIds: [] }),
		};
	});
	const excluded: ExcludedRecord[] = roster.excluded
		.filter((e) => e.kind !== 'membership')
		.map((e) => ({
			kind: e.kind as ExcludedRecord['kind'],
			schoolId,
			id: e.key,
			sourcedId: recordSourcedId(e.kind as ExcludedRecord['kind'], schoolId, e.key),
			reasons: e.reasons,
			record: e.record,
		}));
	return {
		schoolId,
		name: text(info.SchoolName) || `School ${schoolId}`,
		identifier: text(info.EstablishmentNumber ?? info.UniqueReferenceNumber) || undefined,
		year,
		people,
		classes,
		excluded,
	};
}

function toPerson(kind: string, schoolId: number, r: PlainObject): ExportPerson {
	const base = {
		schoolId,
		record: r,
		givenName: text(r.FirstName),
		familyName: text(r.LastName),
		middleName: text(r.MiddleName),
		preferredGivenName: text(r.PreferredFirstName),
		preferredFamilyName: text(r.PreferredLastName),
		startDate: day(r.StartDate),
	};
	if (kind === 'student')
		return {
			...base,
			kind: 'student',
			id: text(r.StudentID),
			email: text(r.Email ?? field(r, CANDIDATES.studentEmail)),
			upn: text(r.UPN),
			yearGroup: text(r.YearGroup),
			identifier: text(r.AdmissionNumber),
		};
	if (kind === 'teacher')
		return {
			...base,
			kind: 'teacher',
			id: text(r.StaffID),
			email: text(field(r, CANDIDATES.staffEmail)),
			identifier: text(r.StaffCode),
			teaching: Number(r.TeachingGroups ?? 0) > 0,
		};
	return {
		...base,
		kind: kind as PersonKind,
		id: text(r.PersonID),
		email: text(r.Email),
		links: ((r.Students ?? []) as PlainObject[])
			.filter((l) => l.Eligible === true)
			.map((l) => ({ studentId: text(l.StudentID), relationship: text(l.Relationship) })),
	};
}
