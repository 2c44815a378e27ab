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
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { parseDataSet, type ParsedDataSet } from '../wire/dataset';
import { BromcomError, FIX_HINTS, redact, type BromcomErrorKind } from '../wire/errors';
import { buildEnvelope, OPERATIONS, serviceUrl, soapAction, type OperationName, type OperationSpec, type ParamValue, type ServiceName } from '../wire/envelope';
import { faultToError, notADataSet, parseFault } from '../wire/fault';

export const CREDENTIAL_TYPE = 'bromcomMisApi';

/** Generous by default: .NET clients of this API wait 10–11 minutes for large pulls (S4–S6). */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

export type BromcomContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

const HOSTS: Record<string, string> = {
	cloud: 'https://cloudmis.bromcom.com',
	scomis: 'https://bromcom.scomis.org',
};

/** The credential's base URL (kept in step with the credential test's URL expression). */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const hosting = String(credentials.hosting ?? 'cloud');
	if (hosting === 'custom') return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (hosting === 'regional') return `https://cloudmis-${String(credentials.region ?? '').trim()}.bromcom.com`;
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

export interface SoapResult {
	body: string;
	statusCode: number;
}

interface CallTarget {
	operation: string;
	spec: OperationSpec;
	values: Record<string, ParamValue>;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET']);
/** Failures before any byte of the request could have reached Bromcom. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/**
 * Socket error codes in words. n8n's NodeApiError replaces any message that merely contains a code
 * such as ECONNRESET with its own generic text, so codes never appear in our messages.
 */
const CODE_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection was aborted',
	ESOCKETTIMEDOUT: 'the connection timed out',
	EPIPE: 'the connection broke',
	EAI_AGAIN: 'the DNS lookup failed',
	ENOTFOUND: 'the host name was not found',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
	EADDRNOTAVAIL: 'the address is not available',
	GETADDRINFO: 'the host name lookup failed',
	UND_ERR_SOCKET: 'the connection failed',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the connection timed out',
	// The rest of n8n's list (n8n-workflow errors/abstract/node.error.js COMMON_ERRORS).
	ERRADDRINUSE: 'the address is in use',
	ENOENT: 'a file was not found',
	EISDIR: 'a path is a directory',
	ENOTDIR: 'a path is not a directory',
	EACCES: 'access was denied',
	EEXIST: 'it already exists',
	EPERM: 'the operation was not permitted',
};

export function withoutErrorCodes(text: string): string {
	return text.replace(/\b(?:read |write |connect |getaddrinfo )?([A-Z][A-Z_]{3,})\b/g, (whole, code: string) => CODE_WORDS[code] ?? whole);
}

function networkError(error: unknown, secrets: string[]): BromcomError {
	const e = error as { cause?: { code?: string; message?: string }; code?: string; message?: string };
	const code = String(e?.cause?.code ?? e?.code ?? '');
	const raw = String(e?.cause?.message ?? e?.message ?? 'unknown error');
	const detail = withoutErrorCodes(redact(raw, secrets));
	if (code === 'ENOTFOUND' || /ENOTFOUND|getaddrinfo/i.test(raw)) {
		return new BromcomError({ kind: 'unexpectedPayload', message: 'The Bromcom host name could not be found. Check Hosting (or the Base URL) in the credential.', notSent: true });
	}
	if (/certificate|self.signed|CERT_/i.test(`${code} ${raw}`)) {
		return new BromcomError({
			kind: 'unexpectedPayload',
			message: 'The server\'s TLS certificate was not accepted. For a self-hosted test install, enable "Ignore SSL Issues" in the credential.',
			notSent: true,
		});
	}
	const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${raw}`);
	if (TRANSIENT_CODES.has(code) || timedOut || /socket hang up|network|ECONNRESET|EPIPE/i.test(raw)) {
		return new BromcomError({
			kind: 'transient',
			message: timedOut ? 'Bromcom did not answer before the timeout.' : `The connection to Bromcom failed: ${CODE_WORDS[code] ?? detail}.`,
			notSent: NOT_SENT_CODES.has(code),
		});
	}
	return new BromcomError({ kind: 'transient', message: `The request to Bromcom failed: ${detail}` });
}

/** Classifies a non-DataSet answer by HTTP status and body. */
export function responseError(statusCode: number, body: string): BromcomError {
	const fault = parseFault(body);
	if (fault) return faultToError(fault, statusCode);
	if (statusCode === 503 || statusCode === 502 || statusCode === 504 || statusCode === 429) {
		return new BromcomError({ kind: 'transient', message: `Bromcom is temporarily unavailable (HTTP ${statusCode}).`, httpCode: statusCode });
	}
	if (statusCode >= 500) {
		return new BromcomError({ kind: 'transient', message: `Bromcom's server failed with HTTP ${statusCode} and no SOAP fault (an error page).`, httpCode: statusCode });
	}
	if (statusCode === 404) {
		return new BromcomError({ kind: 'unexpectedPayload', message: 'No Bromcom web service answers at this address (HTTP 404).', httpCode: statusCode });
	}
	if (statusCode >= 400) {
		return new BromcomError({ kind: 'unexpectedPayload', message: `Bromcom answered HTTP ${statusCode}.`, httpCode: statusCode });
	}
	return notADataSet(body);
}

