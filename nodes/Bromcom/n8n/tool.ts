/**
 * Whether this run is an AI agent's (or an MCP client's) call of the node as a tool. n8n makes a
 * node with `usableAsTool` into a second node type named `<name>Tool` ("Bromcom Tool"), which has no
 * main input and one `ai_tool` output, so it can only ever run as a tool (n8n 2.41
 * packages/cli/src/tool-generation/ai-tools.ts, convertNodeToAiTool; n8n 1.x
 * load-nodes-and-credentials.ts, the same): the type's name is the fact that holds on every path.
 * The execute context's `isToolExecution()` (n8n 2.x) is true only when the tool runs inside the
 * agent's own sub-node context; the AI Agent v3 and the MCP Server Trigger have the engine run the
 * tool node as a node of its own (requests-response.ts), where it says false. n8n's editor uses the
 * same name rule for its `@tool` display condition (n8n-workflow's getPropertyValues).
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

/** Whether a node type's name is the tool form of a node ("n8n-nodes-bromcom.bromcomTool"). */
export function isToolType(type: string): boolean {
	return type.slice(type.lastIndexOf('.') + 1).endsWith('Tool');
}

export function isToolCall(
	ctx: Pick<IExecuteFunctions, 'getNode'> & { isToolExecution?: unknown },
) {
	if (isToolType((ctx.getNode() as INode).type)) return true;
	// n8n 1.x's execute context has no isToolExecution.
	return typeof ctx.isToolExecution === 'function' && ctx.isToolExecution() === true;
}
