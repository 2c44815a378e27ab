/**
 * The Partner API route (REST, `GET /v2/<Entity>?schoolId=…&entityFilter=<filter>{page:N}`): the same
 * reads as SOAP's getEntityDataBySchoolID, with the same T-SQL filter, answered as a JSON envelope
 * (docs/bromcom-facts.md, Partner API). Rows are read as the body streams in, their keys given the
 * SOAP column names (core/casing.ts), so the node's output does not depend on the route.
 *
 * Paging: public clients show two styles, and both are followed. A `meta.pagination.next` link is
 * followed when the answer has one (only to the credential's own origin: the secret travels in the
 * headers); otherwise a page holding at least the credential's Page Size rows is followed by
 * `{page:N+1}`. A server that sends the same page twice stops the read with an error rather than
 * looping or duplicating rows.
 */
import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { completeRows, KeyNormaliser } from '../core/casing';
import { schoolOrCredential } from '../core/ids';
import { parseRetryAfter, POLICY, RETRY_STATUSES } from '../core/policy';
import type { ColumnKind, DataSetColumn, DataSetRow } from '../core/wire/dataset';
import { BromcomError, redact, withoutErrorCodes } from '../core/wire/errors';
import { SCHEMA_PROBE_FILTER } from '../core/wire/filter';
import { JsonEnvelopeReader, type JsonRow } from '../core/wire/json';
import {
	asBromcomError,
	DEFAULT_TIMEOUT_MS,
	headerOf,
	PENDING_CAP,
	secretsOf,
	streamExchange,
	testerConnection,
	withPolicy,
	type CallOptions,
	type Connection,
	type ReadOptions,
	type StreamedDataSet,
} from './http';
import type { BromcomPartnerApiCredentials } from './credentials';

/** A connection over a Bromcom Partner API credential: the only one the Partner API takes. */
export type RestConnection = Connection<BromcomPartnerApiCredentials>;

export const PARTNER_BASE_URL = 'https://api.bromcomcloud.com';
/** Rows per page seen in a public client (docs/bromcom-facts.md, Partner API). */
export const DEFAULT_PAGE_SIZE = 100_000;
/** Rows sampled to type the columns of an answer (JSON has no schema). */
const SAMPLE_ROWS = 50;
/** No read follows more pages than this (100 million rows at the default page size). */
const MAX_PAGES = 1000;

/** The credential's Partner API address, without a trailing slash. */
export function partnerBaseUrl(credentials: BromcomPartnerApiCredentials): string {
	const raw = credentials.baseUrl.trim();
	return (raw === '' ? PARTNER_BASE_URL : raw).replace(/\/+$/, '').replace(/\/v2$/i, '');
}

function pageSizeOf(credentials: BromcomPartnerApiCredentials): number {
	const n = Math.floor(Number(credentials.pageSize ?? DEFAULT_PAGE_SIZE));
	return Number.isFinite(n) && n >= 1 ? n : DEFAULT_PAGE_SIZE;
}

function restError(details: ConstructorParameters<typeof BromcomError>[0]): BromcomError {
	return new BromcomError({ ...details, route: 'rest' });
}

function checkedBase(credentials: BromcomPartnerApiCredentials, secrets: string[]): string {
	const base = partnerBaseUrl(credentials);
	if (!/^https?:\/\/[^/\s]+/i.test(base)) {
		throw restError({
			kind: 'invalidInput',
			message: `The Bromcom Partner API credential's Base URL "${redact(base, secrets)}" is not an http(s) address.`,
			notSent: true,
		});
	}
	return base;
}

function checkedSchool(credentials: BromcomPartnerApiCredentials, options: CallOptions): number {
	const school = schoolOrCredential(options.schoolId, credentials.schoolId);
	if (school === undefined) {
		throw restError({
			kind: 'invalidInput',
			message: `The Bromcom Partner API credential's Default School ID "${credentials.schoolId}" is not a Bromcom School ID: enter the number shown under Modules > Setup > School Details (for example 20001), or set School ID on the node.`,
			notSent: true,
		});
	}
	return school;
}

