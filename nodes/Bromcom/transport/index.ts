/**
 * The SOAP transport: envelope → n8n's authenticated HTTP helper → fault or DataSet.
 *
 * Requests go through `httpRequestWithAuthentication`, so the credential's `authenticate` puts the
 * secrets into the body, and n8n's proxy, SSRF and cancellation handling apply. Faults arrive as
 * HTTP 500 with the fault in the body (ASMX), so status errors are not thrown by the helper: the body
 * is read and classified here. Errors thrown from this module never carry the request (which holds
 * the password) or the helper's original error object.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DataSetReader, type DataSetRow, type ParsedDataSet } from '../core/wire/dataset';
import { BromcomError, CODE_WORDS, redact, withoutErrorCodes } from '../core/wire/errors';
import { FIX_HINTS } from '../n8n/errors';
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
import { parseBromcomId } from '../core/ids';
import { delayMs, parseRetryAfter, POLICY, shouldRetry, type CallKind } from '../core/policy';

export const CREDENTIAL_TYPE = 'bromcomMisApi';

/** Generous by default: .NET clients of this API wait 10–11 minutes for large pulls (docs/bromcom-facts.md, Paging, size and time). */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

export type BromcomContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

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

export interface CallOptions {
	/** School to act on; defaults to the credential's School ID. */
	schoolId?: number;
	itemIndex?: number;
	timeoutMs?: number;
	/** Attempts for transient failures (1 = no retry). */
	attempts?: number;
	/** What the user was doing, for messages: "reading Students". */
	action?: string;
}

interface CallTarget {
	operation: string;
	spec: OperationSpec;
	values: Record<string, ParamValue>;
}

const TRANSIENT_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ECONNREFUSED',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);
/** Failures before any byte of the request could have reached Bromcom. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function networkError(error: unknown, secrets: string[]): BromcomError {
	const e = error as {
		cause?: { code?: string; message?: string };
		code?: string;
		message?: string;
	};
	const code = String(e?.cause?.code ?? e?.code ?? '');
	const raw = String(e?.cause?.message ?? e?.message ?? 'unknown error');
	const detail = withoutErrorCodes(redact(raw, secrets));
	if (code === 'ENOTFOUND' || /ENOTFOUND|getaddrinfo/i.test(raw)) {
		return new BromcomError({
			kind: 'unexpectedPayload',
			message:
				'The Bromcom host name could not be found. Check Hosting (or the Base URL) in the credential.',
			notSent: true,
		});
	}
	if (/certificate|self.signed|CERT_/i.test(`${code} ${raw}`)) {
		return new BromcomError({
			kind: 'unexpectedPayload',
			message:
				'The server\'s TLS certificate was not accepted. For a self-hosted test install, enable "Ignore SSL Issues" in the credential.',
			notSent: true,
		});
	}
	const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${raw}`);
	if (
		TRANSIENT_CODES.has(code) ||
		timedOut ||
		/socket hang up|network|ECONNRESET|EPIPE/i.test(raw)
	) {
		return new BromcomError({
			kind: 'transient',
			message: timedOut
				? 'Bromcom did not answer before the timeout.'
				: `The connection to Bromcom failed: ${CODE_WORDS[code] ?? detail}.`,
			notSent: NOT_SENT_CODES.has(code),
		});
	}
	return new BromcomError({
		kind: 'transient',
		message: `The request to Bromcom failed: ${detail}`,
	});
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
	if (statusCode === 503 || statusCode === 502 || statusCode === 504 || statusCode === 429) {
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

function headerOf(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers))
		if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
	return undefined;
}

/** A 3xx is never followed: the SOAP body holds the password, and another host's answer is not Bromcom's. */
function redirectError(
	statusCode: number,
	headers: Record<string, unknown>,
	requestUrl: string,
): BromcomError {
	const location = headerOf(headers, 'location');
	let where = 'another address';
	if (location) {
		try {
			const target = new URL(location, requestUrl);
			target.username = '';
			target.password = '';
			where = `${target.origin}${target.pathname}`;
		} catch {
			where = 'an unreadable address';
		}
	}
	return new BromcomError({
		kind: 'unexpectedPayload',
		message: `The Base URL redirects (HTTP ${statusCode}) to ${where}: check Hosting (or the Base URL) in the credential. Redirects are not followed, so nothing was sent there.`,
		httpCode: statusCode,
	});
}

