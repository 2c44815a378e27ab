import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapGrouped } from '../core/concurrency';
import { SchemaCache } from './read';
import { CUSTOM_API_CALL, customApiCallError, errorItem, toNodeError } from '../n8n/errors';
import { isToolCall } from '../n8n/tool';
import { forTheAgent } from './agent';
import { findOperation } from './resources';
import type { Shared } from './types';
import { itemSchoolForMessage, schoolIdText } from '../n8n/settings';

/** Requests in flight at once: per school (politeness) and in total. */
const PER_SCHOOL = 2;
const OVERALL = 4;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const chosen = this.getNode().parameters;
	if (chosen.resource === CUSTOM_API_CALL || chosen.operation === CUSTOM_API_CALL)
		throw customApiCallError(this.getNode());
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = findOperation(resource, operation);
	if (!op)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not known for "${resource}".`,
		);
	const shared: Shared = { schemas: new SchemaCache(this) };
	// An AI agent's (or MCP client's) call: a read hands the model the minimum (actions/agent.ts); a
	// write decides Dry Run by the tool's own switch (actions/write.ts, isDryRun).
	const asTool = isToolCall(this);

	const run = async (i: number) => {
		try {
			const rows = await op.execute.call(this, i, shared);
			return {
				rows: asTool && !op.sequential ? await forTheAgent(this, i, op.agent, rows, shared) : rows,
			};
		} catch (error) {
			return {
				error: toNodeError(this.getNode(), error, {
					itemIndex: i,
					school: await itemSchoolForMessage(this, i),
				}),
			};
		}
	};
	type Outcome = Awaited<ReturnType<typeof run>>;

	let outcomes: Outcome[];
	if (op.sequential) {
		// Writes go one at a time, in item order. Without Continue On Fail, the first failure stops the
		// writes after it, and the error keeps the record of the writes that did happen before it.
		outcomes = [];
		for (let i = 0; i < items.length; i++) {
			const outcome = await run(i);
			outcomes.push(outcome);
			if (outcome.error && !this.continueOnFail()) {
				const sent = outcomes.flatMap((o, k) =>
					(o.rows ?? [])
						.filter((r) => r.status === 'sent')
						.map(
							(r) =>
								`item ${k}: ${String(r.operation)} ${JSON.stringify(r.target)} (key ${String(r.idempotencyKey)})`,
						),
				);
				const left = items.length - i - 1;
				const record = [
					sent.length > 0
						? `Written to Bromcom in this run before this item failed: ${sent.join('; ')}.`
						: 'Nothing was written to Bromcom in this run before this item failed.',
					left > 0 ? `The ${left} item(s) after it were not sent.` : '',
				]
					.filter(Boolean)
					.join(' ');
				outcome.error.description = [outcome.error.description, record]
					.filter(Boolean)
					.join('\n\n');
				break;
			}
		}
	} else {
		// Every item runs on its own: one school's failure never stops the others; reads run a few at a
		// time per school.
		outcomes = await mapGrouped(
			items,
			(_item, i) => schoolIdText(this, i) || 'credential',
			PER_SCHOOL,
			OVERALL,
			async (_item, i) => await run(i),
		);
	}

	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < outcomes.length; i++) {
		const { rows, error } = outcomes[i] as {
			rows?: IDataObject[];
			error?: ReturnType<typeof toNodeError>;
		};
		if (error) {
			if (this.continueOnFail()) {
				returnData.push(errorItem(error, i));
				continue;
			}
			throw error;
		}
		// One push per row: spreading a large array into push() overflows the call stack (~120k rows).
		const list = rows ?? [];
		for (let k = 0; k < list.length; k++)
			returnData.push({ json: list[k], pairedItem: { item: i } });
	}
	return [returnData];
}