function checkedEntity(entity: string): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entity)) {
		throw restError({
			kind: 'invalidInput',
			message: `"${entity}" is not a valid Bromcom entity name (letters, digits and _ only).`,
			notSent: true,
		});
	}
	return entity;
}

/**
 * A page's address. The filter is percent-encoded and `{page:N}` appended to it unencoded, as the
 * public client that pages this way does; decoded, the server sees `<filter>{page:N}`.
 */
export function pageUrl(
	base: string,
	entity: string,
	schoolId: number,
	filter: string,
	page: number,
): string {
	return `${base}/v2/${entity}?schoolId=${schoolId}&entityFilter=${encodeURIComponent(filter)}{page:${page}}`;
}

/** The text of a JSON error body worth showing: its `message` (or `error`, `title`), else nothing. */
function bodyMessage(body: string): string | undefined {
	const trimmed = body.trim();
	if (!trimmed.startsWith('{')) return undefined;
	try {
		const parsed = JSON.parse(trimmed) as Record<string, unknown>;
		for (const key of ['message', 'Message', 'error', 'title', 'detail', 'errorMessage']) {
			const value = parsed[key];
			if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 500);
			if (value !== null && typeof value === 'object') {
				const inner = (value as Record<string, unknown>).message;
				if (typeof inner === 'string') return inner.trim().slice(0, 500);
			}
		}
	} catch {
		// not JSON after all
	}
	return undefined;
}

/** Classifies a non-2xx Partner API answer. Bodies are UNKNOWN: the status carries the meaning. */
export function partnerStatusError(
	what: string,
	schoolId: number,
): (status: number, body: string, headers: Record<string, unknown>) => BromcomError {
	return (status, body, headers) => {
		const said = bodyMessage(body);
		const faultText = said;
		const retryAfterMs = parseRetryAfter(headerOf(headers, 'retry-after'));
		if (status === 401)
			return restError({
				kind: 'credentials',
				message: 'The Partner API did not accept the Application ID and Secret (HTTP 401).',
				httpCode: status,
				faultText,
			});
		if (status === 403)
			return restError({
				kind: 'entityNotPermitted',
				message: `The Partner API refused ${what} for school ${schoolId} (HTTP 403): the school has not granted this application that endpoint, or has not installed the application.`,
				httpCode: status,
				faultText,
			});
		if (status === 404)
			return restError({
				kind: 'unknownEntity',
				message: `The Partner API has no ${what} (HTTP 404): check the entity name, and that the Base URL is the Partner API.`,
				httpCode: status,
				faultText,
			});
		if (status === 400)
			return restError({
				kind: 'badFilter',
				message: `The Partner API could not run ${what} with this filter (HTTP 400)${said ? `: ${said}` : ''}.`,
				httpCode: status,
				faultText,
			});
		if (RETRY_STATUSES.has(status) || status >= 500) {
			const wait =
				retryAfterMs === undefined
					? ''
					: ` It asked to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying.`;
			return restError({
				kind: 'transient',
				message: `${status === 429 ? 'The Partner API is limiting requests (HTTP 429).' : `The Partner API is unavailable or failed (HTTP ${status}).`}${wait}`,
				httpCode: status,
				retryAfterMs,
				faultText,
			});
		}
		return restError({
			kind: 'unexpectedPayload',
			message: `The Partner API answered HTTP ${status} to ${what}.`,
			httpCode: status,
			faultText,
		});
	};
}

