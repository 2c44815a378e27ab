/**
 * Write-back, the way the vendor guidance asks: validate strictly, record every attempted write under
 * a deterministic idempotency key, never send the same logical write twice, and never resend blindly
 * when the outcome is unknown (a timeout or reset after the request left): check first where the
 * operation allows a read-back, otherwise stop and say so.
 *
 * The ledger lives in n8n's deduplication store for production executions (see `ledgerFor`: never in
 * the workflow's static data, which queue mode saves as a whole); a manual run keeps it for that run
 * only, which every output item states (`ledger`).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import {
	callWrite,
	connectionOf,
	credentialSchoolId,
	CREDENTIAL_TYPE,
	resolveBaseUrl,
	routeOf,
	secretsOf,
} from '../transport';
import { partnerBaseUrl, restPost } from '../transport/rest';
import {
	buildEnvelope,
	CREDENTIAL_PLACEHOLDERS,
	OPERATIONS,
	serviceUrl,
	soapAction,
	type OperationName,
	type OperationSpec,
	type ParamValue,
} from '../core/wire/envelope';
import { BromcomError, redact } from '../core/wire/errors';
import {
	elementContent,
	faultToError,
	findOpenTag,
	notADataSet,
	parseFault,
} from '../core/wire/fault';
import { escapeXml, decodeEntities } from '../core/wire/xml';
import { MAX_BROMCOM_ID } from '../core/ids';
import { idempotencyKey } from '../core/ledger';
import { isToolCall } from '../n8n/tool';
import { itemSettings, type ItemSettings } from './read';

const LEDGER_LIMIT = 5000;

/** The answer an AI agent gets from a write tool that may not write. */
export const AGENT_DRY_RUN =
	'Dry run: nothing was written to Bromcom. This tool may not write when an AI agent calls it (its Allow Writes When Used as a Tool is off), so tell the user that nothing was changed and what would have been written.';

/** A Partner API write: a JSON body POSTed to /v2/<entity>. */
export interface RestWrite {
	entity: string;
	body: Record<string, ParamValue | null>;
}

export interface WriteRequest {
	/** The operation in the catalogue (its parameter list); for a Partner API write, its name. */
	catalog: OperationName | string;
	/** Set for a Partner API write; a SOAP write otherwise. */
	rest?: RestWrite;
	/** The SOAP operation name to call (normally the same; overridable where Bromcom's is unknown). */
	wireName?: string;
	values: Record<string, ParamValue | null>;
	/** The record(s) written to, for the audit. */
	target: IDataObject;
	/** true when Bromcom visibly holds this write already; undefined when it cannot tell. */
	readBack?: (settings: ItemSettings) => Promise<boolean | undefined>;
}

interface LedgerEntry {
	s: 'sent' | 'unknown';
	t: number;
}

// ---- Validation ------------------------------------------------------------------------------------

/** A Bromcom ID: decimal digits only ("1e3" or "0x10" would silently address person 1000 or 16). */
export const id = (label: string) =>
	z
		.union([z.number(), z.string()], { invalid_type_error: `${label} must be a number` })
		.transform((v) =>
			typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : 'x') : v.trim(),
		)
		.refine(
			(v) => /^\d{1,10}$/.test(v),
			`${label} must be a whole number written in digits only, for example 2000101`,
		)
		.transform((v) => Number(v))
		.refine((v) => v > 0, `${label} must be a positive Bromcom ID`)
		.refine((v) => v <= MAX_BROMCOM_ID, `${label} is too large`);

/** Money: at most two decimal places, sent as "%.2f" like the live client (docs/bromcom-facts.md, Operations and parameters: S7). */
export const money = (label: string, min: number, max: number) =>
	z
		.union([z.number(), z.string()])
		.transform((v) => String(v).trim())
		.refine(
			(v) => /^-?\d+(\.\d{1,2})?$/.test(v),
			`${label} must be an amount with at most two decimal places, for example 12.50`,
		)
		.transform((v) => Number(v))
		.refine((v) => v >= min && v <= max, `${label} must be between ${min} and ${max}`)
		.transform((v) => v.toFixed(2));

