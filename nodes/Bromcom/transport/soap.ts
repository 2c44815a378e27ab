/**
 * The SOAP client (third-party services): envelope → n8n's authenticated HTTP helper → fault or
 * DataSet. The one front door is client.ts (`clientFor`), which picks this or the Partner API
 * (rest.ts) by the node's Authentication; nothing outside transport/ calls here directly except the
 * credential test (n8n/authentication.ts).
 *
 * Requests go through `httpRequestWithAuthentication`, so the credential's `authenticate` puts the
 * secrets into the body, and n8n's proxy, SSRF and cancellation handling apply. Faults arrive as
 * HTTP 500 with the fault in the body (ASMX), so status errors are not thrown by the helper: the body
 * is read and classified here. Errors thrown from this module never carry the request (which holds
 * the password) or the helper's original error object.
 */
import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { DataSetReader, type DataSetRow } from '../core/wire/dataset';
import { BromcomError, redact } from '../core/wire/errors';
import {
	buildEnvelope,
	fillCredentialPlaceholders,
	OPERATIONS,
	serviceUrl,
	soapAction,
	type OperationSpec,
	type ParamValue,
	type ServiceName,
} from '../core/wire/envelope';
import { faultToError, notADataSet, parseFault } from '../core/wire/fault';
import { schoolOrCredential } from '../core/ids';
import { parseRetryAfter, POLICY, RETRY_STATUSES } from '../core/policy';
import {
	DEFAULT_TIMEOUT_MS,
	ERROR_BODY_CAP,
	headerOf,
	PENDING_CAP,
	SCHEMA_SEARCH_CAP,
	secretsOf,
	streamExchange,
	testerConnection,
	withPolicy,
	type CallOptions,
	type Connection,
	type ReadOptions,
	type ResponseBody,
	type StreamedDataSet,
} from './http';
import type { BromcomMisApiCredentials } from './credentials';

/** A connection over a Bromcom MIS API credential: the only one the SOAP services take. */
export type SoapConnection = Connection<BromcomMisApiCredentials>;

const HOSTS: Record<string, string> = {
	cloud: 'https://cloudmis.bromcom.com',
	scomis: 'https://bromcom.scomis.org',
};

/** The credential's base URL (kept in step with the credential test's URL expression). */
export function resolveBaseUrl(credentials: BromcomMisApiCredentials): string {
	const hosting = credentials.hosting;
	if (hosting === 'custom') return credentials.baseUrl.trim().replace(/\/+$/, '');
	if (hosting === 'regional') return `https://cloudmis-${credentials.region.trim()}.bromcom.com`;
	return HOSTS[hosting] ?? HOSTS.cloud;
}

interface CallTarget {
	operation: string;
	spec: OperationSpec;
	values: Record<string, ParamValue>;
}

/** Classifies a non-DataSet answer by HTTP status and body. */
export function responseError(
	statusCode: number,
	body: string,
	headers: Record<string, unknown> = {},
): BromcomError {
	const fault = parseFault(body);
	if (fault) return faultToError(fault, statusCode);
	const retryAfterMs = parseRetryAfter(headerOf(headers, 'retry-after'));
	if (RETRY_STATUSES.has(statusCode)) {
		const wait =
			retryAfterMs === undefined
				? ''
				: ` It asked to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying.`;
		const what =
			statusCode === 429
				? 'Bromcom is limiting requests (HTTP 429).'
				: `Bromcom is temporarily unavailable (HTTP ${statusCode}).`;
		return new BromcomError({
			kind: 'transient',
			message: `${what}${wait}`,
			httpCode: statusCode,
			retryAfterMs,
		});
	}
	if (statusCode >= 500) {
		const page = notADataSet(body);
		const what = /web page|login page/.test(page.message) ? 'an error page' : 'no SOAP fault';
		return new BromcomError({
			kind: 'transient',
			message: `Bromcom's server failed with HTTP ${statusCode} and ${what}.`,
			httpCode: statusCode,
			retryAfterMs,
		});
	}
	if (statusCode === 404) {
		return new BromcomError({
			kind: 'unexpectedPayload',
			message: 'No Bromcom web service answers at this address (HTTP 404).',
			httpCode: statusCode,
		});
	}
	if (statusCode >= 400) {
		return new BromcomError({
			kind: 'unexpectedPayload',
			message: `Bromcom answered HTTP ${statusCode}.`,
			httpCode: statusCode,
		});
	}
	return notADataSet(body);
}

/**
 * The credential tester's connection: the placeholders are filled with the credential's own function
 * (n8n hands a credential test only its legacy `request` helper and the decrypted credential).
 */
export function credentialTestConnection(
	ctx: ICredentialTestFunctions,
	credentials: BromcomMisApiCredentials,
): SoapConnection {
	return testerConnection(ctx, credentials, (request) => ({
		headers: request.headers,
		body: fillCredentialPlaceholders(String(request.body ?? ''), credentials),
		rejectUnauthorized: !credentials.ignoreSslIssues,
	}));
}

/**
 * One HTTP exchange, no retries. The response is streamed: `consume` reads the decoded body chunk by
 * chunk (and may stop early); the whole text is never held. Redirects are not followed. Options >
 * Timeout is a deadline for the whole exchange, connection to last byte. Every error is a
 * BromcomError with the credential's secrets removed, at any HTTP status.
 */
