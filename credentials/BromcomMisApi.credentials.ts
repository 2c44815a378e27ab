import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CREDENTIAL_PLACEHOLDERS, SERVICE_PATHS, SOAP_NAMESPACE } from '../nodes/Bromcom/wire/envelope';
import { escapeXml } from '../nodes/Bromcom/wire/xml';

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
			description: 'The part after "cloudmis-" in your school\'s Bromcom address, for example "cy" for https://cloudmis-cy.bromcom.com',
			displayOptions: { show: { hosting: ['regional'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://bromcom.myschool.org.uk',
			description: 'The address in front of /Nucleus/WebServices/ThirdParty/…, without a trailing slash',
			displayOptions: { show: { hosting: ['custom'] } },
		},
		{
			displayName: 'School ID',
			name: 'schoolId',
			type: 'number',
			default: 0,
			required: true,
			placeholder: '20001',
			description: 'The numeric Bromcom School ID (Modules > Setup > School Details). Nodes can override it per item to work across the schools of a trust.',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'The third-party System User created by the school in Bromcom (Modules > Setup > System Users)',
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
			description: 'Whether to connect even if the server\'s TLS certificate cannot be verified. Only for self-hosted test installs.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (typeof requestOptions.body !== 'string') return requestOptions;
		// Replacement functions, not strings: a password containing "$&" must arrive as typed.
		const body = requestOptions.body
			.replace(CREDENTIAL_PLACEHOLDERS.schoolId, () => escapeXml(String(credentials.schoolId ?? '')))
			.replace(CREDENTIAL_PLACEHOLDERS.username, () => escapeXml(String(credentials.username ?? '')))
			.replace(CREDENTIAL_PLACEHOLDERS.password, () => escapeXml(String(credentials.password ?? '')));
		const options: IHttpRequestOptions = { ...requestOptions, body };
		if (credentials.ignoreSslIssues === true) options.skipSslCertificateValidation = true;
		return options;
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: `={{ ($credentials.hosting === "custom" ? String($credentials.baseUrl).replace(/\\/+$/, "") : $credentials.hosting === "scomis" ? "https://bromcom.scomis.org" : $credentials.hosting === "regional" ? "https://cloudmis-" + $credentials.region + ".bromcom.com" : "https://cloudmis.bromcom.com") + "${SERVICE_PATHS.read}" }}`,
			headers: {
				'Content-Type': 'text/xml; charset=utf-8',
				SOAPAction: `"${SOAP_NAMESPACE}findEntitiesBySchoolID"`,
			},
			body:
				'<?xml version="1.0" encoding="utf-8"?>' +
				'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
				`<findEntitiesBySchoolID xmlns="${SOAP_NAMESPACE}">` +
				`<schoolID>${CREDENTIAL_PLACEHOLDERS.schoolId}</schoolID>` +
				`<username>${CREDENTIAL_PLACEHOLDERS.username}</username>` +
				`<password>${CREDENTIAL_PLACEHOLDERS.password}</password>` +
				'</findEntitiesBySchoolID></soap:Body></soap:Envelope>',
			json: false,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 500,
					message:
						'Bromcom refused the login. Check the School ID, Username and Password; in Bromcom the user must exist under Modules > Setup > System Users with the Third Party role, and the school must grant it entities under Modules > Setup > Third Party Access Permissions & Logs.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Bromcom third-party web service was found at this address. Check Hosting (or the Base URL): it should be the address in front of /Nucleus/WebServices/ThirdParty/.',
				},
			},
		],
	};
}
