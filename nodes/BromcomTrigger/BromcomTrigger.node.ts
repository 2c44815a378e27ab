import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { parseBromcomId } from '../Bromcom/core/ids';
import {
	hash53,
	isCompatible,
	PollDiff,
	type PollResult,
	type Row,
} from '../Bromcom/core/snapshot';
import { combineFilters, recordStatusFilter, type RecordStatus } from '../Bromcom/core/wire/filter';
import {
	buildUserFilter,
	SchemaCache,
	type ConditionParameter,
	type ItemSettings,
} from '../Bromcom/helpers/read';
import { toNodeError } from '../Bromcom/n8n/errors';
import { schoolIdParameter } from '../Bromcom/n8n/settings';
import { credentialTest } from '../Bromcom/n8n/authentication';
import { credentialTypeOf, resolveBaseUrl } from '../Bromcom/transport';
import { partnerBaseUrl } from '../Bromcom/transport/rest';
import { properties } from './description';
import { getColumns, searchEntities } from './methods';
import { snapshotConfig, watchSpec, type WatchSpec } from './options';
import { eventItem, keylessReport, massChangeItem } from './output';
import { keyColumnsOf, latestVersions, readRecords } from './poll';

const STATE_KEY = 'bromcom';

/**
 * Records that left, for Fetch Test Event: those a Left event would carry with `reason:
 * noLongerMatching` (leavers with an end date, ended memberships). Undefined where a record can only
 * leave by disappearing (`reason: notFound`): the samples are then current records, as last seen.
 */