/** An answer's `success: false` (with any HTTP status) as an error. */
function unsuccessful(members: Record<string, unknown>, what: string): BromcomError {
	const said = ['message', 'Message', 'error', 'errorMessage']
		.map((k) => members[k])
		.find((v): v is string => typeof v === 'string' && v.trim() !== '');
	const text = said?.trim().slice(0, 500);
	const permission =
		text !== undefined && /scope|grant|permission|forbidden|not allowed/i.test(text);
	return restError({
		kind: permission ? 'entityNotPermitted' : 'serviceFault',
		message: `The Partner API answered "success": false to ${what}${text ? `: ${text}` : ''}.`,
		faultText: text,
	});
}

function nextLink(members: Record<string, unknown>): string | undefined {
	const meta = members.meta;
	if (meta === null || typeof meta !== 'object') return undefined;
	const pagination = (meta as Record<string, unknown>).pagination;
	if (pagination === null || typeof pagination !== 'object') return undefined;
	const next = (pagination as Record<string, unknown>).next;
	return typeof next === 'string' && next.trim() !== '' ? next.trim() : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function kindOf(value: unknown): ColumnKind | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'boolean') return 'boolean';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
	if (typeof value === 'string') return ISO_DATE.test(value) ? 'dateTime' : 'string';
	return 'other';
}

const XS_TYPE: Record<ColumnKind, string> = {
	string: 'string',
	integer: 'int',
	bigint: 'long',
	decimal: 'decimal',
	float: 'double',
	boolean: 'boolean',
	dateTime: 'dateTime',
	other: 'anyType',
};

/** Columns of a JSON answer, typed from the first rows (JSON carries no schema). */
export function inferColumns(sample: Array<Record<string, unknown>>): DataSetColumn[] {
	const names: string[] = [];
	const kinds = new Map<string, ColumnKind>();
	for (const row of sample) {
		for (const name of Object.keys(row)) {
			if (!kinds.has(name) && !names.includes(name)) names.push(name);
			const kind = kindOf(row[name]);
			const before = kinds.get(name);
			if (kind === undefined) continue;
			if (before === undefined) kinds.set(name, kind);
			else if (before === 'integer' && kind === 'decimal') kinds.set(name, 'decimal');
			else if (before !== kind && !(before === 'decimal' && kind === 'integer'))
				kinds.set(name, 'string');
		}
	}
	return names.map((name) => {
		const kind = kinds.get(name) ?? 'string';
		return { name, xmlName: name, xsType: XS_TYPE[kind], kind };
	});
}

interface PageResult {
	count: number;
	members: Record<string, unknown>;
	hasData: boolean;
	/** The first row's text, to notice a server that sends the same page again. */
	first?: string;
	stopped: boolean;
}

/**
 * Reads an entity over the Partner API, all pages, under the read policy (a retry starts the whole
 * read again, with a fresh consumer). `1=0` (the schema probe) reads a few rows only, to type the
 * columns: JSON has no schema, and a `1=0` answer would be empty. With `options.typing` it reads no
 * more rows than it needs (it stops at the first row that types every needed column, and closes the
 * connection), and first from the rows the caller's own filter narrows to, so that typing a filter
 * does not make Bromcom produce the entity's whole first page (100,000 rows of a large entity).
 */
