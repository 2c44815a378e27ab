import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { schoolIdProperty } from './actions/common.descriptions';
import { entityProperty } from './actions/entity/getMany.operation';
import { CURRENT_LINK, readContacts } from './helpers/joins';
import { buildUserFilter, invalid, readByIds, SchemaCache, type ConditionParameter, type ItemSettings } from './helpers/read';
import { baseline, diff, hash53, isCompatible, type Change, type MassChange, type Row, type SnapshotConfig, type SnapshotState } from './helpers/snapshot';
import { getColumns, searchEntities } from './methods';
import { CREDENTIAL_TYPE, getEntityData, resolveBaseUrl, testCredential, toNodeError } from './transport';
import { combineFilters, recordStatusFilter, type RecordStatus } from './wire/filter';
import { WATCH_ENTITY } from './catalog';

interface WatchSpec {
	entity: string;
	key: string[];
	dates?: { start: string; end: string };
	extraFilter?: string;
}

const WATCHES: Record<string, WatchSpec> = {
	students: { entity: WATCH_ENTITY.students.name, key: [...WATCH_ENTITY.students.key], dates: WATCH_ENTITY.students.dates },
	staff: { entity: WATCH_ENTITY.staff.name, key: [...WATCH_ENTITY.staff.key], dates: WATCH_ENTITY.staff.dates },
	classes: { entity: WATCH_ENTITY.classes.name, key: [...WATCH_ENTITY.classes.key], dates: WATCH_ENTITY.classes.dates, extraFilter: "CollectionTypeName IN ('CLASS', 'TUTORGRP')" },
	memberships: { entity: WATCH_ENTITY.memberships.name, key: [...WATCH_ENTITY.memberships.key], extraFilter: CURRENT_LINK },
	contacts: { entity: WATCH_ENTITY.contacts.name, key: [...WATCH_ENTITY.contacts.key] },
};

const STATE_KEY = 'bromcom';
const SAMPLE_SIZE = 5;