/** Whether `date` (YYYY-MM-DD) and `time` (HH:MM[:SS[.fff]]) name a real moment: 2024-02-30 and 25:61 do not. */
export function realDateTime(date: string, time?: string): boolean {
	const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!d) return false;
	const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
	const probe = new Date(Date.UTC(y, m - 1, day));
	if (
		probe.getUTCFullYear() !== y ||
		probe.getUTCMonth() !== m - 1 ||
		probe.getUTCDate() !== day ||
		y < 1753
	)
		return false;
	if (time === undefined) return true;
	const t = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(time);
	return t !== null && Number(t[1]) <= 23 && Number(t[2]) <= 59 && Number(t[3] ?? 0) <= 59;
}

export const dateTime = (label: string) =>
	z
		.union([z.string(), z.date()])
		.transform((v) =>
			v instanceof Date ? (Number.isNaN(v.getTime()) ? '' : v.toISOString()) : String(v).trim(),
		)
		.refine(
			(v) => v !== '',
			`${label} is empty: map the date from the data you are writing, for example {{ $json.date }}`,
		)
		.refine((v) => {
			const m =
				/^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
					v,
				);
			return m !== null && realDateTime(m[1], m[2]);
		}, `${label} must be a real date (and time), for example 2024-09-04 or 2024-09-04T12:30:00`)
		.transform((v) => {
			const [date, time = '00:00:00'] = v
				.replace(' ', 'T')
				.replace(/(Z|[+-]\d{2}:?\d{2})$/, '')
				.split('T');
			return `${date}T${(time + ':00:00').slice(0, 8)}`;
		});

/**
 * Checks a write's input. The error names the field as the node shows it (its display name from the
 * operation's `fields`, matched case-insensitively: the schema says studentID where the field is
 * studentId), never an internal key.
 */
export function validate<T extends z.ZodTypeAny>(
	schema: T,
	input: unknown,
	fields: INodeProperties[],
): z.infer<T> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	let issue = result.error.issues[0];
	// A field that takes one of several forms (an ID or 0) fails as a whole with "Invalid input": the
	// form's own rule says what is wrong.
	if (issue.code === 'invalid_union') {
		const inner = issue.unionErrors.flatMap((e) => e.issues);
		issue = inner.find((x) => x.code === 'custom') ?? inner[0] ?? issue;
	}
	const key = issue.path.length ? String(issue.path[0]) : '';
	const label = fields.find((f) => f.name.toLowerCase() === key.toLowerCase())?.displayName ?? key;
	const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
	const said = missing ? `${label} is required` : issue.message;
	throw new BromcomError({
		kind: 'invalidInput',
		message: `${said.startsWith(label) ? said : `${label}: ${said}`}. Nothing was sent to Bromcom.`,
		notSent: true,
	});
}

// ---- Keys and ledger -------------------------------------------------------------------------------

type LedgerState = LedgerEntry['s'];

/** Where a write's idempotency key is remembered between runs. */
interface Ledger {
	get(key: string): Promise<{ s: LedgerState; t?: number } | undefined>;
	set(key: string, s: LedgerState): Promise<void>;
}

/**
 * A production run remembers its writes in n8n's deduplication store (the database table n8n keeps
 * for the Remove Duplicates node, scoped to this node), not in the workflow's static data: in queue
 * mode a worker saves the whole static-data object when an execution changed it, which would write
 * back the Bromcom Trigger's state as it was when the execution started, and the main process's next
 * poll would save over the ledger in turn. The store is shared by every worker and survives restarts.
 * A manual run keeps its ledger in static data, which n8n does not save for manual runs.
 */
function ledgerFor(ctx: IExecuteFunctions, manual: boolean): Ledger {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	if (
		!manual &&
		typeof helpers.checkProcessedAndRecord === 'function' &&
		typeof helpers.removeProcessed === 'function'
	) {
		const options = { mode: 'entries' as const, maxEntries: LEDGER_LIMIT * 2 };
		const check = helpers.checkProcessedAndRecord.bind(helpers);
		const remove = helpers.removeProcessed.bind(helpers);
		return {
			async get(key) {
				const sent = `${key}:sent`;
				const unknown = `${key}:unknown`;
				// The store can only check by recording: what was new is removed again at once.
				const result = await check([sent, unknown], 'node', options);
				if (result.new.length > 0) await remove(result.new, 'node', options);
				const seen = new Set(result.processed.map(String));
				if (seen.has(sent)) return { s: 'sent' };
				if (seen.has(unknown)) return { s: 'unknown' };
				return undefined;
			},
			async set(key, s) {
				await check([`${key}:${s}`], 'node', options);
				if (s === 'sent') await remove([`${key}:unknown`], 'node', options);
			},
		};
	}
	return {
		async get(key) {
			return staticLedger(ctx)[key];
		},
		async set(key, s) {
			record(ctx, key, s);
		},
	};
}

