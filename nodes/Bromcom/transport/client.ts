/**
 * The front door to Bromcom for one run: which route (SOAP third-party services or the Partner API)
 * the node's Authentication chose, its credential type, the credential, its base URL, the account and
 * the school a request is for are worked out here, once (n8n's MySQL v2 node resolves its connection
 * the same way). The SOAP client (index.ts) and the Partner API client (rest.ts) read through it.
 * The school fallback itself is core/ids.ts's schoolOrCredential.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { schoolOrCredential } from '../core/ids';
import type { BromcomContext, Connection, RawResponse } from './http';
import { partnerBaseUrl } from './rest';

export const CREDENTIAL_TYPE = 'bromcomMisApi';

export const PARTNER_CREDENTIAL_TYPE = 'bromcomPartnerApi';

/** The node's Authentication parameter: which of the two routes into Bromcom it uses. */
export const AUTHENTICATION = {
	/** SOAP third-party services with a third-party user (credential Bromcom MIS API). */
	soap: 'thirdPartyUser',
	/** The Partner API (REST) with a partner application (credential Bromcom Partner API). */
	rest: 'partnerApplication',
} as const;

export type Route = 'soap' | 'rest';

const HOSTS: Record<string, string> = {
	cloud: 'https://cloudmis.bromcom.com',
	scomis: 'https://bromcom.scomis.org',
};

/** The credential's base URL (kept in step with the credential test's URL expression). */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const hosting = String(credentials.hosting ?? 'cloud');
	if (hosting === 'custom')
		return String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
	if (hosting === 'regional')
		return `https://cloudmis-${String(credentials.region ?? '').trim()}.bromcom.com`;
	return HOSTS[hosting] ?? HOSTS.cloud;
}

/** The route a node, trigger or picker uses, from its Authentication parameter (default: SOAP). */
export function routeOf(ctx: BromcomContext): Route {
	let value: unknown;
	try {
		value =
			typeof (ctx as IExecuteFunctions).getInputData === 'function'
				? (ctx as IExecuteFunctions).getNodeParameter('authentication', 0, AUTHENTICATION.soap)
				: (ctx as IPollFunctions).getNodeParameter('authentication', AUTHENTICATION.soap);
	} catch {
		value = AUTHENTICATION.soap;
	}
	return value === AUTHENTICATION.rest ? 'rest' : 'soap';
}

const credentialTypeFor = (route: Route): string =>
	route === 'rest' ? PARTNER_CREDENTIAL_TYPE : CREDENTIAL_TYPE;

/** The credential type behind a route. */
export function credentialTypeOf(ctx: BromcomContext): string {
	return credentialTypeFor(routeOf(ctx));
}

/** A node's, trigger's or picker's connection: n8n's authenticated HTTP helper. */
export async function connectionOf(ctx: BromcomContext): Promise<Connection> {
	return await clientFor(ctx).connection();
}

/** The credential's School ID (NaN when it is not a Bromcom ID). */
export async function credentialSchoolId(ctx: BromcomContext): Promise<number> {
	return (await clientFor(ctx).school(undefined)) ?? NaN;
}

/**
 * What a run knows about its way into Bromcom. The route and credential type are read at once; the
 * credential is fetched on first use and kept, so nothing is asked of n8n that the run does not need.
 */
export interface BromcomClient {
	readonly route: Route;
	readonly credentialType: string;
	credentials(): Promise<ICredentialDataDecryptedObject>;
	connection(): Promise<Connection>;
	/** The address requests go to: the Partner API's, or the SOAP services' host. */
	baseUrl(): Promise<string>;
	/** The account: the third-party user's name, or the partner application's ID. */
	account(): Promise<string>;
	/**
	 * The school a request is for: the node's School ID when set (the credential is not read), else
	 * the credential's; undefined when that is not a Bromcom ID.
	 */
	school(schoolId: number | undefined): Promise<number | undefined>;
}

export function clientFor(ctx: BromcomContext): BromcomClient {
	const route = routeOf(ctx);
	const credentialType = credentialTypeFor(route);
	let credentials: Promise<ICredentialDataDecryptedObject> | undefined;
	const client: BromcomClient = {
		route,
		credentialType,
		async credentials() {
			credentials ??= ctx.getCredentials(credentialType) as Promise<ICredentialDataDecryptedObject>;
			return await credentials;
		},
		async connection() {
			return {
				credentials: await client.credentials(),
				send: async (request) =>
					(await ctx.helpers.httpRequestWithAuthentication.call(
						ctx,
						credentialType,
						request,
					)) as RawResponse,
			};
		},
		async baseUrl() {
			const found = await client.credentials();
			return route === 'rest' ? partnerBaseUrl(found) : resolveBaseUrl(found);
		},
		async account() {
			const found = await client.credentials();
			return String((route === 'rest' ? found.applicationId : found.username) ?? '');
		},
		async school(schoolId) {
			if (schoolId !== undefined) return schoolId;
			return schoolOrCredential(undefined, (await client.credentials()).schoolId);
		},
	};
	return client;
}
