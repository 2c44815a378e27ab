'use strict';
/**
 * The editor, as a person uses it: Playwright (playwright-core, installed on first use into the cache
 * like n8n itself) driving Debian's Chromium against one real n8n with this package installed.
 * - A person's first steps: sign in, find Bromcom in the node panel, the trigger's Fetch Test Event,
 *   Student › Get Many with a filter from the column picker, the credential test right and wrong.
 * - The UI contract: every node × resource × operation added from the node panel shows its Resource
 *   and Operation pickers (switchable, listing exactly the description's options), every parameter the
 *   node's description (loaded from dist/, as n8n loads it) declares for it under its display
 *   conditions, its credential exactly when the description asks for one, and no error.
 * - Every example in examples/ imported, executed in the editor, its output checked against the sandbox
 *   (the chat example, which needs a model, is opened instead; test/e2e/agents.e2e.js runs it).
 * Screenshots only when a step fails (test/browser/screenshots/); with BROMCOM_REFRESH_SCREENSHOT=1
 * the first steps also refresh docs/bromcom-node.png, the README's picture (else the tree is untouched).
 * Run: npm run test:browser (needs /usr/bin/chromium: `apt-get install chromium`, as .ci/run does).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { NodeHelpers } = require('n8n-workflow');
const { commonPollingParameters } = require('n8n-core/dist/nodes-loader/constants');

const rt = require('../../scripts/n8n-runtime');
const { createSandbox } = require('../../sandbox/server');

const PLAYWRIGHT = '1.65.1';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PORT = Number(process.env.BROWSER_N8N_PORT || 5988);
const SHOTS = path.join(__dirname, 'screenshots');
const OWNER = {
	email: 'browser@bromcom-sandbox.example',
	firstName: 'School',
	lastName: 'Admin',
	password: 'BrowserTest1',
};
const CURRENT_FILTER = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-browser-'));
let sandbox;
let server;
let browser;
let page;
/** The n8n CLI (for the path of n8n's own modules) and an owner session for its REST API. */
let n8n;
let cookie;
/** @type {string[]} */
const seen = [];
/** What went wrong in the page (a thrown error, an n8n REST call that failed with 5xx), in order. */
/** @type {string[]} */
const failures = [];
let failuresSeen = 0;
/** n8n REST requests sent and not answered yet. */
let pendingRest = 0;

function playwright() {
	const dir = path.join(rt.CACHE, `playwright-core-${PLAYWRIGHT}`);
	const entry = path.join(dir, 'node_modules', 'playwright-core');
	if (!fs.existsSync(path.join(entry, 'package.json'))) {
		rt.log(
			`installing playwright-core ${PLAYWRIGHT} into ${dir} (no browser download: Debian's Chromium is used)…`,
		);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
		execFileSync(
			'npm',
			['install', '--no-audit', '--no-fund', '--ignore-scripts', `playwright-core@${PLAYWRIGHT}`],
			{ cwd: dir, stdio: 'inherit' },
		);
	}
	return require(entry);
}

/** A screenshot of the page: only a failed step takes one (and the README's picture is refreshed). */
async function shot(name) {
	fs.mkdirSync(SHOTS, { recursive: true });
	const file = path.join(SHOTS, `${name}.png`);
	await page.screenshot({ path: file });
	rt.log(`screenshot ${path.relative(rt.ROOT, file)}`);
	return file;
}

