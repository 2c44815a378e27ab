import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { evaluate, type RecordKind } from '../Bromcom/core/eligibility';
import { CUSTOM_API_CALL, customApiCallError, errorItem, toNodeError } from '../Bromcom/n8n/errors';
import { credentialTest } from '../Bromcom/n8n/authentication';
import { schoolForMessage } from '../Bromcom/n8n/settings';
import { NO_CREDENTIAL, properties } from './description';
import { exportRoster } from './export';
import { generateNames } from './names';
import type { RosterEntry } from '../Bromcom/core/roster';
import { changeOf, rosterChanges } from './guard';
import { readiness } from './readiness';
import { rosterFor } from './roster';
import { factsOf, ruleOptions } from './rules';

export class BromcomEligibility implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom Consent & Eligibility',
		name: 'bromcomEligibility',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['transform'],
		// 1.1: Export Roster's rules default to Provisioning (version 1 keeps Parents' Evening). A list
		// of versions with a default also keeps n8n from adding its "Custom API Call" pointer to the HTTP
		// Request node, which it adds only to a description it takes for a node's newest version
		// (defaultVersion unset or equal to version: injectCustomApiCallOptions in n8n 2.41's
		// load-nodes-and-credentials.ts); no API call belongs among these operations.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ $parameter["operation"] === "filterItems" ? "Filter " + $parameter["kind"] + "s" : $parameter["operation"] === "getRoster" ? "Get Eligible Roster" : $parameter["operation"] === "exportRoster" ? "Export Roster" : $parameter["operation"] === "readiness" ? "Check Readiness" : "Generate Account Names" }}',
		description:
			"Apply consent and eligibility rules (parents' evening, consent only, custom) to people and classes, with a reason for every exclusion",
		defaults: { name: 'Bromcom Consent & Eligibility' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Get Eligible Roster adds a Summary output (counts per kind and reason); Export Roster's first
		// output carries the files, and Notices the export's notices.
		outputs: `={{ ${outputsExpression()} }}`,
		// Only the operations that read Bromcom need a credential. The rule that says so is a `hide` on
		// the operation, not a `show`: n8n's editor hides from the panel every parameter named in a `show`
		// rule of a credential's displayOptions (and of the parameters those name), treating it as part of
		// the credential choice (getNodeAuthFields / isAuthRelatedParameter in the editor's
		// nodeTypesUtils.ts). With `show: { operation }` n8n 2.41 hid the Operation picker itself.
		credentials: [
			{
				name: 'bromcomMisApi',
				required: true,
				testedBy: 'bromcomMisApiTest',
				displayOptions: {
					show: { authentication: ['thirdPartyUser'] },
					hide: { operation: NO_CREDENTIAL },
				},
			},
			{
				name: 'bromcomPartnerApi',
				required: true,
				testedBy: 'bromcomPartnerApiTest',
				displayOptions: {
					show: { authentication: ['partnerApplication'] },
					hide: { operation: NO_CREDENTIAL },
				},
			},
		],
		properties,
	};

	methods = {
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === CUSTOM_API_CALL) throw customApiCallError(this.getNode());
		const kept: INodeExecutionData[] = [];
		const excluded: INodeExecutionData[] = [];
		const summaries: INodeExecutionData[] = [];
		const rosters: Array<{ schoolId: number; kept: RosterEntry[] }> = [];
		const notices: INodeExecutionData[] = [];
		if (operation === 'generateNames') {
			// Names are decided for all items together: collisions are resolved across them.
			try {
				return Object.values(generateNames(this, items));
			} catch (error) {
				throw toNodeError(this.getNode(), error, { action: 'generating account names' });
			}
		}
		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'filterItems') {
					const kind = this.getNodeParameter('kind', i) as RecordKind;
					const verdict = evaluate(
						kind,
						factsOf(this, i, kind),
						ruleOptions(this, i, this.getNodeParameter('lawfulBasis', i, 'consent') !== 'other'),
					);
					const eligibility = {
						eligible: verdict.eligible,
						...(verdict.notChecked.length ? { notChecked: verdict.notChecked } : {}),
					};
					if (verdict.eligible)
						kept.push({ json: { ...items[i].json, eligibility }, pairedItem: { item: i } });
					else
						excluded.push({
							json: {
								...items[i].json,
								eligibility,
								excludedReasons: verdict.reasons as unknown as IDataObject[],
							},
							pairedItem: { item: i },
						});
				} else if (operation === 'readiness') {
					for (const school of await readiness(this, i))
						(school.ready ? kept : excluded).push({ json: school.json, pairedItem: { item: i } });
				} else if (operation === 'exportRoster') {
					if (items.length > 1 && this.getNodeParameter('deactivationGuard', i, true) === true)
						throw new NodeOperationError(
							this.getNode(),
							`Export Roster received ${items.length} items: with the Deactivation Guard on, it writes one file set per run (the guard compares it with the last one this node let through). Use one Export Roster node per file set, or turn the guard off.`,
							{ itemIndex: i },
						);
					const result = await exportRoster(this, i);
					if (result.files) kept.push({ ...result.files, pairedItem: { item: i } });
					if (result.notice) notices.push({ json: result.notice, pairedItem: { item: i } });
					for (const json of result.excluded) excluded.push({ json, pairedItem: { item: i } });
				} else {
					const roster = await rosterFor(this, i);
					rosters.push(roster);
					summaries.push({ json: rosterSummary(roster), pairedItem: { item: i } });
					for (const entry of roster.kept)
						kept.push({
							json: { kind: entry.kind, key: entry.key, ...entry.record },
							pairedItem: { item: i },
						});
					for (const entry of roster.excluded)
						excluded.push({
							json: {
								kind: entry.kind,
								key: entry.key,
								...entry.record,
								excludedReasons: entry.reasons as unknown as IDataObject[],
							},
							pairedItem: { item: i },
						});
				}
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, {
					itemIndex: i,
					action:
						operation === 'getRoster'
							? 'building the eligible roster'
							: operation === 'exportRoster'
								? 'exporting the roster (nothing was exported)'
								: 'applying the rules',
					school:
						operation === 'getRoster'
							? String(this.getNodeParameter('schoolId', i, '') ?? '').trim() ||
								(await schoolForMessage(this, undefined))
							: undefined,
				});
				if (this.continueOnFail()) {
					excluded.push(errorItem(nodeError, i));
					continue;
				}
				throw nodeError;
			}
		}
		if (operation === 'getRoster') {
			// The change since the last run of this node, school by school and kind by kind.
			const changes = await rosterChanges(this, rosters);
			for (const item of summaries) {
				const json = item.json as { schoolId: number; counts: Record<string, IDataObject> };
				for (const [kind, counts] of Object.entries(json.counts))
					Object.assign(counts, changeOf(changes, json.schoolId, kind));
			}
			return [kept, excluded, summaries];
		}
		if (operation === 'exportRoster') return [kept, excluded, notices];
		return [kept, excluded];
	}
}

