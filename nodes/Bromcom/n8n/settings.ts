/**
 * Node fields read the same way by every node: the School ID field (empty = the credential's), parsed
 * once here with the core's one ID parser, and its error in the words of the node's field; the
 * Timeout, Attempts, Limit, Fields to Return and ID fields of an item.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { parseBromcomId, parseSchoolIdField } from '../core/ids';
import { DEFAULT_TIMEOUT_SECONDS, POLICY } from '../core/policy';
import { invalid } from '../core/wire/errors';
import {
	buildCondition,
	recordStatusFilter,
	type DateColumns,
	type RecordStatus,
} from '../core/wire/filter';
import { credentialSchoolId, type BromcomContext, type CallOptions } from '../transport';

export { invalid };

/** The node's School ID field: a number, or undefined for the credential's. Throws on anything else. */
export function schoolIdParameter(value: unknown): number | undefined {
	const parsed = parseSchoolIdField(value);
	if (parsed.invalid !== undefined) {
		throw invalid(
			`School ID "${parsed.invalid}" is not a whole number. Use the numeric Bromcom School ID (for example 20001), or leave the field empty to use the credential's.`,
		);
	}
	return parsed.schoolId;
}

/**
 * Item `i`'s School ID field as typed, trimmed ('' = the credential's): the one read of the field in
 * a node run. The router groups items by it and names the school in errors by it even when it is not
 * an ID; itemSettings parses it.
 */
export function schoolIdText(ctx: IExecuteFunctions, i: number): string {
	return String(ctx.getNodeParameter('schoolId', i, '') ?? '').trim();
}

/** The school item `i` is for, as messages name it: its School ID as typed, else the credential's. */
export async function itemSchoolForMessage(ctx: IExecuteFunctions, i: number): Promise<string> {
	return schoolIdText(ctx, i) || (await schoolForMessage(ctx, undefined));
}

/**
 * A picker's School ID (the field as it stands in the editor): a School ID still being typed lists
 * the credential's school rather than failing the picker.
 */
export function pickerSchoolId(ctx: ILoadOptionsFunctions): number | undefined {
	return parseSchoolIdField(ctx.getCurrentNodeParameter('schoolId')).schoolId;
}

/**
 * The school a request was for, as messages name it: the node's School ID, else the credential's
 * number (a message that says "school from the credential" leaves the reader to look it up).
 */
export async function schoolForMessage(
	ctx: BromcomContext,
	schoolId: number | undefined,
): Promise<string> {
	if (schoolId !== undefined) return String(schoolId);
	try {
		const fromCredential = await credentialSchoolId(ctx);
		if (Number.isFinite(fromCredential)) return String(fromCredential);
	} catch {
		// no credential to read: say where the school would have come from
	}
	return 'from the credential';
}

/** Options > Timeout (Seconds), in milliseconds: the Bromcom node's items and the trigger's polls. */
export function timeoutMs(options: IDataObject): number {
	return Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
}

export interface ItemSettings extends CallOptions {
	schoolId?: number;
	/** Stop reading once this many rows arrived (Return All off): Limit limits the download too. */
	maxRows?: number;
	/** Options > Trim Trailing Spaces. */
	trimValues?: boolean;
	/** Options > Convert Yes/No to Booleans. */
	yesNoToBoolean?: boolean;
}

/** School ID from the node (empty = the credential's) and the request options of item `i`. */
export function itemSettings(ctx: IExecuteFunctions, i: number): ItemSettings {
	const schoolId = schoolIdParameter(schoolIdText(ctx, i));
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const attempts = Number(options.attempts ?? POLICY.attempts);
	return {
		schoolId,
		itemIndex: i,
		timeoutMs: timeoutMs(options),
		attempts: Math.max(1, Math.min(10, Math.floor(attempts))),
		trimValues: options.trimValues === true,
		yesNoToBoolean: options.yesNoToBoolean === true,
	};
}

export function statusFilter(ctx: IExecuteFunctions, i: number, dates: DateColumns): string {
	const status = ctx.getNodeParameter('recordStatus', i, 'all') as RecordStatus;
	return recordStatusFilter(status, dates);
}

export function fieldsOption(ctx: IExecuteFunctions, i: number): string[] {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const fields = options.fields;
	if (Array.isArray(fields)) return fields.map(String).filter((f) => f.length > 0);
	if (typeof fields === 'string')
		return fields
			.split(',')
			.map((f) => f.trim())
			.filter((f) => f.length > 0);
	return [];
}

/** Limit for item `i`, or undefined with Return All. */
export function rowLimit(ctx: IExecuteFunctions, i: number): number | undefined {
	const returnAll = ctx.getNodeParameter('returnAll', i, true) as boolean;
	if (returnAll) return undefined;
	return Math.max(0, Math.floor(Number(ctx.getNodeParameter('limit', i, 50))));
}

export function limitRows<T>(ctx: IExecuteFunctions, i: number, rows: T[]): T[] {
	const limit = rowLimit(ctx, i);
	return limit === undefined || rows.length <= limit ? rows : rows.slice(0, limit);
}

/** Item settings with Limit as the read's row cap, for reads whose rows all reach the output. */
export function limitedSettings(
	ctx: IExecuteFunctions,
	i: number,
	settings: ItemSettings,
): ItemSettings {
	const limit = rowLimit(ctx, i);
	return limit === undefined ? settings : { ...settings, maxRows: limit };
}

export function requiredId(ctx: IExecuteFunctions, i: number, name: string, label: string): number {
	const id = optionalId(ctx, i, name, label);
	if (id === undefined)
		throw invalid(`${label} is empty. Enter a Bromcom ID: a positive whole number.`);
	return id;
}

/** An ID field that may be left empty (undefined); anything else must be a Bromcom ID. */
export function optionalId(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
): number | undefined {
	const raw = ctx.getNodeParameter(name, i, '') as unknown;
	const value =
		typeof raw === 'object' && raw !== null && 'value' in (raw as IDataObject)
			? (raw as IDataObject).value
			: raw;
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const n = parseBromcomId(value);
	if (n === undefined)
		throw invalid(
			`${label} "${String(value)}" is not a valid Bromcom ID: it must be a positive whole number.`,
		);
	return n;
}

const equalsId = (column: string, id: number) =>
	buildCondition({ field: column, operator: 'equals', value: id, type: 'number' });

/** `column = <the ID in field name>`: the filter of a read narrowed to one record. */
export function idCondition(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
	column: string,
): string {
	return equalsId(column, requiredId(ctx, i, name, label));
}

/** The same for an ID field that may be left empty: empty narrows nothing (''). */
export function optionalIdCondition(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
	column: string,
): string {
	const id = optionalId(ctx, i, name, label);
	return id === undefined ? '' : equalsId(column, id);
}
