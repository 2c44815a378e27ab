'use strict';
/**
 * A proxy in front of the sandbox that makes chosen cells NULL the way a .NET DataSet writes NULL: the
 * column's element is left out of the row (docs/bromcom-facts.md, Response shape). Only DataSet
 * answers of `getEntityDataBySchoolID` for one entity are touched; everything else passes unchanged.
 *
 * `proxy.nulls` is the rule in force: `{ entity, column, where: (rowXml) => boolean }` or null.
 */
const http = require('node:http');

function escapeRe(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The DataSet text with `column`'s element removed from every `<Table>` row `where` accepts. */
function withNulls(xml, column, where) {
	const cell = new RegExp(`<${escapeRe(column)}>[^<]*</${escapeRe(column)}>`);
	return xml.replace(/<Table\b[^>]*>[\s\S]*?<\/Table>/g, (row) =>
		where(row) ? row.replace(cell, '') : row,
	);
}

async function startNullProxy(target) {
	const proxy = {
		/** @type {{ entity: string, column: string, where: (row: string) => boolean } | null} */
		nulls: null,
		/** Rows changed by the rule so far. */
		nulled: 0,
		url: '',
		server: /** @type {http.Server | null} */ (null),
		async stop() {
			if (proxy.server) await new Promise((resolve) => proxy.server.close(resolve));
		},
	};
	proxy.server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const headers = { ...req.headers };
		delete headers.host;
		delete headers['content-length'];
		let answer;
		try {
			answer = await fetch(`${target}${req.url}`, {
				method: req.method,
				headers,
				body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
			});
		} catch {
			req.socket.destroy();
			return;
		}
		let text = await answer.text();
		// The rule in force when the answer came back: a rule set before the rows it names were added
		// covers every answer that holds them.
		const rule = proxy.nulls;
		const request = body.toString('utf8');
		if (
			rule &&
			answer.status === 200 &&
			/getEntityDataBySchoolID/.test(request) &&
			new RegExp(`<entityName>${escapeRe(rule.entity)}</entityName>`, 'i').test(request)
		) {
			const before = text;
			text = withNulls(text, rule.column, rule.where);
			if (text !== before) proxy.nulled++;
		}
		/** @type {Record<string, string>} */
		const out = {};
		answer.headers.forEach((value, name) => {
			if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(name))
				out[name] = value;
		});
		res.writeHead(answer.status, out);
		res.end(text);
	});
	await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', () => resolve(undefined)));
	proxy.url = `http://127.0.0.1:${/** @type {any} */ (proxy.server.address()).port}`;
	return proxy;
}

/** A `where` for rows whose `column` holds one of `values`. */
function rowsWith(column, values) {
	const wanted = new Set(values.map(String));
	const cell = new RegExp(`<${escapeRe(column)}>([^<]*)</${escapeRe(column)}>`);
	return (row) => {
		const m = cell.exec(row);
		return m !== null && wanted.has(m[1]);
	};
}

module.exports = { startNullProxy, withNulls, rowsWith };