/** The outputs of each operation, as the expression n8n evaluates with the node's parameters. */
function outputsExpression(): string {
	const main = (...names: string[]) =>
		JSON.stringify(names.map((displayName) => ({ type: 'main', displayName })));
	return `$parameter.operation === 'getRoster' ? ${main('Kept', 'Excluded', 'Summary')} : $parameter.operation === 'exportRoster' ? ${main('Files', 'Excluded', 'Notices')} : $parameter.operation === 'readiness' ? ${main('Ready', 'Not Ready')} : ${main('Kept', 'Excluded')}`;
}

/** Get Eligible Roster's account of what it read: per kind, read = kept + excluded, by reason code. */
function rosterSummary(roster: {
	schoolId: number;
	kept: RosterEntry[];
	excluded: RosterEntry[];
}): IDataObject {
	const counts: Record<
		string,
		{ read: number; kept: number; excluded: number; reasons: IDataObject }
	> = {};
	const count = (kind: string) => (counts[kind] ??= { read: 0, kept: 0, excluded: 0, reasons: {} });
	for (const e of roster.kept) {
		count(e.kind).read++;
		count(e.kind).kept++;
	}
	for (const e of roster.excluded) {
		const c = count(e.kind);
		c.read++;
		c.excluded++;
		for (const r of e.reasons) c.reasons[r.code] = Number(c.reasons[r.code] ?? 0) + 1;
	}
	return { summary: 'eligibleRoster', schoolId: roster.schoolId, counts };
}
