/**
 * Check Readiness: one item per school, saying what this package's workflows can do with the access
 * the credential has there, and what to fix in Bromcom (core/readiness.ts). Each school is checked on
 * its own: a school that cannot be read at all is an item with the error and its fix, never a failed
 * run, so an MSP can check fifty schools at once.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OPERATIONS, type OperationSpec } from '../Bromcom/core/wire/envelope';
import {
	capabilities,
	lawfulBasisReport,
	NEEDED_ENTITIES,
	problemsOf,
	ROUTE_LABELS,
	type Route,
} from '../Bromcom/core/readiness';
import { parseBromcomId } from '../Bromcom/core/ids';
import { field } from '../Bromcom/core/people';
import { BromcomError } from '../Bromcom/core/wire/errors';
import { recordStatusFilter } from '../Bromcom/core/wire/filter';
import { invalid, itemSettings } from '../Bromcom/n8n/settings';
import { read, SchemaCache } from '../Bromcom/actions/read';
import { toNodeError } from '../Bromcom/n8n/errors';
import { clientFor, credentialSchoolId, type BromcomClient } from '../Bromcom/transport';
import { rosterFor } from './roster';

/** A Bromcom ID no person has: a write to it is refused before it can change anything. */
const NOBODY = 2147483647;

export async function readiness(
	ctx: IExecuteFunctions,
	i: number,
): Promise<Array<{ json: IDataObject; ready: boolean }>> {
	const raw = String(ctx.getNodeParameter('schoolIds', i, '') ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const bad = raw.find((s) => parseBromcomId(s) === undefined);
	if (bad !== undefined)
		throw invalid(`School IDs: "${bad}" is not a Bromcom School ID. Separate several with commas.`);
	const schoolIds = raw.length
		? [...new Set(raw.map((s) => parseBromcomId(s) as number))]
		: [await credentialSchoolId(ctx)];
	const out: Array<{ json: IDataObject; ready: boolean }> = [];
	for (const schoolId of schoolIds) {
		try {
			out.push(await checkSchool(ctx, i, schoolId));
		} catch (error) {
			const e = toNodeError(ctx.getNode(), error, {
				itemIndex: i,
				action: 'checking the school',
				school: String(schoolId),
			});
			out.push({
				ready: false,
				json: {
					schoolId,
					ready: false,
					error: e.message,
					fix: e.description ?? null,
				},
			});
		}
	}
	return out;
}

async function checkSchool(
	ctx: IExecuteFunctions,
	i: number,
	schoolId: number,
): Promise<{ json: IDataObject; ready: boolean }> {
	const settings = { ...itemSettings(ctx, i), schoolId, attempts: 2 };
	const client = clientFor(ctx);
	const route: Route = client.route;
	const granted = new Set<string>();
	const listed = await client.listEntities(settings);
	if (listed.verified) {
		// One call lists what the third-party user may read (and proves the login).
		for (const name of listed.names) granted.add(name.toLowerCase());
	} else {
		// The Partner API has no such list: each entity is tried with a read of one row.
		for (const entity of NEEDED_ENTITIES) {
			const failure = await read(ctx, entity, '', { ...settings, maxRows: 1 }).then(
				() => undefined,
				(error: unknown) => error,
			);
			if (failure === undefined) granted.add(entity.toLowerCase());
			// Not granted is an answer; anything else (a wrong secret, Bromcom down) stops this school.
			else if (!(failure instanceof BromcomError && failure.kind === 'entityNotPermitted'))
				throw toNodeError(ctx.getNode(), failure, { itemIndex: i, school: String(schoolId) });
		}
	}
	const caps = capabilities(route, granted);
	const can = (id: string) => caps.find((c) => c.capability === id)?.ready === true;
	const school = granted.has('schools')
		? (((await read(ctx, 'Schools', '', settings)).rows[0] ?? {}) as IDataObject)
		: {};
	const basis = lawfulBasisReport(
		field(school, ['DataProtectionLawfulBasis', 'LawfulBasis', 'LawfulBasisForProcessing']),
	);

	const counts: Parameters<typeof problemsOf>[2] = {};
	const people: IDataObject = {};
	if (can('roster')) {
		const roster = await rosterFor(ctx, i, new SchemaCache(ctx), {
			schoolId,
			kinds: can('contacts')
				? ['student', 'teacher', 'class', 'contact']
				: ['student', 'teacher', 'class'],
		});
		const reasons: Record<string, number> = {};
		for (const kind of ['student', 'teacher', 'contact']) {
			const kept = roster.kept.filter((e) => e.kind === kind).length;
			const left = roster.excluded.filter((e) => e.kind === kind);
			const byReason: Record<string, number> = {};
			for (const e of left)
				for (const r of e.reasons) {
					byReason[r.code] = (byReason[r.code] ?? 0) + 1;
					reasons[r.code] = (reasons[r.code] ?? 0) + 1;
				}
			people[kind === 'teacher' ? 'staff' : `${kind}s`] = {
				read: kept + left.length,
				kept,
				excluded: left.length,
				excludedByReason: byReason,
			};
		}
		const classes = [...roster.kept, ...roster.excluded].filter((e) => e.kind === 'class');
		counts.classesWithoutTeacher = classes.filter((c) => !Number(c.record.EligibleTeachers)).length;
		counts.classesWithoutPupils = classes.filter((c) => !Number(c.record.EligibleStudents)).length;
		counts.excludedByReason = reasons;
		counts.pupilsOnRoll = (people.students as IDataObject).read as number;
		counts.futureAdmissions = (
			await read(ctx, 'Students', recordStatusFilter('future'), settings)
		).rows.length;
	}
	const checkWrite = ctx.getNodeParameter('checkWriteBack', i, false) as boolean;
	const writeBack: { checked: boolean; permitted?: boolean; answer?: string; note?: string } =
		checkWrite
			? await writePermitted(ctx, client, settings)
			: {
					checked: false,
					note: 'Turn on Check Write Permission to find out: it sends a write for a person who cannot exist, which Bromcom refuses before changing anything, and reads why.',
				};
	const problems = problemsOf(route, caps, counts, writeBack);
	const ready = caps.every((c) => c.ready) && !(writeBack.checked && !writeBack.permitted);
	return {
		ready,
		json: {
			schoolId,
			name: (school.SchoolName as string) ?? null,
			ready,
			route: ROUTE_LABELS[route],
			capabilities: caps as unknown as IDataObject[],
			lawfulBasis: basis as unknown as IDataObject,
			...(can('roster')
				? {
						people,
						classes: {
							withoutTeacher: counts.classesWithoutTeacher,
							withoutPupils: counts.classesWithoutPupils,
						},
						futureAdmissions: counts.futureAdmissions,
					}
				: {}),
			writeBack: writeBack as IDataObject,
			problems: problems as unknown as IDataObject[],
		},
	};
}

/**
 * Whether the credential may write at this school: a write for a person who cannot exist is refused,
 * either for want of permission (no write-back) or because the person was not found (write-back).
 * Nothing can be changed by it; it is sent only when the node's Check Write Permission is on.
 */
async function writePermitted(
	ctx: IExecuteFunctions,
	client: BromcomClient,
	settings: ReturnType<typeof itemSettings> & { schoolId: number },
): Promise<{ checked: true; permitted: boolean; answer: string }> {
	try {
		// Each route's write that no person can receive: the client sends the one its route offers.
		const result = await client.write(
			{
				soap: {
					wireName: 'deregisterSingleSignOnUser',
					spec: OPERATIONS.deregisterSingleSignOnUser as OperationSpec,
					values: {
						schoolId: settings.schoolId,
						userId: NOBODY,
						emailAddress: 'readiness-check@invalid.example',
					},
				},
				rest: {
					entity: 'BehaviourEventRecords',
					body: { schoolId: settings.schoolId, studentId: NOBODY, eventId: 0, eventRecordId: 0 },
				},
			},
			{ ...settings, attempts: 1 },
		);
		const answer = result.statusCode === undefined ? 'accepted' : `HTTP ${result.statusCode}`;
		return { checked: true, permitted: true, answer };
	} catch (error) {
		if (
			error instanceof BromcomError &&
			(error.kind === 'writeNotPermitted' ||
				error.kind === 'entityNotPermitted' ||
				error.kind === 'credentials')
		)
			return { checked: true, permitted: false, answer: error.message };
		if (error instanceof BromcomError)
			return { checked: true, permitted: true, answer: error.message };
		throw toNodeError(ctx.getNode(), error);
	}
}