async function credentialsOf(ctx: BromcomContext): Promise<ICredentialDataDecryptedObject> {
	return (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
}

type RawResponse = { body: unknown; statusCode: number; headers?: Record<string, unknown> };

/** Who sends a request, with which credential: a node's context, or n8n's credential tester. */
export interface Connection {
	credentials: ICredentialDataDecryptedObject;
	send(request: IHttpRequestOptions): Promise<RawResponse>;
}

/** A node's, trigger's or picker's connection: n8n's authenticated HTTP helper. */
async function connectionOf(ctx: BromcomContext): Promise<Connection> {
	return {
		credentials: await credentialsOf(ctx),
		send: async (request) =>
			(await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				request,
			)) as RawResponse,
	};
}

/**
 * The credential tester's connection. n8n hands a credential test only its legacy `request` helper
 * and the decrypted credential, so the placeholders are filled here with the credential's own
 * function; the request is otherwise the same (streamed, no redirects, the same deadline).
 */
export function credentialTestConnection(
	ctx: ICredentialTestFunctions,
	credentials: ICredentialDataDecryptedObject,
): Connection {
	return {
		credentials,
		send: async (request) => {
			const response = (await ctx.helpers.request({
				method: request.method,
				uri: request.url,
				headers: request.headers,
				body: fillCredentialPlaceholders(String(request.body ?? ''), credentials),
				resolveWithFullResponse: true,
				simple: false,
				followRedirect: false,
				followAllRedirects: false,
				useStream: true,
				json: false,
				timeout: request.timeout,
				rejectUnauthorized: credentials.ignoreSslIssues !== true,
			})) as { body: unknown; statusCode: number; headers?: Record<string, unknown> };
			return { body: response.body, statusCode: response.statusCode, headers: response.headers };
		},
	};
}

/** What the client redacts from every text it surfaces. */
export function secretsOf(credentials: ICredentialDataDecryptedObject): string[] {
	return [String(credentials.password ?? '')];
}

/** The body of an HTTP response as n8n's helper hands it over with `encoding: 'stream'`. */
interface BodyStream extends AsyncIterable<Uint8Array | string> {
	destroy?: (error?: Error) => void;
}

/** Error and non-DataSet bodies are read up to this size, enough for any fault or error page. */
const ERROR_BODY_CAP = 1024 * 1024;
/** A 200 whose first bytes hold no DataSet schema after this much text is not a DataSet. */
const SCHEMA_SEARCH_CAP = 16 * 1024 * 1024;
/** No single row, tag or schema may make the reader hold more than this. */
const PENDING_CAP = 256 * 1024 * 1024;

type Decoder = InstanceType<typeof TextDecoder>;

function decoderFor(headers: Record<string, unknown>): Decoder {
	const charset = /charset\s*=\s*"?([\w-]+)/i.exec(headerOf(headers, 'content-type') ?? '')?.[1];
	try {
		return new TextDecoder(charset ?? 'utf-8');
	} catch {
		return new TextDecoder('utf-8');
	}
}

/** Decoded text chunks of a body; multi-byte characters split across chunks decode whole. */
async function* textChunks(body: BodyStream, decoder: Decoder): AsyncGenerator<string> {
	for await (const chunk of body) {
		const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		if (text.length > 0) yield text;
	}
	const rest = decoder.decode();
	if (rest.length > 0) yield rest;
}