export class BromcomTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom Trigger',
		name: 'bromcomTrigger',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Watch " + $parameter["watch"]}}',
		// n8n's node panel shows one "Bromcom" entry for this trigger and the Bromcom node together, with
		// this text (seen in the browser test), so it describes both.
		description: 'Bromcom MIS for UK schools: read and write back students, contacts, staff, classes, attendance and more, or start a workflow when records are added, change, leave or come back',
		defaults: { name: 'Bromcom Trigger' },
		polling: true,
		inputs: [],
		// Records go down Events; a held mass change or a re-baseline notice goes down Notices, so a
		// workflow can never mistake one for a record.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Events', 'Notices'],
		credentials: [{ name: 'bromcomMisApi', required: true, testedBy: 'bromcomMisApiTest' }],
		properties: [
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'options',
				options: [
					{ name: 'Any Entity', value: 'entity', description: 'Any entity the account may read, with a key you choose' },
					{ name: 'Class Memberships', value: 'memberships', description: 'Students joining and leaving classes and groups' },
					{ name: 'Classes', value: 'classes', description: 'Classes and tutor groups' },
					{ name: 'Contacts', value: 'contacts', description: 'Contacts of current students, with their best email and phone' },
					{ name: 'Staff', value: 'staff' },
					{ name: 'Students', value: 'students' },
				],
				default: 'students',
			},
			{ ...entityProperty, displayOptions: { show: { watch: ['entity'] } } },
			{
				displayName: 'Key Columns',
				name: 'keyColumns',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. StudentID',
				description: 'Comma-separated columns that identify a record (its primary key)',
				displayOptions: { show: { watch: ['entity'] } },
			},
			{ ...schoolIdProperty, description: 'Bromcom School ID to watch. Leave empty to use the credential\'s School ID.' },
			{
				displayName: 'Record Status',
				name: 'recordStatus',
				type: 'options',
				options: [
					{ name: 'Current', value: 'current', description: 'On roll (or in post) today: leavers trigger Left' },
					{ name: 'All', value: 'all', description: 'Every record, whatever its dates' },
				],
				default: 'current',
				displayOptions: { show: { watch: ['students', 'staff', 'classes'] } },
			},
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'multiOptions',
				options: [
					{ name: 'Record Left', value: 'left', description: 'A record is gone, or no longer matches the filter (a leaver)' },
					{ name: 'New Record', value: 'new', description: 'A record appears for the first time' },
					{ name: 'Record Restored', value: 'restored', description: 'A record that had left comes back' },
					{ name: 'Record Updated', value: 'updated', description: 'A watched field changes' },
				],
				default: ['new', 'updated', 'left', 'restored'],
			},
			{
				displayName: 'Fields to Watch',
				name: 'fieldsToWatch',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['watch', 'entity'] },
				default: [],
				description: 'Only changes in these fields count as Updated. Leave empty to watch every field. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Include in Output',
				name: 'includeInOutput',
				type: 'options',
				options: [
					{ name: 'New Version', value: 'new' },
					{ name: 'Old Version', value: 'old', description: 'The watched fields as they were (for Left: the last known values)' },
					{ name: 'Both Versions', value: 'both', description: 'Current, previous and a differences object' },
				],
				default: 'new',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'fixedCollection',
				placeholder: 'Add Condition',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Conditions',
						name: 'conditions',
						values: [
							{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'YearGroup' },
							{
								displayName: 'Operator',
								name: 'operator',
								type: 'options',
								options: [
									{ name: 'Contains', value: 'contains' },
									{ name: 'Equals', value: 'equals' },
									{ name: 'Greater Than', value: 'greaterThan' },
									{ name: 'Is Empty', value: 'isEmpty' },
									{ name: 'Is In (Comma-Separated)', value: 'in' },
									{ name: 'Is Not Empty', value: 'isNotEmpty' },
									{ name: 'Less Than', value: 'lessThan' },
									{ name: 'Not Equals', value: 'notEquals' },
									{ name: 'Starts With', value: 'startsWith' },
								],
								default: 'equals',
							},
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Accept Mass Change After Polls',
						name: 'acceptAfterPolls',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description: 'Release a held mass change automatically once it has persisted for this many polls after the one that detected it. 0 waits for an acknowledgement.',
					},
					{
						displayName: 'Acknowledge Mass Change ID',
						name: 'acknowledgeId',
						type: 'string',
						default: '',
						description: 'Paste the ID of a massChange item here to release the held Left and Updated events on the next poll',
					},
					{
						displayName: 'Emit Existing Records on First Run',
						name: 'emitExisting',
						type: 'boolean',
						default: false,
						description: 'Whether the first poll after activation emits every current record as New (for a first full sync) instead of quietly taking a baseline',
					},
					{
						displayName: 'Mass-Change Guard',
						name: 'guard',
						type: 'boolean',
						default: true,
						description: 'Whether to hold back Left and Updated events when too many records change at once (a term rollover, a revoked permission, a filter change) and emit one massChange warning instead',
					},
					{
						displayName: 'Mass-Change Minimum Records',
						name: 'minimumRecords',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 20,
						description: 'The guard only applies when at least this many records are known',
					},
					{
						displayName: 'Mass-Change Threshold (%)',
						name: 'thresholdPercent',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 20,
						description: 'Share of known records that may leave or change in one poll before the guard holds them',
					},
					{
						displayName: 'Raw Entity Filter',
						name: 'rawFilter',
						type: 'string',
						default: '',
						description: 'For experts: a Bromcom entityFilter (T-SQL condition) added with AND',
					},
					{
						displayName: 'Remember Left Records (Days)',
						name: 'tombstoneDays',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 400,
						description: 'How long a record that left is remembered, so that its return is Restored rather than New',
					},
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 5 },
						default: 600,
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { bromcomMisApiTest: testCredential },
		loadOptions: { getColumns },
		listSearch: { searchEntities },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const watch = this.getNodeParameter('watch', 'students') as string;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const rawSchool = String(this.getNodeParameter('schoolId', '') ?? '').trim();
		const schoolId = rawSchool === '' ? undefined : Number(rawSchool);
		if (schoolId !== undefined && (!Number.isInteger(schoolId) || schoolId <= 0)) {
			throw new NodeOperationError(this.getNode(), `School ID "${rawSchool}" is not a whole number.`);
		}
		const settings: ItemSettings = { schoolId, timeoutMs: Number(options.timeout ?? 600) * 1000 };
		const spec = watchSpec(this, watch);
		const fieldsToWatch = (this.getNodeParameter('fieldsToWatch', []) as string[]).map(String).sort();
		const includeInOutput = this.getNodeParameter('includeInOutput', 'new') as string;
		const triggerOn = new Set(this.getNodeParameter('triggerOn', []) as string[]);
		const detectedAt = new Date().toISOString();
		const schemas = new SchemaCache(this);

		// What is being watched includes the credential: its school, host, user (another permission set)
		// and the credential itself. Editing any of them re-baselines quietly instead of flooding.
		const credentials = await this.getCredentials(CREDENTIAL_TYPE);
		const effectiveSchool = schoolId ?? Number(credentials.schoolId);
		const source = { credential: this.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? '', baseUrl: resolveBaseUrl(credentials), username: String(credentials.username ?? '').toLowerCase(), school: effectiveSchool };

		let filter: string;
		let records: Array<[string, Row]>;
		let columns: string[];
		try {
			const conditions = (this.getNodeParameter('filters', {}) as { conditions?: ConditionParameter[] }).conditions ?? [];
			const status = spec.dates ? (this.getNodeParameter('recordStatus', 'current') as RecordStatus) : 'all';
			filter = combineFilters(spec.dates ? recordStatusFilter(status, spec.dates) : '', spec.extraFilter, await buildUserFilter(conditions, 'and', options.rawFilter, spec.entity, settings, schemas));
			({ records, columns } = await fetchRecords(this, watch, spec, filter, settings, schemas));
		} catch (error) {
			// Nothing is written to the state when a poll fails: the next poll compares with the last good one.
			throw toNodeError(this.getNode(), error, { action: `polling ${spec.entity}`, school: String(schoolId ?? 'from the credential') });
		}

		const entityLabel = watch === 'entity' ? spec.entity : watch;
		const meta = (event: string, key: string) => ({ event, entity: entityLabel, schoolId: Number.isInteger(effectiveSchool) ? effectiveSchool : null, key, detectedAt });

		if (this.getMode() === 'manual') {
			const sample = records.slice(0, SAMPLE_SIZE).map(([key, record]) => ({ json: { ...meta('sample', key), ...record, ...meta('sample', key) } as IDataObject }));
			return [sample.length ? sample : [{ json: { ...meta('sample', ''), message: `No ${spec.entity} records match the trigger's settings in this school.` } }]];
		}

		const config: SnapshotConfig = {
			fingerprint: hash53(JSON.stringify({ watch, entity: spec.entity, key: spec.key, source, filter, fieldsToWatch, keepOld: includeInOutput !== 'new' })),
			watch: fieldsToWatch,
			keepOld: includeInOutput !== 'new',
			guard: {
				enabled: options.guard !== false,
				thresholdPercent: Number(options.thresholdPercent ?? 20),
				minimumRecords: Number(options.minimumRecords ?? 20),
				acceptAfterPolls: Number(options.acceptAfterPolls ?? 0),
				acknowledgeId: String(options.acknowledgeId ?? '').trim(),
			},
			tombstoneDays: Number(options.tombstoneDays ?? 400),
		};
		const staticData = this.getWorkflowStaticData('node');
		const state = staticData[STATE_KEY] as SnapshotState | undefined;
		const now = Math.floor(Date.now() / 1000);

		const cols = hash53(columns.map((c) => c.toLowerCase()).sort().join(','));
		const schemaChanged = isCompatible(state, config) && state.cols !== undefined && state.cols !== cols;
		if (!isCompatible(state, config) || schemaChanged) {
			// First run; the entity, school, credential, filter or watched fields changed; or Bromcom added
			// or removed a column (which would otherwise read as every record updated): a quiet baseline.
			staticData[STATE_KEY] = { ...baseline(records, config, now), cols } as unknown as IDataObject;
			if (schemaChanged) {
				return [[], [{ json: { ...meta('rebaseline', ''), reason: 'columnsChanged', message: `The columns of ${spec.entity} changed in Bromcom since the last poll, so the trigger took a new baseline of ${records.length} records without emitting events. Changes made to records between the last poll and this one are not reported.` } }]];
			}
			if (state === undefined && options.emitExisting === true && triggerOn.has('new')) {
				const items = records.map(([key, record]) => ({ json: { ...meta('new', key), ...record, ...meta('new', key) } as IDataObject }));
				return items.length ? [items, []] : null;
			}
			return null;
		}

		const result = diff(state, records, config, now);
		const emitted = result.changes.filter((c) => triggerOn.has(c.event));
		const left = emitted.filter((c) => c.event === 'left');
		const latest = left.length ? await latestVersions(this, spec, left, settings) : new Map<string, Row>();
		const items: INodeExecutionData[] = [];
		const notices: INodeExecutionData[] = [];
		if (result.massChange?.firstDetection) notices.push({ json: massChangeItem(result.massChange, meta('massChange', ''), config.guard.acceptAfterPolls) });
		for (const change of emitted) items.push({ json: eventItem(change, includeInOutput, meta(change.event, change.key), latest.get(change.key)) });
		staticData[STATE_KEY] = { ...result.next, cols } as unknown as IDataObject;
		return items.length || notices.length ? [items, notices] : null;
	}
}