function staticLedger(ctx: IExecuteFunctions): Record<string, LedgerEntry> {
	const data = ctx.getWorkflowStaticData('node');
	if (typeof data.writeLedger !== 'object' || data.writeLedger === null) data.writeLedger = {};
	return data.writeLedger as unknown as Record<string, LedgerEntry>;
}

function record(ctx: IExecuteFunctions, key: string, s: LedgerEntry['s']) {
	const ledger = staticLedger(ctx);
	ledger[key] = { s, t: Math.floor(Date.now() / 1000) };
	const keys = Object.keys(ledger);
	if (keys.length > LEDGER_LIMIT) {
		for (const old of keys
			.sort((a, b) => ledger[a].t - ledger[b].t)
			.slice(0, keys.length - LEDGER_LIMIT))
			delete ledger[old];
	}
	ctx.getWorkflowStaticData('node').writeLedger = ledger as unknown as IDataObject;
}

// ---- Responses -------------------------------------------------------------------------------------

/**
 * The write service's return types are UNKNOWN (docs/bromcom-facts.md, Operations and parameters): read `<opResult>` as boolean, number or text,
 * whatever it is. `recognised` is false when the body holds no `<opResponse>` element at all (a login
 * page, a proxy's page, junk): such an answer proves nothing about the write. Linear in the body.
 */
export function parseWriteResult(
	body: string,
	operation: string,
): { value: boolean | number | string | null; raw: string; recognised: boolean } {
	const recognised = findOpenTag(body, `${operation}Response`) !== undefined;
	const content = elementContent(body, `${operation}Result`);
	if (content === undefined) return { value: null, raw: '', recognised };
	const raw = (decodeEntities(content) ?? content).trim();
	if (raw === 'true' || raw === 'false') return { value: raw === 'true', raw, recognised };
	if (/^-?\d+(\.\d+)?$/.test(raw)) return { value: Number(raw), raw, recognised };
	return { value: raw === '' ? null : raw.slice(0, 500), raw: raw.slice(0, 500), recognised };
}

/**
 * The Partner API's answer to a write is UNKNOWN (the one public client that writes ignores the body
 * and requires only a 2xx): any 2xx whose body is empty or JSON counts as Bromcom's answer. `value` is
 * the record's id where the JSON holds one (`data.eventRecordId`, `eventRecordId`, `data.id`, `id`),
 * `false` for `"success": false`, else null. A 2xx that is not JSON (a proxy's page) proves nothing.
 */
export function parseRestWriteResult(body: string): {
	value: boolean | number | string | null;
	raw: string;
	recognised: boolean;
} {
	const text = body.trim();
	if (text === '') return { value: null, raw: '', recognised: true };
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return { value: null, raw: text.slice(0, 500), recognised: false };
	}
	const raw = text.slice(0, 500);
	if (typeof parsed === 'number' || typeof parsed === 'string')
		return { value: parsed, raw, recognised: true };
	if (parsed === null || typeof parsed !== 'object') return { value: null, raw, recognised: true };
	const top = parsed as Record<string, unknown>;
	if (top.success === false) {
		const said = [top.message, top.error].find((v) => typeof v === 'string');
		return { value: false, raw: String(said ?? raw).slice(0, 500), recognised: true };
	}
	const data =
		top.data !== null && typeof top.data === 'object' ? (top.data as Record<string, unknown>) : {};
	for (const candidate of [
		data.eventRecordId,
		data.eventRecordID,
		top.eventRecordId,
		data.id,
		top.id,
		top.data,
	]) {
		if (typeof candidate === 'number' || (typeof candidate === 'string' && candidate !== ''))
			return { value: candidate, raw, recognised: true };
	}
	return { value: null, raw, recognised: true };
}

// ---- The pipeline ----------------------------------------------------------------------------------

/**
 * Whether item `i` only shows what it would send. Every write asks here, so a rule about when a write
 * may not be sent has one place to go. Called by an AI agent (or an MCP client) as a tool, a write is a
 * dry run unless the workflow's author switched on Allow Writes When Used as a Tool (the tool shows no
 * Dry Run of its own: actions/agent.descriptions.ts); only `true` itself allows it. Otherwise version
 * 1 defaults to sending, as it always did; 1.1 defaults to Dry Run (write.descriptions.ts). A value that
 * is neither true nor false (an expression gone wrong) is an error, never a write.
 */