async function readText(body: BodyStream, decoder: Decoder, cap: number): Promise<string> {
	let text = '';
	for await (const chunk of textChunks(body, decoder)) {
		text += chunk;
		if (text.length >= cap) break;
	}
	return text.slice(0, cap);
}

/** What one exchange hands to its consumer: the decoded body, chunk by chunk. */
export interface ResponseBody {
	statusCode: number;
	chunks: AsyncIterable<string>;
	/** Stops reading: the connection is closed and nothing more is downloaded. */
	stop(): void;
}

function deadlineError(timeoutMs: number): BromcomError {
	return new BromcomError({
		kind: 'transient',
		message: `Bromcom did not finish answering within the timeout (${Math.round(timeoutMs / 1000)} s, Options > Timeout).`,
	});
}

/** Any failure as a BromcomError: nothing untyped leaves the client. */
function asBromcomError(error: unknown, secrets: string[]): BromcomError {
	if (error instanceof BromcomError) return error;
	return networkError(error, secrets);
}

/**
 * One HTTP exchange, no retries. The response is streamed: `consume` reads the decoded body chunk by
 * chunk (and may stop early); the whole text is never held. Redirects are not followed. Options >
 * Timeout is a deadline for the whole exchange, connection to last byte. Every error is a
 * BromcomError with the credential's secrets removed, at any HTTP status.
 */
async function exchange<T>(
	connection: Connection,
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
	if (
		usesSchool &&
		options.schoolId === undefined &&
		parseBromcomId(credentials.schoolId) === undefined
	) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `The credential's School ID "${String(credentials.schoolId ?? '')}" is not a Bromcom School ID: enter the number shown under Modules > Setup > School Details (for example 20001).`,
			notSent: true,
		});
	}
	const values = { ...target.values };
	if (options.schoolId !== undefined) {
		for (const [name] of target.spec.params)
			if (name === 'schoolID' || name === 'schoolId') values[name] = options.schoolId;
	}
	const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const url = serviceUrl(baseUrl, service);
	const request: IHttpRequestOptions = {
		method: 'POST',
		url,
		headers: {
			'Content-Type': 'text/xml; charset=utf-8',
			SOAPAction: soapAction(target.operation),
		},
		body: buildEnvelope(target.operation, target.spec, values),
		encoding: 'stream',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		timeout: timeoutMs,
	};

	let stream: BodyStream | undefined;
	let expiredAlready = false;
	const stop = () => {
		try {
			stream?.destroy?.();
		} catch {
			// already closed
		}
	};
	const deadline = AbortSignal.timeout(timeoutMs);
	let onDeadline: () => void = () => undefined;
	const expired = new Promise<never>((_resolve, reject) => {
		onDeadline = () => {
			expiredAlready = true;
			stop();
			reject(deadlineError(timeoutMs));
		};
		deadline.addEventListener('abort', onDeadline, { once: true });
	});
	expired.catch(() => undefined);

	const work = (async () => {
		let response: RawResponse;
		try {
			response = await connection.send(request);
		} catch (error) {
			throw networkError(error, secrets);
		}
		const body = response.body as BodyStream | string | Buffer | undefined;
		stream =
			body !== null && typeof body === 'object' && Symbol.asyncIterator in body
				? (body as BodyStream)
				: undefined;
		if (expiredAlready) {
			stop();
			throw deadlineError(timeoutMs);
		}
		const source: BodyStream =
			stream ??
			(async function* () {
				yield typeof body === 'string'
					? body
					: Buffer.isBuffer(body)
						? body.toString('utf8')
						: String(body ?? '');
			})();
		const headers = response.headers ?? {};
		const decoder = decoderFor(headers);
		if (response.statusCode >= 300 && response.statusCode < 400) {
			stop();
			throw redirectError(response.statusCode, headers, url);
		}
		if (response.statusCode >= 300) {
			let text = '';
			try {
				text = await readText(source, decoder, ERROR_BODY_CAP);
			} catch {
				// A broken error body still tells its status.
			}
			throw responseError(response.statusCode, text, headers);
		}
		try {
			return await consume({
				statusCode: response.statusCode,
				chunks: textChunks(source, decoder),
				stop,
			});
		} catch (error) {
			throw asBromcomError(error, secrets);
		}
	})();
	work.catch(() => undefined);

	try {
		return await Promise.race([work, expired]);
	} catch (error) {
		throw asBromcomError(error, secrets).mapText((text) =>
			withoutErrorCodes(redact(text, secrets)),
		);
	} finally {
		deadline.removeEventListener('abort', onDeadline);
		stop();
	}
}

