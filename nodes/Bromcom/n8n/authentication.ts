/**
 * The two ways into Bromcom, shared by the Bromcom node, the trigger and the eligibility node (n8n's
 * pattern: an Authentication option choosing the credential type). n8n's editor does not show it in
 * the node's panel: the Credential list offers both types and picking one sets it, and the new
 * credential dialog lists the two options. Third-Party User is the SOAP third-party services with a
 * user the school creates; Partner Application is the Partner API (REST) with an application the
 * school grants. Reads give the same items either way. The values are transport's AUTHENTICATION
 * (written out here because n8n's lint reads the literal default). No credential's show rule may name
 * another parameter: n8n's editor would hide that one too (BromcomEligibility.node.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { testCredential } from '../transport';
import { testPartnerCredential } from '../transport/rest';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'Third-Party User (SOAP)',
			value: 'thirdPartyUser',
			description:
				'A third-party user the school creates in Bromcom (Modules > Setup > System Users), one school per credential',
		},
		{
			name: 'Partner Application (REST)',
			value: 'partnerApplication',
			description:
				'A Bromcom Partner API application the school grants (Config > Setup > Partner Applications); one credential serves every school that granted it',
		},
	],
	default: 'thirdPartyUser',
};

/** What each route's credential is tested by (the nodes' `credentials` name these). */
export const credentialTest = {
	bromcomMisApiTest: testCredential,
	bromcomPartnerApiTest: testPartnerCredential,
};
