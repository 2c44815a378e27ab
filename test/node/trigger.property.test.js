/**
 * Property: the Bromcom Trigger over random sequences of real polls (through n8n-core's PollContext,
 * state as JSON between polls) against the sandbox: students added, leaving, returning, renamed;
 * padding switched on and off; a column added; the credential's school and the filter changed;
 * failed polls. A model computed from the sandbox's own data says what must be emitted: nothing
 * without a real change in a record still in scope, no Left for a record that is still there,
 * nothing lost or repeated across failed polls, and a quiet re-baseline whenever what is watched changes.
 */
const fc = require('fast-check');
const { createSandbox } = require('../../sandbox/server');
const { pollOnce, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 77, now: '2026-11-18T10:30:00Z' });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const CURRENT = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
const step = fc.oneof(
	{ weight: 3, arbitrary: fc.constant({ op: 'add' }) },
	{ weight: 3, arbitrary: fc.record({ op: fc.constant('leave'), pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ op: fc.constant('restore'), pick: fc.nat() }) },
	{ weight: 3, arbitrary: fc.record({ op: fc.constant('rename'), pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.constant({ op: 'pad' }) },
	{ weight: 1, arbitrary: fc.constant({ op: 'column' }) },
	{ weight: 1, arbitrary: fc.constant({ op: 'school' }) },
	{ weight: 1, arbitrary: fc.constant({ op: 'filter' }) },
	{ weight: 2, arbitrary: fc.constant({ op: 'fail' }) },
	{ weight: 2, arbitrary: fc.constant({ op: 'quiet' }) },
);

test('random sequences of polls match the model', async () => {
	let round = 0;
	await fc.assert(
		fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 8 }), async (steps) => {
			round++;
			let school = 20001;
			let filtered = false;
			let padded = false;
			const raw = () => (filtered ? 'YearGroup <> 13' : '');
			const parameters = () => ({
				watch: 'students',
				recordStatus: 'current',
				triggerOn: ['new', 'updated', 'left', 'restored'],
				includeInOutput: 'new',
				options: { guard: false, rawFilter: raw() },
			});
			const truth = () =>
				new Map(
					sandbox
						.rows('Students', school, filtered ? `(${CURRENT}) AND (YearGroup <> 13)` : CURRENT)
						.map((r) => [String(r.StudentID), r]),
				);
			const left = [];
			let staticData = {};
			// The model: what the last accepted poll saw, keys seen since the baseline, and whether what is watched changed.
			let seen = new Map();
			let everSeen = new Set();
			let rebaseline = true;
			const poll = async (fail) => {
				if (fail)
					sandbox.injectFault({
						kind: 'fault',
						message: "Invalid column name 'Injected'.",
						match: { entity: 'Students' },
					});
				const r = await pollOnce({
					parameters: parameters(),
					credentials: { ...credentials, schoolId: school },
					staticData,
				});
				if (fail) {
					if (!r.error) throw new Error('an injected failure did not fail the poll');
					if (JSON.stringify(r.staticData) !== JSON.stringify(staticData))
						throw new Error('a failed poll changed the state');
					return true;
				}
				if (r.error) throw r.error;
				staticData = r.staticData;
				const now = truth();
				const got = r.items.map((i) => `${i.event}:${i.key}`).sort();
				let want = [];
				if (!rebaseline) {
					for (const [k, row] of now) {
						if (!seen.has(k)) want.push(`${everSeen.has(k) ? 'restored' : 'new'}:${k}`);
						else if (JSON.stringify(seen.get(k)) !== JSON.stringify(row)) want.push(`updated:${k}`);
					}
					for (const k of seen.keys()) if (!now.has(k)) want.push(`left:${k}`);
				} else {
					everSeen = new Set();
				}
				want = want.sort();
				if (JSON.stringify(got) !== JSON.stringify(want))
					throw new Error(
						`poll emitted ${JSON.stringify(got)}, the model says ${JSON.stringify(want)}`,
					);
				if (r.items.some((i) => i.schoolId !== school))
					throw new Error('an item carries the wrong School ID');
				seen = now;
				for (const k of now.keys()) everSeen.add(k);
				rebaseline = false;
				return true;
			};
			try {
				await poll(false);
				for (const s of steps) {
					const current = [...truth().keys()];
					if (s.op === 'add')
						sandbox.changes.addStudent({
							schoolId: school,
							firstName: 'Prop',
							lastName: `Round${round}`,
							yearGroup: 8,
						});
					if (s.op === 'leave' && current.length) {
						const id = Number(current[s.pick % current.length]);
						sandbox.changes.markLeaver({ schoolId: school, studentId: id });
						left.push([school, id]);
					}
					if (s.op === 'restore' && left.length) {
						const [sch, id] = left.splice(s.pick % left.length, 1)[0];
						sandbox.changes.restoreLeaver({ schoolId: sch, studentId: id });
					}
					if (s.op === 'rename' && current.length)
						sandbox.changes.updateStudent({
							schoolId: school,
							studentId: Number(current[s.pick % current.length]),
							lastName: `Renamed${round}x${s.pick % 97}`,
						});
					if (s.op === 'pad') sandbox.changes.setPadding({ on: (padded = !padded) });
					if (s.op === 'column') {
						sandbox.changes.addColumn({
							entity: 'Students',
							name: `Extra${round}x${steps.indexOf(s)}`,
						});
						rebaseline = true;
					}
					if (s.op === 'school') {
						school = school === 20001 ? 20002 : 20001;
						rebaseline = true;
					}
					if (s.op === 'filter') {
						filtered = !filtered;
						rebaseline = true;
					}
					await poll(s.op === 'fail');
				}
				return true;
			} finally {
				sandbox.clearFaults();
				sandbox.changes.setPadding({ on: false });
				for (const [sch, id] of left)
					sandbox.changes.restoreLeaver({ schoolId: sch, studentId: id });
			}
		}),
		{ numRuns: 12 },
	);
}, 300000);
