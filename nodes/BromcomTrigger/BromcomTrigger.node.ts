import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	decide,
	isCompatible,
	PollDiff,
	type PollResult,
	type Row,
} from '../Bromcom/core/snapshot';
import { combineFilters, type RecordStatus } from '../Bromcom/core/wire/filter';
import { buildUserFilter, SchemaCache, type ConditionParameter } from '../Bromcom/actions/read';
import { schoolIdParameter, timeoutMs, type ItemSettings } from '../Bromcom/n8n/settings';
import { toNodeError } from '../Bromcom/n8n/errors';
import { credentialTest } from '../Bromcom/n8n/authentication';
import { clientFor } from '../Bromcom/transport';
import { properties } from './description';
import { getColumns, searchEntities } from './methods';
import { leftRecordsFilter, snapshotConfig, watchFilter, watchSpec } from './options';
import { eventItem, keylessReport, noticeItem, sampleItems } from './output';
import { latestVersions, readRecords } from './poll';

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
		const settings: ItemSettings = {
			schoolId,
			timeoutMs: timeoutMs(options),
		};
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
		const client = clientFor(this);
		const effectiveSchool = await client.school(schoolId);
		const source = {
			credential: this.getNode().credentials?.[client.credentialType]?.id ?? '',
			baseUrl: await client.baseUrl(),
			username: (await client.account()).toLowerCase(),
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
					: watchFilter(spec, status, userPart);
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
			new PollDiff(state, config, now, spec.key, {
				sample: manual ? SAMPLE_SIZE : 0,
				keepRows: emitAll,
			});

		let result: PollResult;
		let columns: string[];
		try {
			let read: PollDiff;
			({ poll: read, columns } = await readRecords(this, spec, filter, settings, schemas, start));
			result = read.finish();
		} catch (error) {
			// Nothing is written to the state when a poll fails: the next poll compares with the last good one.
			throw toNodeError(this.getNode(), error, {
				action: `polling ${spec.entity}`,
				school: String(effectiveSchool ?? 'from the credential'),
			});
		}

		const meta = (event: string, key: string) => ({
			event,
			entity: spec.label,
			schoolId: effectiveSchool ?? null,
			key,
			detectedAt,
		});

		if (manual)
			return [
				sampleItems(result.sample, {
					meta,
					entity: spec.entity,
					includeInOutput,
					left: leftSamples ? leftSampleReason : undefined,
				}).map((json) => ({ json })),
			];

		// n8n starts a poll on schedule even while the last one is still reading (a slow answer, a retry
		// after a Retry-After). If another poll saved the state meanwhile, its records may be newer than
		// these: this poll's result is dropped, and the next poll compares with what that one saved.
		if (staticData[STATE_KEY] !== stored) return null;

		const decision = decide(result, {
			stored,
			state,
			columns,
			triggerOn,
			otherStaticData:
				stored === undefined &&
				Object.keys(this.getWorkflowStaticData('global')).some((k) => k !== '__dataChanged'),
		});
		const keyless = keylessReport(result, spec.entity, spec.key);
		if (decision.everyRecordKeyless)
			throw new NodeOperationError(this.getNode(), keyless.message, {
				description: keyless.description,
			});
		const notices: INodeExecutionData[] = decision.notices.map((notice) => ({
			json: noticeItem(notice, {
				meta,
				keyless,
				records: result.records,
				entity: spec.entity,
				acceptAfterPolls: config.guard.acceptAfterPolls,
			}),
		}));
		const left = decision.changes.filter((c) => c.event === 'left');
		const latest = left.length
			? await latestVersions(this, spec, left, settings)
			: new Map<string, Row>();
		const items: INodeExecutionData[] = [
			...decision.newRecords.map(([key, record]) => ({
				json: { ...meta('new', key), ...record, ...meta('new', key) } as IDataObject,
			})),
			...decision.changes.map((change) => ({
				json: eventItem(
					change,
					includeInOutput,
					meta(change.event, change.key),
					latest.get(change.key),
				),
			})),
		];
		staticData[STATE_KEY] = decision.save as unknown as IDataObject;
		return items.length || notices.length ? [items, notices] : null;
	}
}
