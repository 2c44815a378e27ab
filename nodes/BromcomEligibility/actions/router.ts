/**
 * The eligibility node's one loop: each item runs the chosen operation on its own, a failure becomes
 * an item on the second output with Continue On Fail, and the operation may finish the run.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	CUSTOM_API_CALL,
	customApiCallError,
	errorItem,
	toNodeError,
} from '../../Bromcom/n8n/errors';
import { OPERATIONS } from './operations';
import type { Run } from './types';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === CUSTOM_API_CALL) throw customApiCallError(this.getNode());
	const op = OPERATIONS.find((o) => o.option.value === operation);
	if (!op)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known.`);
	if (op.executeAll) {
		try {
			return op.executeAll(this, items);
		} catch (error) {
			throw toNodeError(this.getNode(), error, { action: op.action });
		}
	}
	const run: Run = { items, rosters: [] };
	const outputs: INodeExecutionData[][] = op.outputs.map(() => []);
	for (let i = 0; i < items.length; i++) {
		try {
			const results = await op.execute!(this, i, run);
			for (let o = 0; o < results.length; o++) for (const item of results[o]) outputs[o].push(item);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, {
				itemIndex: i,
				action: op.action,
				school: op.schoolOf ? await op.schoolOf(this, i) : undefined,
			});
			if (this.continueOnFail()) {
				outputs[1].push(errorItem(nodeError, i));
				continue;
			}
			throw nodeError;
		}
	}
	await op.finish?.(this, outputs, run);
	return outputs;
}
