#!/usr/bin/env node
/**
 * Takes docs/bromcom-node.png: the Bromcom node's parameters panel in the n8n editor, from a running
 * `npm run dev`. Uses Debian's Chromium (apt-get install chromium) headless, driven over the DevTools
 * protocol with Node's built-in WebSocket (Node >= 22).
 *
 * Usage: node docs/screenshot.js [editor URL, default http://127.0.0.1:5678] [workflow id] [node id]
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const editor = process.argv[2] || 'http://127.0.0.1:5678';
const workflowId = process.argv[3] || 'exMspRollup00001';
const nodeId = process.argv[4] || 'c';
const OWNER = { email: 'dev@bromcom-sandbox.example', password: 'BromcomSandbox1' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
	const login = await fetch(`${editor}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
	const [name, value] = login.headers.get('set-cookie').split(';')[0].split('=');

	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-chromium-'));
	const chrome = spawn(
		'/usr/bin/chromium',
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			`--user-data-dir=${profile}`,
			'--remote-debugging-port=9333',
			'--window-size=1440,960',
			'about:blank',
		],
		{ stdio: 'ignore' },
	);
	try {
		let targets;
		for (let i = 0; i < 50 && !targets; i++) {
			await sleep(200);
			targets = await fetch('http://127.0.0.1:9333/json')
				.then((r) => r.json())
				.catch(() => undefined);
		}
		const page = targets.find((t) => t.type === 'page');
		const ws = new WebSocket(page.webSocketDebuggerUrl);
		await new Promise((r) => ws.addEventListener('open', r, { once: true }));
		let id = 0;
		const pending = new Map();
		ws.addEventListener('message', (event) => {
			const msg = JSON.parse(event.data);
			if (msg.id && pending.has(msg.id)) {
				pending.get(msg.id)(msg);
				pending.delete(msg.id);
			}
		});
		const send = (method, params = {}) =>
			new Promise((resolve) => {
				pending.set(++id, resolve);
				ws.send(JSON.stringify({ id, method, params }));
			});
		await send('Network.enable');
		await send('Emulation.setDeviceMetricsOverride', {
			width: 1440,
			height: 960,
			deviceScaleFactor: 1,
			mobile: false,
		});
		await send('Network.setCookie', { name, value, url: editor });
		await send('Page.navigate', { url: `${editor}/workflow/${workflowId}/${nodeId}` });
		await sleep(12000);
		const shot = await send('Page.captureScreenshot', { format: 'png' });
		const out = path.join(__dirname, 'bromcom-node.png');
		fs.writeFileSync(out, Buffer.from(shot.result.data, 'base64'));
		process.stdout.write(`${out}\n`);
		ws.close();
	} finally {
		chrome.kill('SIGKILL');
		fs.rmSync(profile, { recursive: true, force: true });
	}
})().catch((e) => {
	process.stderr.write(`${e.message}\n`);
	process.exit(1);
});