async function credentialsOf(ctx: BromcomContext): Promise<ICredentialDataDecryptedObject> {
	return (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
}

function secretsOf(credentials: ICredentialDataDecryptedObject): string[] {
	return [String(credentials.password ?? '')];
}

/** One HTTP exchange, no retries. Throws BromcomError only. */
async function exchange(ctx: BromcomContext, service: ServiceName, target: CallTarget, options: CallOptions): Promise<SoapResult> {
	const credentials = await credentialsOf(ctx);
	const secrets = secretsOf(credentials);
	const baseUrl = resolveBaseUrl(credentials);
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `The credential's Base URL "${baseUrl}" is not an http(s) address.`,
			notSent: true,
		});
	}
	const values = { ...target.values };
	if (options.schoolId !== undefined) {
		for (const [name] of target.spec.params) if (name === 'schoolID' || name === 'schoolId') values[name] = options.schoolId;
	}
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: serviceUrl(baseUrl, service),
		headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction(target.operation) },
		body: buildEnvelope(target.operation, target.spec, values),
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	let response: { body: unknown; statusCode: number };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, request)) as { body: unknown; statusCode: number };
	} catch (error) {
		throw networkError(error, secrets);
	}
	const body = typeof response.body === 'string' ? response.body : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : String(response.body ?? '');
	if (response.statusCode >= 300) {
		const error = responseError(response.statusCode, body);
		throw redactError(error, secrets);
	}
	return { body, statusCode: response.statusCode };
}

function redactError(error: BromcomError, secrets: string[]): BromcomError {
	return new BromcomError({
		kind: error.kind,
		message: redact(error.message, secrets),
		faultText: error.faultText === undefined ? undefined : redact(error.faultText, secrets),
		faultCode: error.faultCode,
		httpCode: error.httpCode,
		notSent: error.notSent,
	});
}

/** Backoff with full jitter: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffMs(attempt: number, baseMs = 1000): number {
	const ceiling = Math.min(30_000, baseMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export async function withRetry<T>(attempts: number, fn: () => Promise<T>, baseMs = 1000): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await fn();
		} catch (error) {
			failure = error;
		}
		// Internal BromcomErrors travel up to the operation, which turns them into n8n errors per item.
		if (!(failure instanceof BromcomError) || !failure.retryable || attempt >= attempts) throw failure;
		await sleep(backoffMs(attempt, baseMs));
	}
}

/** Calls an operation and returns the raw response body (after fault handling), with retries. */
export async function callOperation(
	ctx: BromcomContext,
	operation: OperationName,
	values: Record<string, ParamValue>,
	options: CallOptions = {},
): Promise<SoapResult> {
	return await callOperationAs(ctx, operation, OPERATIONS[operation] as OperationSpec, values, options);
}

