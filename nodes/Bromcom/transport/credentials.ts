/**
 * The two credential types' fields, typed and read once (n8n's MySQL v2 node types its credential the
 * same way, `MysqlNodeCredentials`): the client (client.ts) and the credential tests
 * (n8n/authentication.ts) turn n8n's decrypted credential into one of these, and nothing else reads a
 * credential's field by name. The fields are those of credentials/BromcomMisApi.credentials.ts and
 * credentials/BromcomPartnerApi.credentials.ts.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'bromcomMisApi';

export const PARTNER_CREDENTIAL_TYPE = 'bromcomPartnerApi';

/** A Bromcom MIS API credential: a third-party user at one school (SOAP third-party services). */
export interface BromcomMisApiCredentials {
	readonly type: typeof CREDENTIAL_TYPE;
	/** Where the school's Bromcom is: `cloud`, `scomis`, `regional` or `custom`. */
	hosting: string;
	/** The region of a regional cloud (`hosting: 'regional'`). */
	region: string;
	/** The address of a custom host (`hosting: 'custom'`). */
	baseUrl: string;
	/** The school, as typed (core/ids.ts says whether it is a Bromcom ID). */
	schoolId: string;
	username: string;
	password: string;
	ignoreSslIssues: boolean;
}

/** A Bromcom Partner API credential: a partner application some schools granted (REST). */
export interface BromcomPartnerApiCredentials {
	readonly type: typeof PARTNER_CREDENTIAL_TYPE;
	applicationId: string;
	applicationSecret: string;
	/** The Default School ID, as typed: the school of a read whose node leaves School ID empty. */
	schoolId: string;
	/** The Partner API's address when not Bromcom's own ('' for the default). */
	baseUrl: string;
	/** Rows per page as entered (undefined when not set; rest.ts checks it). */
	pageSize?: number;
}

export type BromcomCredentials = BromcomMisApiCredentials | BromcomPartnerApiCredentials;

/** Reads a decrypted Bromcom MIS API credential. */
export function misApiCredentials(data: ICredentialDataDecryptedObject): BromcomMisApiCredentials {
	return {
		type: CREDENTIAL_TYPE,
		hosting: String(data.hosting ?? 'cloud'),
		region: String(data.region ?? ''),
		baseUrl: String(data.baseUrl ?? ''),
		schoolId: String(data.schoolId ?? ''),
		username: String(data.username ?? ''),
		password: String(data.password ?? ''),
		ignoreSslIssues: data.ignoreSslIssues === true,
	};
}

/** Reads a decrypted Bromcom Partner API credential. */
export function partnerApiCredentials(
	data: ICredentialDataDecryptedObject,
): BromcomPartnerApiCredentials {
	return {
		type: PARTNER_CREDENTIAL_TYPE,
		applicationId: String(data.applicationId ?? ''),
		applicationSecret: String(data.applicationSecret ?? ''),
		schoolId: String(data.schoolId ?? ''),
		baseUrl: String(data.baseUrl ?? ''),
		pageSize:
			data.pageSize === undefined || data.pageSize === null ? undefined : Number(data.pageSize),
	};
}

/** What the client redacts from every text it surfaces: the password or the application secret. */
export function secretsOf(credentials: BromcomCredentials): string[] {
	const secret =
		credentials.type === CREDENTIAL_TYPE ? credentials.password : credentials.applicationSecret;
	return secret.length > 0 ? [secret] : [];
}