function leftRecordsFilter(spec: WatchSpec, status: RecordStatus): string | undefined {
	if (spec.dates && status === 'current')
		return combineFilters(recordStatusFilter('leavers', spec.dates), spec.extraFilter);
	if (spec.extraFilter && !spec.extraFilterOnReadBack) return `NOT (${spec.extraFilter})`;
	return undefined;
}
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
		description:
			'Bromcom MIS for UK schools: read and write back students, contacts, staff, classes, attendance and more, or start a workflow when records are added, change, leave or come back',
		defaults: { name: 'Bromcom Trigger' },
		polling: true,
		inputs: [],
		// Records go down Events; a held mass change or a re-baseline notice goes down Notices, so a
		// workflow can never mistake one for a record.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Events', 'Notices'],
		credentials: [
			{
				name: 'bromcomMisApi',
				required: true,
				testedBy: 'bromcomMisApiTest',
				displayOptions: { show: { authentication: ['thirdPartyUser'] } },
			},
			{
				name: 'bromcomPartnerApi',
				required: true,
				testedBy: 'bromcomPartnerApiTest',
				displayOptions: { show: { authentication: ['partnerApplication'] } },
			},
		],
		properties,
	};

	methods = {
		credentialTest,
		loadOptions: { getColumns },
		listSearch: { searchEntities },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const watch = this.getNodeParameter('watch', 'students') as string;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		let schoolId: number | undefined;
		try {
			schoolId = schoolIdParameter(this.getNodeParameter('schoolId', ''));
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
		const settings: ItemSettings = { schoolId, timeoutMs: Number(options.timeout ?? 600) * 1000 };
		const spec = watchSpec(this, watch);
		const fieldsToWatch = (this.getNodeParameter('fieldsToWatch', []) as string[])
			.map(String)
			.sort();
		const includeInOutput = this.getNodeParameter('includeInOutput', 'new') as string;
		const triggerOn = new Set(this.getNodeParameter('triggerOn', []) as string[]);
		const detectedAt = new Date().toISOString();
		const schemas = new SchemaCache(this);

		// What is being watched includes the credential: its school, host, user (another permission set)
		// and the credential itself. Editing any of them re-baselines quietly instead of flooding.
		// Switching Authentication is a credential change too (a different route sees other grants).
		const credentialType = credentialTypeOf(this);
		const credential = await this.getCredentials(credentialType);
		const rest = credentialType !== 'bromcomMisApi';
		const effectiveSchool = schoolId ?? parseBromcomId(credential.schoolId);
		const source = {
			credential: this.getNode().credentials?.[credentialType]?.id ?? '',
			baseUrl: rest ? partnerBaseUrl(credential) : resolveBaseUrl(credential),
			username: String((rest ? credential.applicationId : credential.username) ?? '').toLowerCase(),
			school: effectiveSchool,
		};

		// Fetch Test Event for a trigger that fires only on Left: the samples are records that left, shaped
		// as the Left events this trigger emits, not current records.
		const leftSamples =
			this.getMode() === 'manual' &&
			triggerOn.size > 0 &&
			[...triggerOn].every((event) => event === 'left');
		let leftSampleReason: 'noLongerMatching' | 'notFound' = 'notFound';

		let filter: string;
		try {
			const conditions =
				(this.getNodeParameter('filters', {}) as { conditions?: ConditionParameter[] })
					.conditions ?? [];
			const status = spec.dates
				? (this.getNodeParameter('recordStatus', 'current') as RecordStatus)
				: 'all';
			const userPart = await buildUserFilter(
				conditions,
				'and',
				options.rawFilter,
				spec.entity,
				settings,
				schemas,
			);
			const leftFilter = leftSamples ? leftRecordsFilter(spec, status) : undefined;
			if (leftFilter !== undefined) leftSampleReason = 'noLongerMatching';
			filter =
				leftFilter !== undefined
					? combineFilters(leftFilter, userPart)
					: combineFilters(
							spec.dates ? recordStatusFilter(status, spec.dates) : '',
							spec.extraFilter,
							userPart,
						);
		} catch (error) {
			throw toNodeError(this.getNode(), error, {
				action: `polling ${spec.entity}`,
				school: String(effectiveSchool ?? 'from the credential'),
			});
		}

		const keepOld = includeInOutput !== 'new';
		const config = snapshotConfig(
			options,
			{ watch, entity: spec.entity, key: spec.key, source, filter, fieldsToWatch, keepOld },
			fieldsToWatch,
			keepOld,
		);
		const manual = this.getMode() === 'manual';
		const staticData = this.getWorkflowStaticData('node');
		const stored = staticData[STATE_KEY] as unknown;
		const state = !manual && isCompatible(stored, config) ? stored : undefined;
		const now = Math.floor(Date.now() / 1000);
		const emitAll =
			!manual && stored === undefined && options.emitExisting === true && triggerOn.has('new');
		// Rows are compared as they arrive and dropped unless they changed (or are needed for output).
		const start = () =>
			new PollDiff(state, config, now, keyColumnsOf(watch, spec), {
				sample: manual ? SAMPLE_SIZE : 0,
				keepRows: emitAll,
			});

		let result: PollResult;
		let columns: string[];
		try {
			let read: PollDiff;
			({ poll: read, columns } = await readRecords(
				this,
				watch,
				spec,
				filter,
				settings,
				schemas,
				start,
			));
			result = read.finish();
		} catch (error) {
			// Nothing is written to the state when a poll fails: the next poll compares with the last good one.
			throw toNodeError(this.getNode(), error, {
				action: `polling ${spec.entity}`,
				school: String(effectiveSchool ?? 'from the credential'),
			});
		}

		const entityLabel = watch === 'entity' ? spec.entity : watch;
		const meta = (event: string, key: string) => ({
			event,
			entity: entityLabel,
			schoolId: effectiveSchool ?? null,
			key,
			detectedAt,
		});

		if (manual) {
			const sample = result.sample.map(([key, record]) => ({
				json: leftSamples
					? eventItem(
							{ event: 'left', key, previous: record },
							includeInOutput,
							meta('sample', key),
							leftSampleReason === 'noLongerMatching' ? record : undefined,
						)
					: ({ ...meta('sample', key), ...record, ...meta('sample', key) } as IDataObject),
			}));
			return [
				sample.length
					? sample
					: [
							{
								json: {
									...meta('sample', ''),
									message: leftSamples
										? `No ${spec.entity} records that left match the trigger's settings in this school, so there is no Record Left sample to show.`
										: `No ${spec.entity} records match the trigger's settings in this school.`,
								},
							},
						],
			];
		}

		// n8n starts a poll on schedule even while the last one is still reading (a slow answer, a retry
		// after a Retry-After). If another poll saved the state meanwhile, its records may be newer than
		// these: this poll's result is dropped, and the next poll compares with what that one saved.
		if (staticData[STATE_KEY] !== stored) return null;

		const keyless = keylessReport(result, spec.entity, keyColumnsOf(watch, spec));
		if (keyless.everyRecord)
			throw new NodeOperationError(this.getNode(), keyless.message, {
				description: keyless.description,
			});
		const notices: INodeExecutionData[] = [];
		const previousKeyless = (stored as { nk?: unknown } | undefined)?.nk ?? 0;
		if (keyless.count > 0 && keyless.count !== previousKeyless)
			notices.push({
				json: {
					...meta('keylessRecords', ''),
					count: keyless.count,
					columns: keyless.columns,
					message: keyless.message,
				},
			});
		const extra = { ...(keyless.count > 0 ? { nk: keyless.count } : {}) };

		const cols = hash53(
			columns
				.map((c) => c.toLowerCase())
				.sort()
				.join(','),
		);
		const schemaChanged = state !== undefined && state.cols !== undefined && state.cols !== cols;
		// No state of ours, yet the workflow's static data holds what other nodes saved (a Code node's
		// $getWorkflowStaticData('global')): our state was there and is gone. In queue mode n8n 2.41 saves
		// a worker's whole copy of the static data, and a copy without the trigger's state erases it; a
		// renamed trigger loses its state the same way. The baseline below then cannot see what changed
		// in between: say so on Notices instead of passing it over in silence.
		const stateLost =
			stored === undefined &&
			Object.keys(this.getWorkflowStaticData('global')).some((k) => k !== '__dataChanged');
		if (result.diff === undefined || schemaChanged) {
			// First run; the entity, school, credential, filter or watched fields changed; or Bromcom added
			// or removed a column (which would otherwise read as every record updated): a quiet baseline.
			// A column change keeps who left: their return is still Restored. Any other new baseline is of
			// something else (another entity, school, filter or credential), so nothing carries over.
			const fresh = schemaChanged && result.rebaseline ? result.rebaseline : result.baseline;
			staticData[STATE_KEY] = { ...fresh, cols, ...extra } as unknown as IDataObject;
			if (schemaChanged) {
				notices.push({
					json: {
						...meta('rebaseline', ''),
						reason: 'columnsChanged',
						message: `The columns of ${spec.entity} changed in Bromcom since the last poll, so the trigger took a new baseline of ${result.records} records without emitting events. Changes made to records between the last poll and this one are not reported.`,
					},
				});
				return [[], notices];
			}
			if (stateLost) {
				notices.push({
					json: {
						...meta('rebaseline', ''),
						reason: 'stateLost',
						message: `The trigger's saved state was missing although this workflow's static data holds other nodes' data, so it took a new baseline of ${result.records} ${spec.entity} records without emitting events: changes made since its last poll may not be reported. In queue mode this happens when another node in the workflow (for example a Code node using $getWorkflowStaticData) saves the workflow's static data; it also happens when the trigger is renamed. Run a reconciliation for the period (for example Get Many with a date filter) and keep such data out of the trigger's workflow.`,
					},
				});
				return [[], notices];
			}
			const items = (result.rows ?? []).map(([key, record]) => ({
				json: { ...meta('new', key), ...record, ...meta('new', key) } as IDataObject,
			}));
			return items.length || notices.length ? [items, notices] : null;
		}

		const diffResult = result.diff;
		const emitted = diffResult.changes.filter((c) => triggerOn.has(c.event));
		const left = emitted.filter((c) => c.event === 'left');
		const latest = left.length
			? await latestVersions(this, spec, left, settings)
			: new Map<string, Row>();
		const items: INodeExecutionData[] = [];
		if (diffResult.massChange?.firstDetection)
			notices.push({
				json: massChangeItem(
					diffResult.massChange,
					meta('massChange', ''),
					config.guard.acceptAfterPolls,
				),
			});
		for (const change of emitted)
			items.push({
				json: eventItem(
					change,
					includeInOutput,
					meta(change.event, change.key),
					latest.get(change.key),
				),
			});
		staticData[STATE_KEY] = { ...diffResult.next, cols, ...extra } as unknown as IDataObject;
		return items.length || notices.length ? [items, notices] : null;
	}
}