async function exchange<T>(
	connection: SoapConnection,
	service: ServiceName,
	target: CallTarget,
	options: CallOptions,
	consume: (body: ResponseBody) => Promise<T>,
): Promise<T> {
	const credentials = connection.credentials;
	const secrets = secretsOf(credentials);
	const baseUrl = resolveBaseUrl(credentials);
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `The credential's Base URL "${redact(baseUrl, secrets)}" is not an http(s) address.`,
			notSent: true,
		});
	}
	const usesSchool = target.spec.params.some(
		([name]) => name === 'schoolID' || name === 'schoolId',
	);
	if (usesSchool && schoolOrCredential(options.schoolId, credentials.schoolId) === undefined) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `The credential's School ID "${credentials.schoolId}" is not a Bromcom School ID: enter the number shown under Modules > Setup > School Details (for example 20001).`,
			notSent: true,
		});
	}
	const values = { ...target.values };
	if (options.schoolId !== undefined) {
		for (const [name] of target.spec.params)
			if (name === 'schoolID' || name === 'schoolId') values[name] = options.schoolId;
	}
	const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: serviceUrl(baseUrl, service),
		headers: {
			'Content-Type': 'text/xml; charset=utf-8',
			SOAPAction: soapAction(target.operation),
		},
		body: buildEnvelope(target.operation, target.spec, values),
	};
	return await streamExchange(connection, request, secrets, timeoutMs, responseError, consume);
}

function checkedTarget(
	wireName: string,
	spec: OperationSpec,
	values: Record<string, ParamValue>,
): CallTarget {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(wireName)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `"${wireName}" is not a valid SOAP operation name.`,
			notSent: true,
		});
	}
	return { operation: wireName, spec, values };
}

/**
 * Calls a write operation (`wireName` with a catalogue operation's parameters) and returns the
 * response text. Never re-sent once any byte may have reached Bromcom (policy `write`).
 */
export async function soapWrite(
	connection: SoapConnection,
	wireName: string,
	spec: OperationSpec,
	values: Record<string, ParamValue>,
	options: CallOptions = {},
): Promise<string> {
	const target = checkedTarget(wireName, spec, values);
	return await withPolicy(
		'write',
		options.attempts ?? POLICY.attempts,
		async () =>
			await exchange(connection, spec.service, target, options, async (body) => {
				let text = '';
				for await (const chunk of body.chunks) {
					text += chunk;
					if (text.length > ERROR_BODY_CAP) break;
				}
				return text;
			}),
	);
}

/** Reads a DataSet operation's answer as it streams in, one attempt. */
async function readDataSetOnce(
	connection: SoapConnection,
	target: CallTarget,
	options: ReadOptions,
): Promise<StreamedDataSet> {
	return await exchange(connection, target.spec.service, target, options, async (body) => {
		const reader = new DataSetReader({ columns: options.columns });
		const rows: DataSetRow[] = [];
		const consume = options.consumer?.();
		const max = options.maxRows ?? Infinity;
		let kept = 0;
		let truncated = false;
		let seen = 0;
		for await (const chunk of body.chunks) {
			seen += chunk.length;
			const batch = reader.write(chunk);
			if (batch.length > 0) {
				const room = max - kept;
				const take = batch.length > room ? batch.slice(0, room) : batch;
				if (consume) consume(take);
				else for (let k = 0; k < take.length; k++) rows.push(take[k]);
				kept += take.length;
				if (kept >= max) {
					truncated = true;
					body.stop();
					break;
				}
			}
			if (reader.awaitingSchema && seen > SCHEMA_SEARCH_CAP) {
				body.stop();
				throw notADataSet(reader.pendingText.slice(0, ERROR_BODY_CAP));
			}
			if (reader.buffered > PENDING_CAP) {
				body.stop();
				throw new BromcomError({
					kind: 'unexpectedPayload',
					message:
						'The Bromcom response holds a single row or tag larger than 256 MB: it is not a DataSet this node can read.',
				});
			}
		}
		if (!truncated) reader.end();
		const schema = reader.schema;
		if (!schema) throw notADataSet(reader.pendingText.slice(0, ERROR_BODY_CAP));
		return { ...schema, columns: schema.tables[0]?.columns ?? [], rows, truncated };
	});
}

/** Reads an entity (getEntityDataBySchoolID), streamed, with the read policy. */
export async function soapRead(
	connection: SoapConnection,
	entityName: string,
	entityFilter: string,
	options: ReadOptions = {},
): Promise<StreamedDataSet> {
	const target = checkedTarget(
		'getEntityDataBySchoolID',
		OPERATIONS.getEntityDataBySchoolID as OperationSpec,
		{ entityName, entityFilter },
	);
	return await withPolicy(
		'read',
		options.attempts ?? POLICY.attempts,
		async () => await readDataSetOnce(connection, target, options),
	);
}

/** The entities granted to the account (findEntitiesBySchoolID) over `connection`. */
export async function findEntitiesWith(
	connection: SoapConnection,
	options: CallOptions,
): Promise<string[]> {
	const target = checkedTarget(
		'findEntitiesBySchoolID',
		OPERATIONS.findEntitiesBySchoolID as OperationSpec,
		{},
	);
	const data = await withPolicy(
		'read',
		options.attempts ?? POLICY.attempts,
		async () => await readDataSetOnce(connection, target, options),
	);
	return data.rows.map((r) => String(r.EntityName ?? '')).filter((n) => n.length > 0);
}
