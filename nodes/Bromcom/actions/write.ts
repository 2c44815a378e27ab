/**
 * Write-back, the way the vendor guidance asks: validate strictly (core/validate.ts), record every
 * attempted write under a deterministic idempotency key, never send the same logical write twice, and
 * never resend blindly when the outcome is unknown (a timeout or reset after the request left): check
 * first where the operation allows a read-back, otherwise stop and say so.
 *
 * The ledger lives in n8n's deduplication store for production executions (n8n/ledger.ts: never in
 * the workflow's static data, which queue mode saves as a whole); a manual run keeps it for that run
 * only, which every output item states (`ledger`).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { clientFor, type WriteCall } from '../transport';
import {
	OPERATIONS,
	type OperationName,
	type OperationSpec,
	type ParamValue,
} from '../core/wire/envelope';
import { BromcomError } from '../core/wire/errors';
import { faultToError, notADataSet, parseFault } from '../core/wire/fault';
import { idempotencyKey } from '../core/ledger';
import { ledgerFor } from '../n8n/ledger';
import { itemSettings, type ItemSettings } from '../n8n/settings';
import { isToolCall } from '../n8n/tool';

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
	const client = clientFor(ctx);
	const spec = OPERATIONS[request.catalog as OperationName] as OperationSpec;
	const wireName = rest ? `POST /v2/${rest.entity}` : String(request.wireName || request.catalog);
	const callWith = (values: WriteRequest['values']): WriteCall =>
		rest
			? { rest: { entity: rest.entity, body: { schoolId: values.schoolId, ...rest.body } } }
			: { soap: { wireName, spec, values: values as Record<string, ParamValue> } };
	// A write this route does not offer stops here, before anything is read or recorded.
	client.checkWrite(callWith(request.values));
	const schoolId = (await client.school(settings.schoolId)) ?? NaN;
	const values = { ...request.values, schoolId };
	const call = callWith(values);
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

	if (dryRun) {
		return {
			status: 'dryRun',
			...audit,
			request: await client.preview(call),
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
		// A Partner API answer's text may echo anything: the client returns it redacted.
		body = (await client.write(call, settings)).text;
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

	const response = client.writeAnswer(body, wireName);
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
