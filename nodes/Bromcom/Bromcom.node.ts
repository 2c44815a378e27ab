import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resourceProperties } from './actions/resources';
import { router } from './actions/router';
import { getColumns, searchEntities } from './methods';
import { authenticationProperty, credentialTest } from './n8n/authentication';

export class Bromcom implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom',
		name: 'bromcom',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['input'],
		// 1.1: writes Dry Run by default, write dates without a moving default (write.descriptions.ts).
		// A description that lists versions with a default also keeps n8n from adding its "Custom API
		// Call" pointer to the Resource list (see BromcomEligibility.node.ts); the router refuses it.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read students, contacts, staff, classes, attendance, timetables, assessment and behaviour from Bromcom MIS (UK schools), and write back assessment results, dinner money and single sign-on links safely',
		defaults: { name: 'Bromcom' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
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
		properties: [authenticationProperty, ...resourceProperties],
	};

	methods = {
		credentialTest,
		loadOptions: { getColumns },
		listSearch: { searchEntities },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
