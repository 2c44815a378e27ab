import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { fillCredentialPlaceholders } from '../nodes/Bromcom/core/wire/envelope';

/**
 * Bromcom's third-party services take the School ID, username and password as SOAP body parameters
 * (no HTTP authentication exists). Nodes build envelopes with placeholders; this credential's
 * `authenticate` is the only code that puts the secrets in, just before n8n sends the request.
 */
export class BromcomMisApi implements ICredentialType {
	name = 'bromcomMisApi';

	displayName = 'Bromcom MIS API';

	icon: Icon = { light: 'file:../icons/bromcom.svg', dark: 'file:../icons/bromcom.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-bromcom/n8n-nodes-bromcom#set-up-bromcom';

	properties: INodeProperties[] = [
		{
			displayName: 'Hosting',
			name: 'hosting',
			type: 'options',
			options: [
				{
					name: 'Bromcom Cloud (UK)',
					value: 'cloud',
					description: 'https://cloudmis.bromcom.com — most Bromcom schools',
				},
				{
					name: 'Scomis Hosted',
					value: 'scomis',
					description: 'https://bromcom.scomis.org — schools hosted by Scomis (Devon)',
				},
				{
					name: 'Bromcom Cloud (Regional)',
					value: 'regional',
					description: 'A regional Bromcom cloud such as https://cloudmis-cy.bromcom.com',
				},
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'A self-hosted install, a proxy, or the Bromcom sandbox',
				},
			],
			default: 'cloud',
		},
		{
			displayName: 'Region Code',
			name: 'region',
			type: 'string',
			default: '',
			placeholder: 'cy',
			description:
				'The part after "cloudmis-" in your school\'s Bromcom address, for example "cy" for https://cloudmis-cy.bromcom.com',
			displayOptions: { show: { hosting: ['regional'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://bromcom.myschool.org.uk',
			description:
				'The address in front of /Nucleus/WebServices/ThirdParty/…, without a trailing slash',
			displayOptions: { show: { hosting: ['custom'] } },
		},
		{
			displayName: 'School ID',
			name: 'schoolId',
			// Text, not a number field: a number field shows 0 and lets the credential be saved with it.
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 20001',
			description:
				'The numeric Bromcom School ID (Modules > Setup > School Details). Nodes can override it per item to work across the schools of a trust.',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description:
				'The third-party System User created by the school in Bromcom (Modules > Setup > System Users)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description:
				"Whether to connect even if the server's TLS certificate cannot be verified. Only for self-hosted test installs.",
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (typeof requestOptions.body !== 'string') return requestOptions;
		const body = fillCredentialPlaceholders(requestOptions.body, credentials);
		const options: IHttpRequestOptions = { ...requestOptions, body };
		if (credentials.ignoreSslIssues === true) options.skipSslCertificateValidation = true;
		return options;
	}

	// The connection test is the nodes' `methods.credentialTest.bromcomMisApiTest` (transport/index.ts):
	// it requires a real DataSet from findEntitiesBySchoolID and says how many entities are granted.
}
