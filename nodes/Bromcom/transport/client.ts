/**
 * The front door to Bromcom for one run: which route (SOAP third-party services or the Partner API)
 * the node's Authentication chose, its credential type, the credential, its base URL, the account and
 * the school a request is for are worked out here, once (n8n's MySQL v2 node resolves its connection
 * the same way). Reads, writes, the entity list and a write's dry-run preview go through the client it
 * returns, which hands them to the SOAP client (soap.ts) or the Partner API client (rest.ts): the
 * route is branched on here and nowhere else. The credential is read once, typed (credentials.ts). The
 * school fallback itself is core/ids.ts's schoolOrCredential.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { PARTNER_ENTITY_NAMES } from '../core/catalog';
import { schoolOrCredential } from '../core/ids';
import {
	buildEnvelope,
	CREDENTIAL_PLACEHOLDERS,
	serviceUrl,
	soapAction,
	type OperationSpec,
	type ParamValue,
} from '../core/wire/envelope';
import { BromcomError, redact } from '../core/wire/errors';
import { parseRestWriteResult, parseWriteResult } from '../core/wire/writeResult';
import { escapeXml } from '../core/wire/xml';
import {
	secretsOf,
	type BromcomContext,
	type CallOptions,
	type Connection,
	type RawResponse,
	type ReadOptions,
	type StreamedDataSet,
} from './http';
import {
	CREDENTIAL_TYPE,
	misApiCredentials,
	partnerApiCredentials,
	PARTNER_CREDENTIAL_TYPE,
	type BromcomCredentials,
} from './credentials';
import { partnerBaseUrl, restPost, restRead, type RestConnection } from './rest';
import { findEntitiesWith, resolveBaseUrl, soapRead, soapWrite, type SoapConnection } from './soap';

export { CREDENTIAL_TYPE, PARTNER_CREDENTIAL_TYPE, resolveBaseUrl };

/** The node's Authentication parameter: which of the two routes into Bromcom it uses. */
export const AUTHENTICATION = {
	/** SOAP third-party services with a third-party user (credential Bromcom MIS API). */
	soap: 'thirdPartyUser',
	/** The Partner API (REST) with a partner application (credential Bromcom Partner API). */
	rest: 'partnerApplication',
} as const;

export type Route = 'soap' | 'rest';

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

/** The credential's School ID (NaN when it is not a Bromcom ID). */
export async function credentialSchoolId(ctx: BromcomContext): Promise<number> {
	return (await clientFor(ctx).school(undefined)) ?? NaN;
}

/**
 * One write, as each route sends it: a SOAP write-service operation, a Partner API `POST /v2/<entity>`
 * (its body holds the School ID), or both (the client sends the one its route offers).
 */
export interface WriteCall {
	soap?: { wireName: string; spec: OperationSpec; values: Record<string, ParamValue> };
	rest?: { entity: string; body: Record<string, unknown> };
}

/** What Bromcom answered to a write (core/wire/writeResult.ts). */
export type WriteAnswer = ReturnType<typeof parseWriteResult>;

/**
 * What a run knows about its way into Bromcom. The route and credential type are read at once; the
 * credential is fetched on first use and kept, so nothing is asked of n8n that the run does not need.
 */
export interface BromcomClient {
	readonly route: Route;
	readonly credentialType: string;
	/** The credential, typed (credentials.ts), read once. */
	credentials(): Promise<BromcomCredentials>;
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
	/** Reads an entity, streamed, with the read policy (getEntityDataBySchoolID, or GET /v2/<entity>). */
	read(entityName: string, entityFilter: string, options?: ReadOptions): Promise<StreamedDataSet>;
	/**
	 * The entities the account may read, and whether that list is Bromcom's answer: the SOAP route asks
	 * (findEntitiesBySchoolID); the Partner API has no such call, so its names are the known ones,
	 * unverified.
	 */
	listEntities(options?: CallOptions): Promise<{ names: string[]; verified: boolean }>;
	/** Throws (nothing sent) when this route does not offer the write. */
	checkWrite(call: WriteCall): void;
	/** What a dry run shows of the write: the request, with the secret masked. */
	preview(call: WriteCall): Promise<IDataObject>;
	/**
	 * Sends the write and returns the answer's text (the Partner API's redacted) and, on the Partner
	 * API, its HTTP status. Never re-sent once any byte may have reached Bromcom (policy `write`).
	 */
	write(call: WriteCall, options?: CallOptions): Promise<{ text: string; statusCode?: number }>;
	/** Reads a write's answer; the Partner API's `"success": false` is thrown. */
	writeAnswer(text: string, wireName: string): WriteAnswer;
}

