/**
 * A scripted OpenAI-compatible chat server on loopback, for proving the AI Agent path without a real
 * model: n8n's OpenAI Chat Model node (its credential's Base URL pointed here) sends
 * `POST /v1/chat/completions` as the OpenAI API defines it
 * (https://platform.openai.com/docs/api-reference/chat/create), and each answer is the next step of a
 * script: a function of the request that returns either a tool call or a final text.
 *
 * Every request is recorded as received, so a test reads exactly what n8n handed the model: the tools
 * it offered (their names, descriptions and JSON schemas) and each tool's output (the `tool` messages).
 * Answers stream (server-sent events) when the request asks for `stream: true`, as LangChain may.
 */
const http = require('node:http');

/**
 * @typedef {{ role: string, content?: any, tool_calls?: any[], tool_call_id?: string, name?: string }} ChatMessage
 * @typedef {{ model?: string, messages: ChatMessage[], tools?: any[], stream?: boolean, [k: string]: any }} ChatRequest
 * @typedef {{ toolCall: { name: string, arguments: Record<string, unknown> } } | { text: string }} ScriptStep
 */

/** The text of a message's content (a string, or OpenAI's array of parts). */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((p) => (typeof p === 'string' ? p : (p.text ?? ''))).join('');
	return '';
}

/** The outputs of the tool calls in a request, in order: what n8n handed back to the model. */
function toolResults(request) {
	return request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
}

/** The tool named `name` among those n8n offered in a request (OpenAI's `tools` array), or undefined. */
function offeredTool(request, name) {
	return (request.tools ?? []).map((t) => t.function ?? t).find((f) => f.name === name);
}

/**
 * @param {{ script?: Array<(request: ChatRequest) => ScriptStep> }} [options]
 */
function createChatModel({ script = [] } = {}) {
	/** @type {ChatRequest[]} */
	const requests = [];
	/** @type {Array<(request: ChatRequest) => ScriptStep>} */
	let steps = script.slice();
	let calls = 0;

	function answer(request) {
		const step = steps.shift();
		if (!step)
			return {
				text: `The scripted model has no step left for request ${requests.length} (${request.messages.length} messages).`,
			};
		return step(request);
	}

	function completion(step) {
		calls++;
		const id = `chatcmpl-${calls}`;
		const created = Math.floor(Date.now() / 1000);
		const message =
			'toolCall' in step
				? {
						role: 'assistant',
						content: null,
						tool_calls: [
							{
								id: `call_${calls}`,
								type: 'function',
								function: {
									name: step.toolCall.name,
									arguments: JSON.stringify(step.toolCall.arguments),
								},
							},
						],
					}
				: { role: 'assistant', content: step.text };
		return {
			id,
			created,
			message,
			finish: 'toolCall' in step ? 'tool_calls' : 'stop',
		};
	}

	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			const url = (req.url ?? '').replace(/\?.*$/, '');
			if (req.method === 'GET' && url.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ object: 'list', data: [{ id: 'scripted', object: 'model' }] }));
				return;
			}
			if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url}` } }));
				return;
			}
			/** @type {ChatRequest} */
			let request;
			try {
				request = JSON.parse(body);
			} catch {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: 'body is not JSON' } }));
				return;
			}
			requests.push(request);
			const { id, created, message, finish } = completion(answer(request));
			const model = request.model ?? 'scripted';
			const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
			if (!request.stream) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						id,
						object: 'chat.completion',
						created,
						model,
						choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
						usage,
					}),
				);
				return;
			}
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
			const chunk = (delta, finishReason = null, extra = {}) =>
				res.write(
					`data: ${JSON.stringify({
						id,
						object: 'chat.completion.chunk',
						created,
						model,
						choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
						...extra,
					})}\n\n`,
				);
			if (message.tool_calls) {
				chunk({
					role: 'assistant',
					content: null,
					tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })),
				});
			} else {
				chunk({ role: 'assistant', content: '' });
				chunk({ content: message.content });
			}
			chunk({}, finish);
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
			);
			res.end('data: [DONE]\n\n');
		});
	});

	return {
		requests,
		/** Replaces the script: one step per model call, in order. */
		setScript(next) {
			steps = next.slice();
		},
		/** Steps not used yet. */
		get pending() {
			return steps.length;
		},
		clear() {
			requests.length = 0;
		},
		/** @returns {Promise<string>} the base URL for the OpenAI credential (…/v1) */
		async start(port = 0) {
			await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
			const address = /** @type {import('node:net').AddressInfo} */ (server.address());
			return `http://127.0.0.1:${address.port}/v1`;
		},
		async stop() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

module.exports = { createChatModel, toolResults, offeredTool, textOf };