function watchSpec(ctx: IPollFunctions, watch: string): WatchSpec {
	if (watch !== 'entity') {
		const spec = WATCHES[watch];
		if (!spec) throw new NodeOperationError(ctx.getNode(), `Unknown watch "${watch}".`);
		return spec;
	}
	const entity = String(ctx.getNodeParameter('entity', '', { extractValue: true }) ?? '').trim();
	const key = String(ctx.getNodeParameter('keyColumns', '') ?? '')
		.split(',')
		.map((k) => k.trim())
		.filter(Boolean);
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entity)) throw new NodeOperationError(ctx.getNode(), `"${entity}" is not a Bromcom entity name.`);
	if (key.length === 0) throw new NodeOperationError(ctx.getNode(), 'Key Columns is empty: name the column(s) that identify a record, for example StudentID.');
	return { entity, key };
}

function keyOf(record: Row, columns: string[]): string {
	const keys = Object.keys(record);
	return columns
		.map((c) => {
			const k = keys.find((x) => x.toLowerCase() === c.toLowerCase());
			return k === undefined ? '' : String(record[k] ?? '');
		})
		.join(':');
}

async function fetchRecords(ctx: IPollFunctions, watch: string, spec: WatchSpec, filter: string, settings: ItemSettings, schemas: SchemaCache): Promise<{ records: Array<[string, Row]>; columns: string[] }> {
	if (watch === 'contacts') {
		const students = new Set((await getEntityData(ctx, 'Students', recordStatusFilter('current'), settings)).rows.map((r) => Number(r.StudentID)));
		const contacts = await readContacts(ctx, settings, schemas, '', { personFilter: filter, students });
		return { records: contacts.map((c) => [String(c.PersonID), c as Row]), columns: contacts.length ? Object.keys(contacts[0]) : [] };
	}
	const data = await getEntityData(ctx, spec.entity, filter, settings);
	// A key column that is not there would key every record "" (one New event for all): an error instead.
	const missing = spec.key.filter((k) => !data.columns.some((c) => c.name.toLowerCase() === k.toLowerCase()));
	if (missing.length) throw invalid(`Key column(s) ${missing.join(', ')} are not columns of ${spec.entity}${watch === 'entity' ? ': check Key Columns' : ''}. Its columns are: ${data.columns.map((c) => c.name).join(', ')}.`);
	return { records: data.rows.map((row) => [keyOf(row, spec.key).trimEnd(), row as Row]), columns: data.columns.map((c) => c.name) };
}

