import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../Bromcom/n8n/authentication';
import { NO_CREDENTIAL, outputsExpression, properties, subtitle } from './actions/operations';
import { router } from './actions/router';

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
		subtitle,
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
		return await router.call(this);
	}
}