export async function restRead(
	connection: RestConnection,
	entity: string,
	filter: string,
	options: ReadOptions = {},
): Promise<StreamedDataSet> {
	const credentials = connection.credentials;
	const secrets = secretsOf(credentials);
	const base = checkedBase(credentials, secrets);
	const schoolId = checkedSchool(credentials, options);
	const name = checkedEntity(entity);
	const probe = filter === SCHEMA_PROBE_FILTER;
	const max = probe ? SAMPLE_ROWS : (options.maxRows ?? Infinity);
	const needed = (probe ? (options.typing?.columns ?? []) : []).map((c) => c.toLowerCase());
	const pageSize = pageSizeOf(credentials);
	const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const what = `/v2/${name}`;
	const classify = partnerStatusError(what, schoolId);
	const origin = new URL(base).origin;

	// Every error leaves through the redaction, whichever step raised it (an answer's "success": false
	// is raised after the exchange, and echoes whatever the server put in its message).
	return await rethrowOnRoute(readAll(), secrets);

	async function readAll(): Promise<StreamedDataSet> {
		const narrowing = probe ? (options.typing?.narrowing ?? '').trim() : '';
		if (narrowing !== '') {
			// A narrowing Bromcom cannot run (its literals are untyped) only costs the fallback below.
			const narrowed = await withPolicy(
				'read',
				options.attempts ?? POLICY.attempts,
				async () => await readOnce(narrowing),
			).catch((error: unknown) => {
				if (error instanceof BromcomError && error.kind === 'badFilter') return undefined;
				throw asBromcomError(error, secrets);
			});
			if (narrowed?.typedAll) return narrowed.data;
		}
		return (
			await withPolicy(
				'read',
				options.attempts ?? POLICY.attempts,
				async () => await readOnce(probe ? '' : filter),
			)
		).data;
	}

	async function readOnce(
		sendFilter: string,
	): Promise<{ data: StreamedDataSet; typedAll: boolean }> {
		const consume = probe ? undefined : options.consumer?.();
		const rows: DataSetRow[] = [];
		const sample: Array<Record<string, unknown>> = [];
		const keys = new KeyNormaliser();
		// The needed columns a row has given a value (so a type) so far.
		const typed = new Set<string>();
		const typesAll = (row: DataSetRow): boolean => {
			for (const [key, value] of Object.entries(row))
				if (value !== null && value !== undefined) typed.add(key.toLowerCase());
			return needed.length > 0 && needed.every((c) => typed.has(c));
		};
		let kept = 0;
		let truncated = false;
		let page = 0;
		let url = pageUrl(base, name, schoolId, sendFilter, 0);
		let previousFirst: string | undefined;
		const visited = new Set<string>();
		for (;;) {
			visited.add(url);
			const request: IHttpRequestOptions = {
				method: 'GET',
				url,
				headers: { Accept: 'application/json' },
			};
			const result = await rethrowOnRoute(
				streamExchange(connection, request, secrets, timeoutMs, classify, async (body) => {
					const reader = new JsonEnvelopeReader();
					let count = 0;
					let first: string | undefined;
					for await (const chunk of body.chunks) {
						const batch: JsonRow[] = reader.write(chunk);
						if (batch.length > 0) {
							if (first === undefined) first = JSON.stringify(batch[0]);
							count += batch.length;
							let enough = false;
							for (let k = 0; k < batch.length && kept < max && !enough; k++) {
								const row = keys.row(batch[k]) as DataSetRow;
								if (sample.length < SAMPLE_ROWS) sample.push(row);
								if (consume) consume([row]);
								else if (!probe) rows.push(row);
								kept++;
								if (probe && typesAll(row)) enough = true;
							}
							if (kept >= max || enough) {
								truncated = true;
								body.stop();
								return { count, members: {}, hasData: true, first, stopped: true };
							}
						}
						if (reader.buffered > PENDING_CAP) {
							body.stop();
							throw restError({
								kind: 'unexpectedPayload',
								message:
									'The Partner API answer holds a single row larger than 256 MB: it is not an answer this node can read.',
							});
						}
					}
					const envelope = reader.end();
					return {
						count,
						members: envelope.members,
						hasData: envelope.hasData,
						first,
						stopped: false,
					} as PageResult;
				}),
				secrets,
			);
			if (result.stopped) break;
			if (result.members.success === false) throw unsuccessful(result.members, what);
			if (!result.hasData && result.members.success !== true) {
				throw restError({
					kind: 'unexpectedPayload',
					message: `The answer to ${what} is JSON but not a Partner API answer (no "success" or "data"): check the Base URL in the Bromcom Partner API credential.`,
				});
			}
			if (result.first !== undefined && result.first === previousFirst) {
				throw restError({
					kind: 'unexpectedPayload',
					message: `The Partner API sent the same page of ${what} twice (page ${page}): its paging did not work as expected, so the read stopped rather than repeat rows. Nothing was output.`,
				});
			}
			previousFirst = result.first ?? previousFirst;
			const next = nextLink(result.members);
			let following: string | undefined;
			if (next !== undefined) {
				let target: URL;
				try {
					target = new URL(next, url);
				} catch {
					throw restError({
						kind: 'unexpectedPayload',
						message: `The Partner API's next-page link for ${what} is not an address.`,
					});
				}
				if (target.origin !== origin) {
					throw restError({
						kind: 'unexpectedPayload',
						message: `The Partner API's next-page link for ${what} points at ${target.origin}, not at the credential's Base URL (${origin}): it was not followed, so the Application Secret was not sent there.`,
					});
				}
				following = target.href;
				if (visited.has(following)) break; // a link back to a page already read: the end
			} else if (result.count > 0 && result.count >= pageSize) {
				following = pageUrl(base, name, schoolId, sendFilter, page + 1);
			}
			if (following === undefined) break;
			page++;
			if (page >= MAX_PAGES) {
				throw restError({
					kind: 'unexpectedPayload',
					message: `The Partner API kept sending pages of ${what} (more than ${MAX_PAGES}): the read stopped. Narrow it with a filter or a date range.`,
				});
			}
			url = following;
		}
		// The same keys on both routes: a key the JSON left out of a row is that column as NULL.
		if (!consume) completeRows(rows);
		const columns = inferColumns(sample);
		return {
			data: {
				dataSetName: 'NewDataSet',
				tables: [{ name: 'Table', xmlName: 'Table', columns }],
				columns,
				rows,
				truncated,
				schemaless: true,
			},
			typedAll: needed.length > 0 && needed.every((c) => typed.has(c)),
		};
	}
}

