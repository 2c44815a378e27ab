import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Bromcom's Partner API (REST, https://api.bromcomcloud.com/v2/<Entity>): a partner application's
 * ApplicationId and ApplicationSecret, sent as request headers (never in the query string, which ends
 * up in proxy and server logs). One application serves every school that granted it on
 * Config > Setup > Partner Applications; the School ID travels with each request.
 */
export class BromcomPartnerApi implements ICredentialType {
	name = 'bromcomPartnerApi';

	displayName = 'Bromcom Partner API';

	icon: Icon = { light: 'file:../icons/bromcom.svg', dark: 'file:../icons/bromcom.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-bromcom/n8n-nodes-bromcom#two-ways-in';

	properties: INodeProperties[] = [
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ApplicationId Bromcom issued to your partner application',
		},
		{
			displayName: 'Application Secret',
			name: 'applicationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The ApplicationSecret issued with the Application ID',
		},
		{
			displayName: 'Default School ID',
			name: 'schoolId',
			// Text, not a number field: a number field shows 0 and lets the credential be saved with it.
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 20001',
			description:
				'The Bromcom School ID used when a node does not name one. The school must have granted this application under Config > Setup > Partner Applications.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.bromcomcloud.com',
			description:
				'The Partner API address without /v2 and without a trailing slash. Change it only for the Bromcom sandbox or a proxy.',
		},
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 100000,
			description:
				'Rows per page the Partner API returns. A page this full is followed by a request for the next one; a "next" link in the answer is followed whatever this says.',
		},
	];

	authenticate = {
		type: 'generic' as const,
		properties: {
			headers: {
				ApplicationId: '={{$credentials.applicationId}}',
				ApplicationSecret: '={{$credentials.applicationSecret}}',
			},
		},
	};

	// The connection test is the nodes' `methods.credentialTest.bromcomPartnerApiTest`
	// (transport/rest.ts): one real, cheap read that names what to fix when it fails.
}