/** Calls `wireName` with a catalogue operation's parameters (for operations whose real name is unsure). */
export async function callOperationAs(
	ctx: BromcomContext,
	wireName: string,
	spec: OperationSpec,
	values: Record<string, ParamValue>,
	options: CallOptions = {},
): Promise<SoapResult> {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(wireName)) {
		throw new BromcomError({ kind: 'invalidInput', message: `"${wireName}" is not a valid SOAP operation name.`, notSent: true });
	}
	return await withRetry(options.attempts ?? 3, async () => await exchange(ctx, spec.service, { operation: wireName, spec, values }, options));
}

export async function getEntityData(
	ctx: BromcomContext,
	entityName: string,
	entityFilter: string,
	options: CallOptions = {},
): Promise<ParsedDataSet> {
	// A cut-off body is retried like any transient failure: re-reading is safe.
	return await withRetry(options.attempts ?? 3, async () => {
		const { body } = await callOperation(ctx, 'getEntityDataBySchoolID', { entityName, entityFilter }, { ...options, attempts: 1 });
		return parseBody(body);
	});
}

function parseBody(body: string): ParsedDataSet {
	let failure: BromcomError;
	try {
		return parseDataSet(body);
	} catch (error) {
		failure = error as BromcomError;
	}
	if (failure instanceof BromcomError && failure.kind === 'unexpectedPayload' && /cut off|ended before/.test(failure.message)) {
		throw new BromcomError({ kind: 'transient', message: failure.message });
	}
	throw failure;
}

export async function findEntities(ctx: BromcomContext, options: CallOptions = {}): Promise<string[]> {
	const { body } = await callOperation(ctx, 'findEntitiesBySchoolID', {}, options);
	const data = parseBody(body);
	return data.rows.map((r) => String(r.EntityName ?? '')).filter((n) => n.length > 0);
}

export async function credentialSchoolId(ctx: BromcomContext): Promise<number> {
	return Number((await credentialsOf(ctx)).schoolId);
}

// ---- n8n errors ---------------------------------------------------------------------------------

const FAILURE_CAUSE: Partial<Record<BromcomErrorKind, 'credential-invalid' | 'configuration-invalid' | 'temporarily-unavailable'>> = {
	credentials: 'credential-invalid',
	school: 'configuration-invalid',
	entityNotPermitted: 'configuration-invalid',
	unknownEntity: 'configuration-invalid',
	badFilter: 'configuration-invalid',
	writeNotPermitted: 'configuration-invalid',
	transient: 'temporarily-unavailable',
};

export interface ErrorContext {
	itemIndex?: number;
	/** The school the request was for ("from the credential" when the node left it empty). */
	school?: string;
	/** What the node was doing, for the description: "listing the entities this account may read". */
	action?: string;
}

/**
 * Turns a BromcomError into the n8n error the user sees: what happened (with Bromcom's own text) and
 * for which school, which screen or field fixes it, and `[item N]` through n8n's itemIndex. The error
 * object holds only this sanitised data.
 */
export function toNodeError(node: INode, error: unknown, context: ErrorContext = {}): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof BromcomError)) {
		return new NodeOperationError(node, error instanceof Error ? error.message : String(error), { itemIndex: context.itemIndex });
	}
	const where = context.school ? ` (school ${context.school})` : '';
	const message = withoutErrorCodes(error.kind === 'invalidInput' ? error.message : `${error.message.replace(/\.$/, '')}${where}.`);
	const description = [context.action ? `While ${context.action}.` : '', FIX_HINTS[error.kind], error.faultText && error.faultText !== error.message ? `Bromcom said: ${error.faultText}` : '']
		.filter(Boolean)
		.join('\n\n');
	if (error.kind === 'invalidInput') {
		return new NodeOperationError(node, message, { itemIndex: context.itemIndex, description });
	}
	const cause = FAILURE_CAUSE[error.kind];
	return new NodeApiError(
		node,
		{ message, kind: error.kind, faultCode: error.faultCode ?? null, httpCode: error.httpCode ?? null } as JsonObject,
		{
			message,
			description,
			itemIndex: context.itemIndex,
			httpCode: error.httpCode === undefined ? undefined : String(error.httpCode),
			...(cause ? { failure: { cause } } : {}),
		},
	);
}