async function rethrowOnRoute<T>(work: Promise<T>, secrets: string[]): Promise<T> {
	try {
		return await work;
	} catch (error) {
		throw asBromcomError(error, secrets)
			.mapText((text) => withoutErrorCodes(redact(text, secrets)))
			.onRoute('rest');
	}
}

/**
 * POSTs a JSON body to `/v2/<entity>` (no query string: the School ID travels in the body, as the
 * public client that writes does) and returns the status and the answer's first megabyte. Never
 * retried once any byte may have reached Bromcom (policy `write`).
 */
export async function restPost(
	connection: RestConnection,
	entity: string,
	body: Record<string, unknown>,
	options: CallOptions = {},
): Promise<{ statusCode: number; text: string }> {
	const credentials = connection.credentials;
	const secrets = secretsOf(credentials);
	const base = checkedBase(credentials, secrets);
	const name = checkedEntity(entity);
	const schoolId = checkedSchool(credentials, options);
	const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: `${base}/v2/${name}`,
		headers: { Accept: 'application/json', 'Content-Type': 'application/json; charset=utf-8' },
		body: JSON.stringify(body),
	};
	return await withPolicy(
		'write',
		options.attempts ?? POLICY.attempts,
		async () =>
			await rethrowOnRoute(
				streamExchange(
					connection,
					request,
					secrets,
					timeoutMs,
					partnerStatusError(`the write to /v2/${name}`, schoolId),
					async (response) => {
						let text = '';
						for await (const chunk of response.chunks) {
							text += chunk;
							if (text.length > 1024 * 1024) break;
						}
						return { statusCode: response.statusCode, text };
					},
				),
				secrets,
			),
	);
}

/** n8n's credential tester's connection for the Partner API: the headers filled in here. */
export function partnerTestConnection(
	ctx: ICredentialTestFunctions,
	credentials: BromcomPartnerApiCredentials,
): RestConnection {
	return testerConnection(ctx, credentials, (request) => ({
		headers: {
			...(request.headers ?? {}),
			ApplicationId: credentials.applicationId,
			ApplicationSecret: credentials.applicationSecret,
		},
	}));
}