before(async () => {
	assert.ok(
		fs.existsSync(CHROMIUM),
		`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`,
	);
	// As `npm run dev` sets it up: the edge-case school for the SDS example, and school 20003 without
	// Students for the MSP roll-up's error line.
	sandbox = createSandbox({ size: 'small', seed: 1, fixtures: true });
	sandbox.changes.revokeEntity({ schoolId: 20003, username: 'sandbox', entity: 'Students' });
	const url = await sandbox.start(0);
	const nodeBin = rt.ensureNode24();
	n8n = {
		nodeBin,
		cli: rt.ensureN8n(nodeBin),
		env: rt.n8nEnv(path.join(work, 'home'), PORT, { GENERIC_TIMEZONE: 'Europe/London' }),
	};
	rt.installPackage(path.join(work, 'home'), rt.packPackage(work));
	// The Partner credential first: a new node picks the credential changed last (the third-party one).
	/** @type {Array<{ name: string, credentials: object[] }>} */
	const files = [
		{ name: 'partner.json', credentials: [rt.sandboxPartnerCredential(url)] },
		{ name: 'credentials.json', credentials: [rt.sandboxCredential(url)] },
	];
	for (const { name, credentials } of files) {
		fs.writeFileSync(path.join(work, name), JSON.stringify(credentials));
		const imported = await rt.n8nCli(n8n, [
			'import:credentials',
			`--input=${path.join(work, name)}`,
		]);
		assert.equal(imported.code, 0, imported.stderr);
	}
	const examples = await rt.n8nCli(n8n, [
		'import:workflow',
		'--separate',
		`--input=${path.join(rt.ROOT, 'examples')}`,
	]);
	assert.equal(examples.code, 0, examples.stderr);
	server = await rt.startN8n(n8n);
	cookie = await rt.ownerSession(server.base, OWNER);
	const { chromium } = playwright();
	// Playwright gives every launch a fresh, empty profile of its own (it refuses --user-data-dir here).
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
		],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	// Leaving a workflow with unsaved changes asks first: the walk leaves many.
	page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
	// What the page did, for a failed step's report: its errors, its push connection, its REST calls.
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			seen.push(`console ${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
	page.on('websocket', (ws) => {
		seen.push(`websocket open ${ws.url()}`);
		ws.on('close', () => seen.push(`websocket closed ${ws.url()}`));
	});
	page.on('response', (r) => {
		if (!r.url().includes('/rest/')) return;
		const line = `${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`;
		seen.push(line);
		if (r.status() >= 500)
			void r
				.text()
				.catch(() => '')
				.then((body) => failures.push(`${line}: ${body.slice(0, 500)}`));
	});
	page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
	const rest = (r) => r.url().includes('/rest/') && !r.url().includes('/rest/push');
	page.on('request', (r) => void (rest(r) && pendingRest++));
	page.on('requestfinished', (r) => void (rest(r) && pendingRest--));
	page.on('requestfailed', (r) => void (rest(r) && pendingRest--));
	page.setDefaultTimeout(30000);
	// Signed in once, as a person does; every test starts from there.
	await page.goto(`${server.base}/signin`);
	await page.getByLabel('Email').fill(OWNER.email);
	await page.getByLabel('Password').fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => !u.pathname.includes('signin'), { timeout: 60000 });
});

after(async () => {
	if (browser) await browser.close();
	if (server) await server.stop();
	if (sandbox) await sandbox.stop();
	fs.rmSync(work, { recursive: true, force: true });
});

const byTest = (id) => page.locator(`[data-test-id="${id}"]`);

/**
 * Runs a test's steps; if one fails, leaves what a person would have seen and what the page did: a
 * screenshot, the text of the open panel and of any notification, the page's last events and the end of
 * n8n's own log, then fails with the step's error.
 * @param {string} step
 * @param {() => Promise<void>} fn
 * @returns {Promise<void>}
 */
async function explained(step, fn) {
	try {
		await fn();
	} catch (error) {
		await shot(`failed-${step}`).catch(() => undefined);
		const text = async (selector) =>
			(
				await page
					.locator(selector)
					.allInnerTexts()
					.catch(() => [])
			)
				.join('\n---\n')
				.slice(0, 4000);
		rt.log(
			`${step} failed; the open panel read:\n${await text('[data-test-id="ndv"], [data-test-id="editCredential-modal"]')}`,
		);
		rt.log(`notifications:\n${await text('.el-notification')}`);
		rt.log(`the page's last events:\n${seen.slice(-60).join('\n')}`);
		rt.log(`n8n's log ended:\n${server.output().slice(-4000)}`);
		throw error;
	}
}

async function openBromcomInPanel(plus) {
	await byTest(plus).click();
	await byTest('node-creator-search-bar').fill('Bromcom');
	await byTest('node-creator-item-name')
		.filter({ hasText: /^Bromcom$/ })
		.first()
		.click();
}

test('a person adds the trigger and Student › Get Many with a filter, and reads the output', () =>
	explained('editor-flow', async () => {
		await page.goto(`${server.base}/workflow/new`);
		await page.getByText('Add first step').waitFor();
		const gotIt = page.getByRole('button', { name: 'Got it' });
		if (await gotIt.isVisible().catch(() => false)) await gotIt.click();

		// The node panel finds the package's nodes.
		await byTest('canvas-plus-button').click();
		await byTest('node-creator-search-bar').fill('Bromcom');
		await byTest('node-creator-item-name')
			.filter({ hasText: /Consent & Eligibility/ })
			.first()
			.waitFor();
		const names = await byTest('node-creator-item-name').allTextContents();
		assert.ok(
			names.some((n) => n.trim() === 'Bromcom') &&
				names.some((n) => /Consent & Eligibility/.test(n)),
			JSON.stringify(names),
		);
		await byTest('node-creator-item-name')
			.filter({ hasText: /^Bromcom$/ })
			.first()
			.click();
		for (const event of [
			'On new record',
			'On record left',
			'On record updated',
			'On record restored',
		])
			await page.getByText(event).waitFor();

		// The trigger: the only credential of its type is picked; Fetch Test Event shows marked samples.
		await page.getByText('On new record').click();
		await byTest('node-credentials-select').waitFor();
		await byTest('node-execute-button').first().click();
		// The first execution of a fresh n8n loads the node's code and reads Bromcom: give it time on a busy machine.
		// Wait for what a person looks at, the rows in the output panel, not n8n's success toast: in one run in
		// six the rows were there and no 'Node executed successfully' ever showed (n8n 2.41's editor words the
		// toast 'Workflow executed successfully' when its execution-started push wins a race with the run
		// request's answer).
		await byTest('output-panel')
			.getByText('sample', { exact: true })
			.first()
			.waitFor({ timeout: 90000 });
		const sample = await byTest('output-panel').innerText();
		assert.match(sample, /5 items/);
		assert.match(sample, /sample/);
		assert.match(sample, /20001/, 'the samples carry the School ID read from the credential');
		await byTest('ndv-close-button').click();

		// Student › Get Many, a filter on a column chosen from the picker, executed.
		await openBromcomInPanel('node-creator-plus-button');
		await page.getByText('Get many students').click();
		await page.getByRole('button', { name: 'Add Condition' }).click();
		await page
			.locator(
				'[data-test-id="fixed-collection-filters"] [data-test-id="parameter-input-field"] input',
			)
			.first()
			.click();
		await page.keyboard.type('YearGroup');
		const option = page
			.locator('.el-select-dropdown__item:visible')
			.filter({ hasText: /^\s*YearGroup\s*string\s*$/ })
			.first();
		await option.waitFor();
		const columns = await page.locator('.el-select-dropdown__item:visible').allTextContents();
		assert.ok(
			columns.some((c) => /^YearGroupID\s*int$/.test(c.trim())),
			`the column picker lists the entity's columns with their types: ${JSON.stringify(columns)}`,
		);
		await option.click();
		await page
			.locator(
				'[data-test-id="fixed-collection-filters"] [data-test-id="parameter-input-value"] input, [data-test-id="fixed-collection-filters"] [data-test-id="parameter-input-value"] textarea',
			)
			.first()
			.fill('7');
		await byTest('node-execute-button').first().click();
		await byTest('output-panel').getByText('StudentID', { exact: true }).first().waitFor();
		const output = await byTest('output-panel').innerText();
		const year7 = sandbox.rows(
			'Students',
			20001,
			"GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE()) AND YearGroup = '7'",
		).length;
		// Five trigger samples in, one Get Many per item, Limit 50 each.
		assert.match(output, new RegExp(`\\b${5 * Math.min(50, year7)} items`), output.slice(0, 300));
		assert.match(output, /StudentID/);
		// The README's picture, from this run, when asked (a test run leaves the tracked tree as it was).
		if (process.env.BROMCOM_REFRESH_SCREENSHOT === '1')
			await page.screenshot({ path: path.join(rt.ROOT, 'docs', 'bromcom-node.png') });
	}));

test('the credential test in the editor: the right password passes, a wrong one says what to fix', () =>
	explained('credential-test', async () => {
		await page.goto(`${server.base}/home/credentials`);
		await page.getByText('Bromcom Sandbox').first().click();
		await page.getByText('Connection tested successfully').waitFor();
		await byTest('parameter-input-password').locator('input').fill('wrong-password');
		await byTest('credential-save-button').click();
		await page.getByText('Couldn’t connect with these settings').waitFor();
		const more = page.getByText('More details');
		if (await more.isVisible().catch(() => false)) await more.click();
		await page
			.getByText(/Invalid username or password/)
			.first()
			.waitFor();
		const text = await byTest('editCredential-modal').innerText();
		assert.match(text, /Modules > Setup > System Users/);
		assert.ok(!text.includes('wrong-password'));
		// The right password back, for the tests after this one.
		await byTest('parameter-input-password').locator('input').fill('sandbox');
		await byTest('credential-save-button').click();
		await page.getByText('Connection tested successfully').waitFor();
	}));

// ---- The UI contract: every node × resource × operation ------------------------------------------

/**
 * The package's node descriptions as n8n loads them: from the built dist/ (before() built it).
 * BROWSER_CONTRACT_NODES=bromcomEligibility,… walks only those nodes (to look into one).
 */
function builtDescriptions() {
	const pkg = JSON.parse(fs.readFileSync(path.join(rt.ROOT, 'package.json'), 'utf8'));
	const only = (process.env.BROWSER_CONTRACT_NODES ?? '').split(',').filter(Boolean);
	return pkg.n8n.nodes
		.map((file) => {
			const exported = require(path.join(rt.ROOT, file));
			const NodeClass = /** @type {any} */ (Object.values(exported)[0]);
			/** @type {import('n8n-workflow').INodeTypeDescription} */
			const description = new NodeClass().description;
			// What n8n's loader adds to every polling node (n8n-core's applySpecialNodeParameters).
			if (description.polling) description.properties.unshift(...commonPollingParameters);
			return description;
		})
		.filter((d) => only.length === 0 || only.includes(d.name));
}

/** The version n8n adds from the node panel. */
const addedVersion = (d) =>
	d.defaultVersion ?? (Array.isArray(d.version) ? Math.max(...d.version) : d.version);

/** What a node of `d` with `chosen` set holds: n8n fills every other shown parameter's default. */
function nodeWith(d, chosen) {
	const node = /** @type {any} */ ({
		id: 'n',
		name: 'n',
		type: d.name,
		typeVersion: addedVersion(d),
		position: [0, 0],
		parameters: chosen,
	});
	node.parameters = NodeHelpers.getNodeParameters(d.properties, chosen, true, false, node, d);
	return node;
}

/**
 * What the panel must show for `node`, from the description alone: each top-level parameter whose
 * displayOptions hold (n8n-workflow's own rule), minus type `hidden`, minus the `authentication`
 * parameter the credentials choose by, which n8n's editor shows in the credential dialog instead.
 * Anything else n8n hides is what this test is for (n8n 2.41 hid the eligibility node's Operation).
 */
function expectedPanel(d, node) {
	const authKey = (d.credentials ?? []).some((c) => c.displayOptions?.show?.authentication)
		? 'authentication'
		: undefined;
	const shown = (p) => NodeHelpers.displayParameter(node.parameters, p, node, d);
	return {
		parameters: d.properties
			.filter((p) => p.type !== 'hidden' && p.name !== authKey && shown(p))
			.map((p) => ({ name: p.name, label: p.displayName, notice: p.type === 'notice' })),
		credential: (d.credentials ?? []).some((c) => shown(c)),
	};
}

/** The subtitle n8n shows under the node on the canvas, evaluated from the description. */
function expectedSubtitle(d, node) {
	const body = String(d.subtitle ?? '').replace(/^=\{\{\s*|\s*\}\}$/g, '');
	return body ? String(new Function('$parameter', `return (${body});`)(node.parameters)) : '';
}

const optionsOf = (d, name, node) =>
	d.properties.find(
		(p) => p.name === name && NodeHelpers.displayParameter(node.parameters, p, node, d),
	)?.options ?? [];

/** The panel as shown: each visible parameter's label (a notice: its text), and the credential slot. */
async function shownPanel() {
	const parameters = await page
		.locator('[data-test-id="node-parameters"] [data-test-id="parameter-item"]')
		.evaluateAll((items) =>
			items
				// Top-level parameters: a collection's own fields are its business.
				.filter(
					(e) =>
						/** @type {any} */ (e).offsetParent !== null &&
						e.parentElement?.closest('[data-test-id="parameter-item"]') == null,
				)
				.map((e) => {
					const label = e.querySelector('[data-test-id="input-label"]');
					return label
						? /** @type {any} */ (label).innerText.split('\n')[0].trim()
						: /** @type {any} */ (e).innerText.trim();
				}),
		);
	const credential = await byTest('node-credentials-select').isVisible();
	const text = await byTest('node-parameters').innerText();
	return { parameters, credential, text };
}

/** Waits until the panel shows exactly `expected`; fails with both lists when it does not. */
async function panelShows(expected, where) {
	const want = expected.parameters.map((p) => (p.notice ? `notice: ${p.label}` : p.label));
	let got;
	for (let tries = 0; tries < 40; tries++) {
		const panel = await shownPanel();
		got = {
			parameters: panel.parameters.map((label, k) => {
				const e = expected.parameters[k];
				return e?.notice && label.startsWith(e.label.slice(0, 40)) ? `notice: ${e.label}` : label;
			}),
			credential: panel.credential,
			text: panel.text,
		};
		if (
			JSON.stringify(got.parameters) === JSON.stringify(want) &&
			got.credential === expected.credential
		)
			break;
		await page.waitForTimeout(250);
	}
	assert.deepEqual(got.parameters, want, `${where}: the panel's parameters`);
	assert.equal(
		got.credential,
		expected.credential,
		`${where}: a credential ${expected.credential ? 'is' : 'is not'} asked for`,
	);
	// No error on open: in the panel, in a notification, or thrown by the page.
	assert.doesNotMatch(got.text, /\b(error|could not|couldn.t|failed)\b/i, `${where}: ${got.text}`);
	const toasts = await page.locator('.el-notification:visible').allInnerTexts();
	assert.deepEqual(toasts, [], `${where}: notifications on open`);
	// The panel's own requests (pickers load their options on open) have answered.
	for (let waited = 0; pendingRest > 0 && waited < 15000; waited += 100)
		await page.waitForTimeout(100);
	const fresh = failures.slice(failuresSeen);
	failuresSeen = failures.length;
	assert.deepEqual(fresh, [], `${where}: the page threw, or a request of the panel failed`);
}

/** Opens a picker (`parameter-input-<name>`), checks it lists exactly `names`, and picks `pick`. */
/** Waits until no picker's list is open (a closing list stays in the page for its animation). */
async function noListOpen() {
	await page.waitForFunction(
		() =>
			[
				.../** @type {any} */ (globalThis).document.querySelectorAll('.el-select-dropdown__item'),
			].every((e) => e.offsetParent === null),
		undefined,
		{ timeout: 10000 },
	);
}

async function pick(name, names, choose, where) {
	await noListOpen();
	await byTest(`parameter-input-${name}`).click();
	const list = page.locator('.el-select-dropdown__item:visible');
	await list.first().waitFor();
	const listed = await page
		.locator('.el-select-dropdown__item:visible .option-headline')
		.allInnerTexts();
	assert.deepEqual(
		listed.map((t) => t.trim()),
		names,
		`${where}: the ${name} picker lists exactly the description's options`,
	);
	await list
		.filter({
			has: page.locator('.option-headline', { hasText: new RegExp(`^${escapeRe(choose)}$`) }),
		})
		.first()
		.click();
	await noListOpen();
	// Taken when the picker shows it.
	await page.waitForFunction(
		([id, value]) => {
			const input = /** @type {any} */ (globalThis).document.querySelector(
				`[data-test-id="parameter-input-${id}"] input`,
			);
			return input !== null && input.value === value;
		},
		[name, choose],
		{ timeout: 10000 },
	);
}

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An empty canvas with the node panel open on `displayName`'s entry. The canvas is emptied in place
 * (close the panel, select all, delete) rather than reloaded: a reload costs seconds on a busy machine.
 */
async function openNodeEntry(displayName, title) {
	const empty = page.getByText('Add first step');
	if (!/\/workflow\//.test(page.url()) || !(await byTest('canvas-plus-button').isVisible())) {
		if (
			await byTest('ndv-close-button')
				.isVisible()
				.catch(() => false)
		)
			await byTest('ndv-close-button').click();
		if ((await byTest('canvas-node').count()) > 0 && /\/workflow\//.test(page.url())) {
			await byTest('canvas-node').first().click();
			await page.keyboard.press('ControlOrMeta+a');
			await page.keyboard.press('Delete');
		} else {
			await page.goto(`${server.base}/workflow/new`);
		}
		await empty.waitFor({ timeout: 60000 });
	}
	await byTest('canvas-plus-button').click();
	await byTest('node-creator-search-bar').fill(displayName);
	await byTest('node-creator-item-name')
		.filter({ hasText: new RegExp(`^${escapeRe(displayName)}$`) })
		.first()
		.click();
	// The node's entries: its events are listed, its actions sometimes folded under "Actions (N)".
	const entry = page.getByText(title, { exact: true });
	const more = page.getByText(/^Actions \(\d+\)$/);
	await entry.or(more).first().waitFor();
	// The folded list is opened only when it stays folded (the header shows before an open list's items).
	await entry
		.first()
		.waitFor({ timeout: 3000 })
		.catch(async () => await more.click());
	await entry.first().waitFor();
}

/**
 * The panel's entries for a node: its actions (one per resource × operation, named by the
 * operation's action), or a trigger's events ("On " + the Trigger On option), with what each sets.
 */
function entriesOf(d) {
	const v = { typeVersion: addedVersion(d) };
	if (d.group.includes('trigger')) {
		const on = d.properties.find((p) => p.name === 'triggerOn');
		return (on?.options ?? []).map((o) => ({
			title: `On ${o.name.toLowerCase()}`,
			chosen: { triggerOn: [o.value] },
		}));
	}
	const resources = d.properties.find((p) => p.name === 'resource');
	const pairs = resources ? resources.options.map((r) => ({ resource: r.value })) : [{}];
	return pairs.flatMap((chosen) =>
		optionsOf(d, 'operation', nodeWith(d, chosen)).map((o) => ({
			title: o.action ?? o.name,
			chosen: { ...chosen, operation: o.value },
			...v,
		})),
	);
}

test('UI contract: every node × resource × operation from the node panel shows its pickers, its parameters and no error', () =>
	explained('ui-contract', async () => {
		const started = Date.now();
		let panels = 0;
		for (const d of builtDescriptions()) {
			const entries = entriesOf(d);
			// The node panel offers every operation (or event) of the node, and nothing else of ours.
			const entryName = d.displayName === 'Bromcom Trigger' ? 'Bromcom' : d.displayName;
			await openNodeEntry(entryName, entries[0].title);
			const offered = (await byTest('node-creator-item-name').allInnerTexts()).map((t) => t.trim());
			for (const e of entries)
				assert.ok(
					offered.includes(e.title),
					`${d.displayName}: the node panel offers "${e.title}"`,
				);
			assert.ok(!offered.some((t) => /custom api call/i.test(t)), JSON.stringify(offered));

			for (const [k, entry] of entries.entries()) {
				if (k > 0) await openNodeEntry(entryName, entry.title);
				const where = `${d.displayName} › ${entry.title}`;
				await byTest('node-creator-item-name')
					.filter({ hasText: new RegExp(`^${escapeRe(entry.title)}$`) })
					.first()
					.click();
				await byTest('node-parameters').waitFor();
				const node = nodeWith(d, entry.chosen);
				await panelShows(expectedPanel(d, node), where);
				panels++;

				// The pickers list exactly the description's options and switch: to the next operation
				// of the resource (or the next resource when it has one operation), checked again.
				const resources = optionsOf(d, 'resource', node);
				const operations = optionsOf(d, 'operation', node);
				let next;
				if (operations.length > 1) {
					const op =
						operations[
							(operations.findIndex((o) => o.value === node.parameters.operation) + 1) %
								operations.length
						];
					if (resources.length)
						await pick(
							'resource',
							resources.map((r) => r.name),
							resources.find((r) => r.value === node.parameters.resource).name,
							where,
						);
					await pick(
						'operation',
						operations.map((o) => o.name),
						op.name,
						where,
					);
					next = { ...entry.chosen, operation: op.value };
				} else if (resources.length > 1) {
					const r =
						resources[
							(resources.findIndex((o) => o.value === node.parameters.resource) + 1) %
								resources.length
						];
					await pick(
						'resource',
						resources.map((o) => o.name),
						r.name,
						where,
					);
					next = { resource: r.value };
				} else if (d.group.includes('trigger')) {
					// The trigger's picker is Watch: each event panel switches to another watch.
					const watches = optionsOf(d, 'watch', node);
					const w = watches[(k + 1) % watches.length];
					await pick(
						'watch',
						watches.map((o) => o.name),
						w.name,
						where,
					);
					next = { ...entry.chosen, watch: w.value };
				}
				if (next) {
					const switched = nodeWith(d, next);
					await panelShows(
						expectedPanel(d, switched),
						`${where}, switched to ${JSON.stringify(next)}`,
					);
					panels++;
					// The canvas names what the node now does (its subtitle, from the description).
					const subtitle = expectedSubtitle(d, switched);
					if (subtitle) {
						await byTest('ndv-close-button').click();
						const canvas = await byTest('canvas-node').allInnerTexts();
						assert.ok(
							canvas.some((t) => t.includes(subtitle)),
							`${where}: the canvas subtitle "${subtitle}" in ${JSON.stringify(canvas)}`,
						);
					}
				}
			}
		}
		rt.log(
			`UI contract: ${panels} panels checked in ${Math.round((Date.now() - started) / 1000)} s`,
		);
	}));

test('the route follows the credential picked: the Partner credential lists entities marked "(not checked)"', () =>
	explained('credential-route', async () => {
		await openNodeEntry('Bromcom', 'Get records of any entity');
		await byTest('node-creator-item-name')
			.filter({ hasText: /^Get records of any entity$/ })
			.first()
			.click();
		await byTest('node-credentials-select').click();
		// The dropdown renders after the click: wait for its options before reading them.
		await page
			.locator('.el-select-dropdown__item:visible, [role=option]:visible')
			.filter({ hasText: 'Bromcom Partner Sandbox' })
			.first()
			.waitFor({ timeout: 30_000 })
			.catch(() => undefined);
		const offered = await page
			.locator('.el-select-dropdown__item:visible, [role=option]:visible')
			.allInnerTexts();
		assert.ok(
			offered.some((t) => t.includes('Bromcom Sandbox')) &&
				offered.some((t) => t.includes('Bromcom Partner Sandbox')),
			`both credential types are offered: ${JSON.stringify(offered)}`,
		);
		await page
			.locator('.el-select-dropdown__item:visible, [role=option]:visible')
			.filter({ hasText: 'Bromcom Partner Sandbox' })
			.first()
			.click();
		await byTest('rlc-input').first().click();
		await page.getByText('Students (not checked)', { exact: true }).first().waitFor();
	}));

// ---- Every example, executed in the editor --------------------------------------------------------

/** The executions n8n saved for a workflow, newest first. */
async function executionsOf(workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await fetch(`${server.base}/rest/executions?filter=${filter}`, {
		headers: { cookie },
	});
	return /** @type {any} */ (await res.json()).data.results;
}

/** An execution's data, which n8n stores in the `flatted` format (read with n8n's own copy). */
async function executionData(id) {
	const { parse } = require(path.join(path.dirname(n8n.cli), '..', '..', 'flatted'));
	const res = await fetch(`${server.base}/rest/executions/${id}`, { headers: { cookie } });
	const body = /** @type {any} */ (await res.json()).data;
	return { status: body.status, data: parse(body.data) };
}

/**
 * Opens an example (unless it is open already, with changes made in the editor), presses its execute
 * button (the manual trigger's when it has one), returns the run's output by node.
 */
async function runInEditor(example, { open = true } = {}) {
	const before = (await executionsOf(example.id)).length;
	if (open) await page.goto(`${server.base}/workflow/${example.id}`);
	await byTest('canvas-node').first().waitFor({ timeout: 60000 });
	const manual = example.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	const triggers = example.nodes.filter((n) => /trigger/i.test(n.type));
	const button =
		manual && triggers.length > 1
			? byTest(`execute-workflow-button-${manual.name}`)
			: byTest('execute-workflow-button');
	// A click event on the button itself: on a canvas just loaded, n8n's selection pane can lie over it.
	await button.first().dispatchEvent('click');
	const run = await rt.waitUntil(
		`an execution of ${example.id}`,
		async () => {
			const list = await executionsOf(example.id);
			const done = list.length > before && list[0].status !== 'running' && list[0].status !== 'new';
			return done ? list[0] : undefined;
		},
		120000,
		() => server.output().slice(-3000),
	);
	const { status, data } = await executionData(run.id);
	assert.equal(status, 'success', `${example.id}: ${JSON.stringify(data.resultData.error ?? {})}`);
	return (nodeName, output = 0) =>
		(data.resultData.runData[nodeName]?.[0]?.data?.main?.[output] ?? []).map((i) => i);
}

test("every example runs in the editor and gives the sandbox's figures", () =>
	explained('examples', async () => {
		const started = Date.now();
		const dir = path.join(rt.ROOT, 'examples');
		const examples = fs
			.readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
		const current = (school) => sandbox.rows('Students', school, CURRENT_FILTER);
		// A chat example needs a chat model to execute: "Ask about attendance" runs as shipped, with a
		// scripted model, in test/e2e/agents.e2e.js (npm run test:e2e:agents). Here it is opened in the
		// editor: every node on the canvas, and its Bromcom tool's panel shows the tool's own parameters.
		const isChat = (example) =>
			example.nodes.some((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
		const checks = {
			exAskAttendance1: async () => {
				const example = examples.find((e) => e.id === 'exAskAttendance1');
				await page.goto(`${server.base}/workflow/${example.id}`);
				await byTest('canvas-node').first().waitFor({ timeout: 60000 });
				const canvas = (await byTest('canvas-node').allInnerTexts()).join('\n');
				for (const node of example.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote'))
					assert.ok(canvas.includes(node.name), `${node.name} on the canvas: ${canvas}`);
				const students = example.nodes.find((n) => n.name === 'Students');
				await page.goto(`${server.base}/workflow/${example.id}/${students.id}`);
				await byTest('parameter-input-toolDescription').first().waitFor({ timeout: 60000 });
				await byTest('parameter-input-agentConsentOnly').first().waitFor();
				await byTest('ndv-close-button').click();
				const fresh = failures.slice(failuresSeen);
				failuresSeen = failures.length;
				assert.deepEqual(fresh, [], 'the chat example: the page threw, or a request failed');
			},
			exMspRollup00001: (out) => {
				const report = out('Count per School')[0].json;
				assert.deepEqual(
					report.schools.map((x) => [x.schoolId, x.students]),
					[
						[20001, current(20001).length],
						[20002, current(20002).length],
						[20003, null],
					],
				);
				assert.match(report.schools[2].error, /permission/);
			},
			exParentsEvening: (out) => {
				const kept = out('Eligible Roster', 0);
				assert.ok(kept.length > 0 && kept.every((i) => i.json.kind === 'contact'));
				assert.ok(out('Eligible Roster', 1).every((i) => i.json.excludedReasons.length > 0));
			},
			exAttendanceWk01: (out) => {
				const groups = out('Persistent Absence by Year');
				assert.ok(groups.length > 0, 'the sandbox has persistently absent pupils');
				for (const g of groups.map((i) => i.json))
					for (const pupil of g.students) {
						assert.equal(pupil.persistentlyAbsent, true);
						assert.ok(pupil.attendancePercent <= 90, JSON.stringify(pupil));
					}
			},
			exSdsNightly0001: (out) => {
				const files = Object.values(out('Export SDS Files')[0].binary).map((b) => b.fileName);
				assert.deepEqual(files, [
					'orgs.csv',
					'users.csv',
					'roles.csv',
					'academicSessions.csv',
					'classes.csv',
					'enrollments.csv',
				]);
				assert.match(out('Zip')[0].binary.data.fileName, /^sds-\d{4}-\d{2}-\d{2}\.zip$/);
			},
			exLeaverEmailIt1: (out) => {
				const leavers = new Set(
					sandbox.rows('Students', 20001, 'EndDate < GETDATE()').map((x) => String(x.StudentID)),
				);
				const samples = out('Student Left').map((i) => i.json);
				assert.ok(samples.length > 0);
				for (const x of samples) {
					assert.equal(x.reason, 'noLongerMatching');
					assert.ok(leavers.has(x.key), `${x.key} left`);
				}
			},
			exNewStudentsGws: (out) => {
				const names = out('Account Names').map((i) => i.json.account);
				assert.equal(names.length, out('New Student in Bromcom').length);
				assert.ok(names.length > 0);
				for (const a of names) assert.match(a.email, /^\d{2}[a-z]+\d*@students\.school\.example$/);
			},
			exAssessmentDry1: async (out) => {
				const [student] = out('A Year 7 Student').map((i) => i.json);
				const year7 = sandbox.rows('Students', 20001, "YearGroup = '7'");
				assert.ok(
					year7.some(
						(x) => x.StudentID === student.StudentID && x.YearGroupID === student.YearGroupID,
					),
				);
				const dry = out('Save Result (Dry Run)')[0].json;
				assert.equal(dry.status, 'dryRun');
				assert.match(dry.request.body, new RegExp(`<studentID>${student.StudentID}</studentID>`));
				// With Dry Run turned off in the editor it writes, once.
				sandbox.clearAudit();
				const save = assessment.nodes.find((n) => n.name === 'Save Result (Dry Run)');
				await page.goto(`${server.base}/workflow/${assessment.id}/${save.id}`);
				const dryRun = byTest('parameter-input-dryRun').locator('.el-switch').first();
				await dryRun.click();
				await page.waitForFunction(
					() =>
						/** @type {any} */ (globalThis).document.querySelector(
							'[data-test-id="parameter-input-dryRun"] .el-switch.is-checked',
						) === null,
				);
				await byTest('ndv-close-button').click();
				const sent = await runInEditor(assessment, { open: false });
				assert.equal(sent('Save Result (Dry Run)')[0].json.status, 'sent');
				const writes = sandbox.audit().filter((a) => a.operation === 'saveStudentAssessmentResult');
				assert.equal(writes.length, 1);
				assert.equal(writes[0].params.studentID, student.StudentID);
				assert.equal(writes[0].params.yearGroupID, student.YearGroupID);
			},
		};
		const assessment = examples.find((e) => e.id === 'exAssessmentDry1');
		assert.deepEqual(
			Object.keys(checks).sort(),
			examples.map((e) => e.id).sort(),
			'a check per example',
		);
		for (const example of examples) {
			if (isChat(example)) {
				await checks[example.id]();
				continue;
			}
			const out = await runInEditor(example);
			await checks[example.id](out);
		}
		rt.log(
			`examples: ${examples.filter((e) => !isChat(e)).length} run and ${examples.filter(isChat).length} opened in the editor in ${Math.round((Date.now() - started) / 1000)} s`,
		);
	}));