export function isDryRun(ctx: IExecuteFunctions, i: number): boolean {
	if (isToolCall(ctx)) return ctx.getNodeParameter('allowWritesAsTool', i, false) !== true;
	const value = ctx.getNodeParameter('dryRun', i, ctx.getNode().typeVersion >= 1.1) as unknown;
	if (typeof value === 'boolean') return value;
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	if (text === 'true') return true;
	if (text === 'false') return false;
	throw new BromcomError({
		kind: 'invalidInput',
		message: `Dry Run must be true or false, not "${String(value).slice(0, 40)}". Nothing was sent to Bromcom.`,
		notSent: true,
	});
}

function isUnknownOutcome(error: unknown): error is BromcomError {
	return error instanceof BromcomError && error.kind === 'transient' && !error.notSent;
}

export async function performWrite(
	ctx: IExecuteFunctions,
	i: number,
	request: WriteRequest,
): Promise<IDataObject> {
	const settings = itemSettings(ctx, i);
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const dryRun = isDryRun(ctx, i);
	const rest = request.rest;
	const route = routeOf(ctx);
	if (rest !== undefined && route !== 'rest') {
		throw new BromcomError({
			kind: 'invalidInput',
			message:
				'This write exists only on the Partner API: in the Credential field, choose a Bromcom Partner API credential (the node then uses the Partner API). Nothing was sent.',
			notSent: true,
		});
	}
	if (rest === undefined && route === 'rest') {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `${String(request.wireName || request.catalog)} is a write of Bromcom's SOAP write service, which the Partner API does not offer: in the Credential field, choose a Bromcom MIS API credential (a third-party user). Nothing was sent.`,
			notSent: true,
		});
	}
	const spec = OPERATIONS[request.catalog as OperationName] as OperationSpec;
	const wireName = rest ? `POST /v2/${rest.entity}` : String(request.wireName || request.catalog);
	const schoolId = settings.schoolId ?? (await credentialSchoolId(ctx));
	const values = { ...request.values, schoolId };
	const key =
		String(options.idempotencyKey ?? '').trim() ||
		idempotencyKey(request.catalog, schoolId, values);
	const manual = ctx.getMode() === 'manual';
	const audit: IDataObject = {
		idempotencyKey: key,
		operation: wireName,
		schoolId,
		target: request.target,
		ledger: manual ? 'thisRunOnly' : 'workflow',
	};
	const ledger = ledgerFor(ctx, manual);
	const previous = await ledger.get(key);

	if (previous?.s === 'sent') {
		return {
			status: 'skippedDuplicate',
			...audit,
			...(previous.t === undefined ? {} : { sentAt: new Date(previous.t * 1000).toISOString() }),
			message: 'This write was already sent (same idempotency key): not sent again.',
		};
	}

	if (dryRun && isToolCall(ctx)) {
		// What the agent's model reads: what would have been written, and that nothing was. Never the
		// request itself (the SOAP body names the account).
		return {
			status: 'dryRun',
			...audit,
			values: { ...request.values, schoolId } as IDataObject,
			message: AGENT_DRY_RUN,
		};
	}

	if (dryRun && rest) {
		const connection = await connectionOf(ctx);
		return {
			status: 'dryRun',
			...audit,
			request: {
				method: 'POST',
				url: `${partnerBaseUrl(connection.credentials)}/v2/${rest.entity}`,
				headers: {
					ApplicationId: String(connection.credentials.applicationId ?? ''),
					ApplicationSecret: '***',
					'Content-Type': 'application/json; charset=utf-8',
				},
				body: JSON.stringify({ schoolId, ...rest.body }),
			},
			message: 'Dry run: nothing was sent to Bromcom.',
		};
	}

	if (dryRun) {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const body = buildEnvelope(wireName, spec, values)
			.replace(CREDENTIAL_PLACEHOLDERS.username, () =>
				escapeXml(String(credentials.username ?? '')),
			)
			.replace(CREDENTIAL_PLACEHOLDERS.password, '***');
		return {
			status: 'dryRun',
			...audit,
			request: {
				url: serviceUrl(resolveBaseUrl(credentials), spec.service),
				soapAction: soapAction(wireName),
				body,
			},
			message: 'Dry run: nothing was sent to Bromcom.',
		};
	}

	if (previous === undefined && request.readBack && options.checkBeforeSend !== false) {
		// The ledger is only as durable as the execution (n8n saves static data when it ends): when it
		// cannot vouch for this key, Bromcom itself is asked first where the write can be read back, so a
		// re-run after a crash mid-batch does not send again what already arrived.
		if ((await safeReadBack(request, settings)) === true) {
			await ledger.set(key, 'sent');
			return {
				status: 'skippedDuplicate',
				...audit,
				confirmedBy: 'readBack',
				message:
					'Bromcom already holds this write (read back before sending), so it was not sent again.',
			};
		}
	}

	if (previous?.s === 'unknown') {
		const applied = request.readBack ? await safeReadBack(request, settings) : undefined;
		if (applied === true) {
			await ledger.set(key, 'sent');
			return {
				status: 'skippedDuplicate',
				...audit,
				confirmedBy: 'readBack',
				message:
					'An earlier attempt had an unknown outcome; Bromcom shows it was applied, so it was not sent again.',
			};
		}
		if (applied === undefined && options.resendUnknown !== true) {
			throw new BromcomError({
				kind: 'unknownOutcome',
				message: `An earlier attempt of this write (key ${key}) ended without an answer, and Bromcom cannot be checked for it. It was not sent again`,
				notSent: true,
			});
		}
	}

	let body: string | undefined;
	let failure: unknown;
	try {
		// The client's write policy: retried only while nothing can have reached Bromcom.
		if (rest) {
			const connection = await connectionOf(ctx);
			// The answer's text may echo anything: it is shown (in messages and the audit) redacted.
			body = redact(
				(await restPost(connection, rest.entity, { schoolId, ...rest.body }, settings)).text,
				secretsOf(connection.credentials),
			);
		} else {
			body = await callWrite(ctx, wireName, spec, values, settings);
		}
	} catch (error) {
		failure = error;
	}
	// Bromcom may or may not have applied the write: read it back where possible, never resend blindly.
	const settleUnknown = async (
		appliedMessage: string,
		unknownMessage: string,
	): Promise<IDataObject> => {
		const applied = request.readBack ? await safeReadBack(request, settings) : undefined;
		if (applied === true) {
			await ledger.set(key, 'sent');
			return {
				status: 'sent',
				...audit,
				sentAt: new Date().toISOString(),
				confirmedBy: 'readBack',
				message: appliedMessage,
			};
		}
		await ledger.set(key, 'unknown');
		throw new BromcomError({
			kind: 'unknownOutcome',
			message: `${unknownMessage}, so Bromcom may or may not have applied it (key ${key}). It was not resent`,
		});
	};
	if (body === undefined) {
		if (!isUnknownOutcome(failure)) throw failure;
		return await settleUnknown(
			'The connection dropped after sending; Bromcom shows the write was applied.',
			`${failure.message.replace(/\.$/, '')} after the write was sent`,
		);
	}

	const response = rest ? parseRestWriteResult(body) : parseWriteResult(body, wireName);
	if (rest && response.recognised && response.value === false) {
		throw new BromcomError({
			kind: 'serviceFault',
			message: `The Partner API answered "success": false to ${wireName}${response.raw ? `: ${response.raw}` : ''}: the write was not applied`,
			route: 'rest',
		});
	}
	if (!response.recognised) {
		// HTTP 200, but not Bromcom's answer to this write: it may or may not have been applied.
		const fault = parseFault(body);
		if (fault) throw faultToError(fault, 200);
		return await settleUnknown(
			'The answer was not a Bromcom write response; Bromcom shows the write was applied.',
			`Bromcom's answer to ${wireName} was not a write response (${notADataSet(body).message.replace(/\.$/, '')})`,
		);
	}
	if (response.value === false) {
		throw new BromcomError({
			kind: 'serviceFault',
			message: `Bromcom answered "false" to ${wireName}: the write was not applied (for example the record does not exist or there was nothing to change)`,
		});
	}
	await ledger.set(key, 'sent');
	return { status: 'sent', ...audit, sentAt: new Date().toISOString(), response };
}

async function safeReadBack(
	request: WriteRequest,
	settings: ItemSettings,
): Promise<boolean | undefined> {
	try {
		return await request.readBack!(settings);
	} catch {
		return undefined; // the read-back entity is not readable: the outcome stays unknown
	}
}
