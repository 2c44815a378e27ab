/**
 * The two ways into Bromcom, shared by the Bromcom node, the trigger and the eligibility node (n8n's
 * pattern: an Authentication option choosing the credential type). n8n's editor does not show it in
 * the node's panel: the Credential list offers both types and picking one sets it, and the new
 * credential dialog lists the two options. Third-Party User is the SOAP third-party services with a
 * user the school creates; Partner Application is the Partner API (REST) with an application the
 * school grants. Reads give the same items either way. The values are transport's AUTHENTICATION
 * (written out here because n8n's lint reads the literal default). No credential's show rule may name
 * another parameter: n8n's editor would hide that one too (BromcomEligibility.node.ts). Each route's
 * credential test is here too, over the transport's own client, so the transport never imports n8n/.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';

import { BromcomError, redact, withoutErrorCodes } from '../core/wire/errors';
import { credentialTestConnection, findEntitiesWith } from '../transport';
import { misApiCredentials, partnerApiCredentials, secretsOf } from '../transport/credentials';
import { asBromcomError } from '../transport/http';
import { partnerTestConnection, restRead } from '../transport/rest';
import { FIX_HINTS, fixHint } from './errors';

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

/**
 * The credential test (`methods.credentialTest.bromcomMisApiTest` of every node): a real
 * findEntitiesBySchoolID through the same client. It passes only on a real DataSet that grants at
 * least one entity, and says how many; anything else is the client's own typed, redacted error.
 */
export async function testCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = misApiCredentials(credential.data ?? {});
	let names: string[];
	try {
		names = await findEntitiesWith(credentialTestConnection(this, credentials), {
			attempts: 1,
			timeoutMs: 60_000,
		});
	} catch (error) {
		const e = error instanceof BromcomError ? error : asBromcomError(error, secretsOf(credentials));
		const hint = FIX_HINTS[e.kind];
		return {
			status: 'Error',
			message: withoutErrorCodes(
				redact([e.message, hint].filter(Boolean).join(' '), secretsOf(credentials)),
			),
		};
	}
	const school = credentials.schoolId;
	if (names.length === 0) {
		return {
			status: 'Error',
			message: `Logged in to Bromcom for school ${school}, but this account may read no entities yet: ask the school to grant them to the third-party user under Modules > Setup > Third Party Access Permissions & Logs (a new third-party user starts with none).`,
		};
	}
	const sample = names.slice(0, 3).join(', ');
	return {
		status: 'OK',
		message: `Connection successful: school ${school}, ${names.length} ${names.length === 1 ? 'entity' : 'entities'} granted (${sample}${names.length > 3 ? ', …' : ''}).`,
	};
}

/**
 * The Partner API credential test (`methods.credentialTest.bromcomPartnerApiTest`): one real, cheap
 * read — the first row of /v2/Schools for the Default School ID — through the same client. It says
 * what worked, and on a 403 which Bromcom screen grants the application.
 */
export async function testPartnerCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = partnerApiCredentials(credential.data ?? {});
	const secrets = secretsOf(credentials);
	try {
		const data = await restRead(partnerTestConnection(this, credentials), 'Schools', '', {
			attempts: 1,
			timeoutMs: 60_000,
			maxRows: 1,
		});
		const school = data.rows[0];
		const name = school ? String(school.SchoolName ?? school.Name ?? '').trim() : '';
		return {
			status: 'OK',
			message: `Connection successful: the Partner API accepted the application for school ${credentials.schoolId}${name ? ` (${name})` : ''}.`,
		};
	} catch (error) {
		const e = asBromcomError(error, secrets).onRoute('rest');
		const hint =
			e.kind === 'entityNotPermitted'
				? 'The application and secret were accepted, but this school has not granted it the Schools endpoint (or has not installed it): in Bromcom, Config > Setup > Partner Applications > (the application) > Manage > Grant > Proceed, until its Status is Installed.'
				: fixHint(e);
		return {
			status: 'Error',
			message: withoutErrorCodes(redact([e.message, hint].filter(Boolean).join(' '), secrets)),
		};
	}
}

/** What each route's credential is tested by (the nodes' `credentials` name these). */
export const credentialTest = {
	bromcomMisApiTest: testCredential,
	bromcomPartnerApiTest: testPartnerCredential,
};