export function clientFor(ctx: BromcomContext): BromcomClient {
	const route = routeOf(ctx);
	const credentialType = credentialTypeFor(route);
	let credentials: Promise<BromcomCredentials> | undefined;
	const partner = (connection: Connection): connection is RestConnection =>
		connection.credentials.type === PARTNER_CREDENTIAL_TYPE;
	const client: BromcomClient = {
		route,
		credentialType,
		async credentials() {
			credentials ??= (
				ctx.getCredentials(credentialType) as Promise<ICredentialDataDecryptedObject>
			).then((data) => (route === 'rest' ? partnerApiCredentials(data) : misApiCredentials(data)));
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
			return found.type === PARTNER_CREDENTIAL_TYPE ? partnerBaseUrl(found) : resolveBaseUrl(found);
		},
		async account() {
			const found = await client.credentials();
			return found.type === PARTNER_CREDENTIAL_TYPE ? found.applicationId : found.username;
		},
		async school(schoolId) {
			if (schoolId !== undefined) return schoolId;
			return schoolOrCredential(undefined, (await client.credentials()).schoolId);
		},
		async read(entityName, entityFilter, options = {}) {
			const connection = await client.connection();
			return partner(connection)
				? await restRead(connection, entityName, entityFilter, options)
				: await soapRead(connection as SoapConnection, entityName, entityFilter, options);
		},
		async listEntities(options = {}) {
			// The Partner API has no call listing what a school granted: the known names, unverified.
			if (route === 'rest') return { names: [...PARTNER_ENTITY_NAMES], verified: false };
			const connection = (await client.connection()) as SoapConnection;
			return { names: await findEntitiesWith(connection, options), verified: true };
		},
		checkWrite(call) {
			if (route === 'rest' && call.rest === undefined) {
				throw new BromcomError({
					kind: 'invalidInput',
					message: `${call.soap?.wireName ?? 'This write'} is a write of Bromcom's SOAP write service, which the Partner API does not offer: in the Credential field, choose a Bromcom MIS API credential (a third-party user). Nothing was sent.`,
					notSent: true,
				});
			}
			if (route === 'soap' && call.soap === undefined) {
				throw new BromcomError({
					kind: 'invalidInput',
					message:
						'This write exists only on the Partner API: in the Credential field, choose a Bromcom Partner API credential (the node then uses the Partner API). Nothing was sent.',
					notSent: true,
				});
			}
		},
		async preview(call) {
			client.checkWrite(call);
			if (route === 'rest') {
				const rest = call.rest as NonNullable<WriteCall['rest']>;
				return {
					method: 'POST',
					url: `${await client.baseUrl()}/v2/${rest.entity}`,
					headers: {
						ApplicationId: await client.account(),
						ApplicationSecret: '***',
						'Content-Type': 'application/json; charset=utf-8',
					},
					body: JSON.stringify(rest.body),
				};
			}
			const soap = call.soap as NonNullable<WriteCall['soap']>;
			const account = await client.account();
			const body = buildEnvelope(soap.wireName, soap.spec, soap.values)
				.replace(CREDENTIAL_PLACEHOLDERS.username, () => escapeXml(account))
				.replace(CREDENTIAL_PLACEHOLDERS.password, '***');
			return {
				url: serviceUrl(await client.baseUrl(), soap.spec.service),
				soapAction: soapAction(soap.wireName),
				body,
			};
		},
		async write(call, options = {}) {
			client.checkWrite(call);
			const connection = await client.connection();
			if (partner(connection)) {
				const rest = call.rest as NonNullable<WriteCall['rest']>;
				const answer = await restPost(connection, rest.entity, rest.body, options);
				// The answer's text may echo anything: it is shown (in messages and the audit) redacted.
				return {
					text: redact(answer.text, secretsOf(connection.credentials)),
					statusCode: answer.statusCode,
				};
			}
			const soap = call.soap as NonNullable<WriteCall['soap']>;
			return {
				text: await soapWrite(
					connection as SoapConnection,
					soap.wireName,
					soap.spec,
					soap.values,
					options,
				),
			};
		},
		writeAnswer(text, wireName) {
			if (route === 'soap') return parseWriteResult(text, wireName);
			const answer = parseRestWriteResult(text);
			if (answer.recognised && answer.value === false) {
				throw new BromcomError({
					kind: 'serviceFault',
					message: `The Partner API answered "success": false to ${wireName}${answer.raw ? `: ${answer.raw}` : ''}: the write was not applied`,
					route: 'rest',
				});
			}
			return answer;
		},
	};
	return client;
}