/** For Left events on single numeric keys: the record as it is now (a leaver still exists, with an end date). */
async function latestVersions(ctx: IPollFunctions, spec: WatchSpec, left: Change[], settings: ItemSettings): Promise<Map<string, Row>> {
	const out = new Map<string, Row>();
	if (spec.key.length !== 1 || spec.entity === 'People') return out;
	const ids = left.map((c) => Number(c.key)).filter((n) => Number.isInteger(n));
	if (ids.length === 0) return out;
	try {
		for (const row of await readByIds(ctx, spec.entity, spec.key[0], ids, settings, spec.extraFilter === CURRENT_LINK ? '' : spec.extraFilter)) out.set(keyOf(row, spec.key), row as Row);
	} catch {
		// Best effort: without it, Left items carry the last known values.
	}
	return out;
}

function eventItem(change: Change, include: string, meta: IDataObject, latest: Row | undefined): IDataObject {
	const reason = change.event === 'left' ? { reason: latest ? 'noLongerMatching' : 'notFound' } : {};
	const current = change.current ?? latest ?? null;
	let body: IDataObject;
	if (include === 'both') body = { current: current as IDataObject, previous: (change.previous ?? null) as IDataObject, differences: (change.differences ?? {}) as IDataObject };
	else if (include === 'old') body = ((change.previous ?? (change.event === 'left' ? latest : {})) ?? {}) as IDataObject;
	else body = (current ?? change.previous ?? {}) as IDataObject;
	return { ...meta, ...reason, ...body, ...meta };
}

function massChangeItem(m: MassChange, meta: IDataObject, acceptAfterPolls: number): IDataObject {
	const held = m.counts.left + m.counts.updated;
	const what = held === m.known && m.counts.left === m.known ? `All ${m.known} known records disappeared in one poll` : `${held} of ${m.known} known records would leave or change in one poll (more than ${m.thresholdPercent}%)`;
	const release = acceptAfterPolls > 0 ? ` (or it is released by itself if it persists for ${acceptAfterPolls} more poll(s))` : '';
	return {
		...meta,
		id: m.id,
		message: `${what}. Left and Updated events are held; New and Restored events still flow. This usually means a term rollover, a revoked permission or a changed filter in Bromcom.`,
		howToRelease: `If the change is real, set Options › Acknowledge Mass Change ID to "${m.id}"${release}. If not, fix the cause in Bromcom and the held events disappear.`,
		knownRecords: m.known,
		counts: m.counts,
		thresholdPercent: m.thresholdPercent,
		samples: m.samples,
		pollsHeld: m.pollsHeld,
	};
}
