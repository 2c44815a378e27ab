import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { evaluate, type RecordKind } from '../Bromcom/core/eligibility';
import { CUSTOM_API_CALL, customApiCallError, errorItem, toNodeError } from '../Bromcom/n8n/errors';
import { credentialTest } from '../Bromcom/n8n/authentication';
import { schoolForMessage } from '../Bromcom/n8n/settings';
import { NO_CREDENTIAL, properties } from './description';
import { exportRoster } from './export';
import { generateNames } from './names';
import { rosterFor } from './roster';
import { factsOf, ruleOptions } from './rules';

export class BromcomEligibility implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom Consent & Eligibility',
		name: 'bromcomEligibility',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['transform'],
		// One version, declared as a list with a default: n8n adds its "Custom API Call" pointer to the
		// HTTP Request node only to a description it takes for the newest version of a node
		// (defaultVersion unset, or equal to version: injectCustomApiCallOptions in n8n 2.41's
		// load-nodes-and-credentials.ts). Here it would sit among Filter Items and Generate Account
		// Names, where no API call belongs. The browser test checks the Operation list is exactly these.
		version: [1],
		defaultVersion: 1,
		subtitle:
			'={{ $parameter["operation"] === "filterItems" ? "Filter " + $parameter["kind"] + "s" : $parameter["operation"] === "getRoster" ? "Get Eligible Roster" : $parameter["operation"] === "exportRoster" ? "Export Roster" : "Generate Account Names" }}',
		description:
			"Apply consent and eligibility rules (parents' evening, consent only, custom) to people and classes, with a reason for every exclusion",
		defaults: { name: 'Bromcom Consent & Eligibility' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Kept', 'Excluded'],
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
				} else if (operation === 'exportRoster') {
					const result = await exportRoster(this, i);
					kept.push({ json: result.json, binary: result.binary, pairedItem: { item: i } });
					for (const skipped of result.skipped)
						excluded.push({
							json: {
								...skipped,
								excludedReasons: [{ code: 'NO_USERNAME', message: String(skipped.reason) }],
							},
							pairedItem: { item: i },
						});
				} else {
					const roster = await rosterFor(this, i);
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
		return [kept, excluded];
	}
}