/** Runs `fn` under the one failure policy: reads retry transient failures, writes only unsent ones. */
async function withPolicy<T>(kind: CallKind, attempts: number, fn: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await fn();
		} catch (error) {
			failure = error;
		}
		// BromcomErrors travel up to the operation, which turns them into n8n errors per item.
		if (!(failure instanceof BromcomError) || !shouldRetry(kind, failure, attempt, attempts))
			throw failure;
		await sleep(delayMs(attempt, failure));
	}
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
export async function callWrite(
	ctx: BromcomContext,
	wireName: string,
	spec: OperationSpec,
	values: Record<string, ParamValue>,
	options: CallOptions = {},
): Promise<string> {
	const target = checkedTarget(wireName, spec, values);
	const connection = await connectionOf(ctx);
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

export interface ReadOptions extends CallOptions {
	/** Stop reading (and close the connection) once this many rows have been parsed. */
	maxRows?: number;
	/**
	 * Rows go to a consumer as they are parsed instead of being kept: memory is bound by what the
	 * consumer keeps, not by the response. Called once per attempt, so a retried read starts a fresh
	 * consumer and nothing is counted twice; the result's `rows` is then empty.
	 */
	consumer?: () => (rows: DataSetRow[]) => void;
}

export interface StreamedDataSet extends ParsedDataSet {
	/** True when Limit stopped the read before the end of the data. */
	truncated: boolean;
}

/** Reads a DataSet operation's answer as it streams in, one attempt. */
async function readDataSetOnce(
	connection: Connection,
	target: CallTarget,
	options: ReadOptions,
): Promise<StreamedDataSet> {
	return await exchange(connection, target.spec.service, target, options, async (body) => {
		const reader = new DataSetReader();
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
export async function getEntityData(
	ctx: BromcomContext,
	entityName: string,
	entityFilter: string,
	options: ReadOptions = {},
): Promise<StreamedDataSet> {
	const target = checkedTarget(
		'getEntityDataBySchoolID',
		OPERATIONS.getEntityDataBySchoolID as OperationSpec,
		{ entityName, entityFilter },
	);
	const connection = await connectionOf(ctx);
	return await withPolicy(
		'read',
		options.attempts ?? POLICY.attempts,
		async () => await readDataSetOnce(connection, target, options),
	);
}

async function findEntitiesWith(connection: Connection, options: CallOptions): Promise<string[]> {
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

export async function findEntities(
	ctx: BromcomContext,
	options: CallOptions = {},
): Promise<string[]> {
	return await findEntitiesWith(await connectionOf(ctx), options);
}

/**
 * The credential test (`methods.credentialTest.bromcomMisApiTest` of every node): a real
 * findEntitiesBySchoolID through the same client. It passes only on a real DataSet that grants at
 * least one entity, and says how many; anything else is the client's own typed, redacted error.
 */
export async function testCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = (credential.data ?? {}) as ICredentialDataDecryptedObject;
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
	const school = String(credentials.schoolId ?? '');
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

export async function credentialSchoolId(ctx: BromcomContext): Promise<number> {
	return parseBromcomId((await credentialsOf(ctx)).schoolId) ?? NaN;
}
