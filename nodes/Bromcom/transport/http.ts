/**
 * The HTTP exchange both routes share (SOAP in soap.ts, the Partner API in rest.ts): n8n's
 * authenticated helper with the body streamed, redirects never followed, Options > Timeout as a
 * deadline for the whole exchange, every failure a BromcomError with the credential's secrets
 * removed, and the one failure policy (core/policy.ts) around it.
 */
import type {
	ICredentialTestFunctions,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ParsedDataSet, DataSetRow } from '../core/wire/dataset';
import { BromcomError, CODE_WORDS, redact, withoutErrorCodes } from '../core/wire/errors';
import { DEFAULT_TIMEOUT_SECONDS, delayMs, shouldRetry, type CallKind } from '../core/policy';
import { secretsOf, type BromcomCredentials } from './credentials';
import { Utf8StreamDecoder } from './utf8';

export { secretsOf };

/** The Timeout option's default (core/policy.ts), in milliseconds. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;

export type BromcomContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;
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
export const TRANSIENT_CODES = new Set([
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
export const NOT_SENT_CODES = new Set([
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

export function networkError(error: unknown, secrets: string[]): BromcomError {
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
export function headerOf(
	headers: Record<string, unknown> | undefined,
	name: string,
): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers))
		if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
	return undefined;
}

/** A 3xx is never followed: the SOAP body holds the password, and another host's answer is not Bromcom's. */
export function redirectError(
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
export type RawResponse = { body: unknown; statusCode: number; headers?: Record<string, unknown> };

/** Who sends a request, with which credential: a node's context, or n8n's credential tester. */
export interface Connection<C extends BromcomCredentials = BromcomCredentials> {
	credentials: C;
	send(request: IHttpRequestOptions): Promise<RawResponse>;
}
/**
 * A credential test's connection. n8n hands a credential test only its legacy `request` helper and
 * the decrypted credential, so each route puts its secrets in with `authenticate`; the request is
 * otherwise the one the nodes send (streamed, no redirects, the same deadline).
 */
export function testerConnection<C extends BromcomCredentials>(
	ctx: ICredentialTestFunctions,
	credentials: C,
	authenticate: (request: IHttpRequestOptions) => {
		headers?: IHttpRequestOptions['headers'];
		body?: string;
		rejectUnauthorized?: boolean;
	},
): Connection<C> {
	return {
		credentials,
		send: async (request) => {
			const response = (await ctx.helpers.request({
				method: request.method,
				uri: request.url,
				resolveWithFullResponse: true,
				simple: false,
				followRedirect: false,
				followAllRedirects: false,
				useStream: true,
				json: false,
				timeout: request.timeout,
				...authenticate(request),
			})) as { body: unknown; statusCode: number; headers?: Record<string, unknown> };
			return { body: response.body, statusCode: response.statusCode, headers: response.headers };
		},
	};
}

/** The body of an HTTP response as n8n's helper hands it over with `encoding: 'stream'`. */
export interface BodyStream extends AsyncIterable<Uint8Array | string> {
	destroy?: (error?: Error) => void;
}

/** Error and non-DataSet bodies are read up to this size, enough for any fault or error page. */
export const ERROR_BODY_CAP = 1024 * 1024;
/** A 200 whose first bytes hold no DataSet schema after this much text is not a DataSet. */
export const SCHEMA_SEARCH_CAP = 16 * 1024 * 1024;
/** No single row, tag or schema may make the reader hold more than this. */
export const PENDING_CAP = 256 * 1024 * 1024;

interface Decoder {
	decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

export function decoderFor(headers: Record<string, unknown>): Decoder {
	const charset = /charset\s*=\s*"?([\w-]+)/i.exec(headerOf(headers, 'content-type') ?? '')?.[1];
	// UTF-8 (what Bromcom sends, and the default): the native decoder, same text as TextDecoder's.
	if (charset === undefined || /^utf-?8$/i.test(charset)) return new Utf8StreamDecoder();
	try {
		return new TextDecoder(charset ?? 'utf-8');
	} catch {
		return new TextDecoder('utf-8');
	}
}

/** Decoded text chunks of a body; multi-byte characters split across chunks decode whole. */
export async function* textChunks(body: BodyStream, decoder: Decoder): AsyncGenerator<string> {
	for await (const chunk of body) {
		const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		if (text.length > 0) yield text;
	}
	const rest = decoder.decode();
	if (rest.length > 0) yield rest;
}

export async function readText(body: BodyStream, decoder: Decoder, cap: number): Promise<string> {
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

export function deadlineError(timeoutMs: number): BromcomError {
	return new BromcomError({
		kind: 'transient',
		message: `Bromcom did not finish answering within the timeout (${Math.round(timeoutMs / 1000)} s, Options > Timeout).`,
	});
}

/** Any failure as a BromcomError: nothing untyped leaves the client. */
export function asBromcomError(error: unknown, secrets: string[]): BromcomError {
	if (error instanceof BromcomError) return error;
	return networkError(error, secrets);
}
/** Turns a non-2xx answer (status, its body's first megabyte, headers) into the route's error. */
export type StatusClassifier = (
	statusCode: number,
	body: string,
	headers: Record<string, unknown>,
) => BromcomError;

/**
 * One streamed HTTP exchange through a connection, for either route: never follows a redirect,
 * Timeout is a deadline for the whole exchange, every error is a BromcomError with `secrets` removed.
 */
export async function streamExchange<T>(
	connection: Connection,
	prepared: IHttpRequestOptions,
	secrets: string[],
	timeoutMs: number,
	classify: StatusClassifier,
	consume: (body: ResponseBody) => Promise<T>,
): Promise<T> {
	const url = String(prepared.url);
	const request: IHttpRequestOptions = {
		...prepared,
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
			throw classify(response.statusCode, text, headers);
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
export async function withPolicy<T>(
	kind: CallKind,
	attempts: number,
	fn: () => Promise<T>,
): Promise<T> {
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
export interface ReadOptions extends CallOptions {
	/** Stop reading (and close the connection) once this many rows have been parsed. */
	maxRows?: number;
	/**
	 * Rows go to a consumer as they are parsed instead of being kept: memory is bound by what the
	 * consumer keeps, not by the response. Called once per attempt, so a retried read starts a fresh
	 * consumer and nothing is counted twice; the result's `rows` is then empty.
	 */
	consumer?: () => (rows: DataSetRow[]) => void;
	/**
	 * Only these columns are kept in the rows (the others are still read and checked): a consumer that
	 * needs a few columns of a long read makes a few values per row. Undefined: every column.
	 */
	columns?: readonly string[];
	/**
	 * For the schema probe (`1=0`) over the Partner API, whose JSON carries no types: the columns the
	 * caller needs typed (the read stops at the first row that types them all) and a filter that narrows
	 * the sample (tried first; if it matches nothing or Bromcom refuses it, the entity's first rows).
	 */
	typing?: { columns: readonly string[]; narrowing?: string };
}

export interface StreamedDataSet extends ParsedDataSet {
	/** True when Limit stopped the read before the end of the data. */
	truncated: boolean;
	/**
	 * True when rows carry only the keys the answer gave them (JSON, which has no schema): reads
	 * combined from several answers complete their rows together (`completeRows`).
	 */
	schemaless?: boolean;
}
