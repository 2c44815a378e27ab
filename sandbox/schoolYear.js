'use strict';
/**
 * A school year, seeded: changes and faults drawn at random over a sandbox, one step at a time, with a
 * record of every step (what was done, to whom, and when). The soak (scripts/soak.js) drives it against
 * a running n8n; its oracle reads this history and the sandbox's own audit and request logs.
 *
 * Steps, through the sandbox's change API (`mutations.js`) and fault injection (`faults.js`):
 * admissions, leavers, returns, edits to watched fields (names, UPN) and to an unwatched one (middle
 * name), student and contact consent, contact email changes, padding switched on and off, a column
 * added and later removed, admissions whose StudentID reaches one reader as NULL for a while (through
 * `hooks.nullKeys`), the September rollover; and read faults (HTTP 500, the IIS error page, HTTP 503,
 * a connection reset, a slow drip, a truncated body, HTTP 429 with Retry-After, an entity revoked for a
 * while) and write faults (the connection dropped before or after Bromcom applied the write, HTTP 500,
 * a proxy's login page after applying, a slow answer).
 *
 * Steps that change what a trigger compares as a whole (a column, the rollover) are marked `barrier`:
 * the driver lets every earlier change be seen first, and the next changes wait until the trigger has
 * taken them in (a column change re-baselines quietly; a rollover is held as a mass change).
 *
 * Deterministic for a seed: the same seed draws the same steps in the same order (which students they
 * touch depends on the school, itself seeded).
 */
const { rng } = require('./data');

const CURRENT = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';

const FIRST = [
	'Ada',
	'Ben',
	'Cara',
	'Dev',
	'Efa',
	'Finn',
	'Gwen',
	'Huw',
	'Isla',
	'Jac',
	'Siân',
	'Zoë',
];
const LAST = [
	'Morgan',
	"O'Brien",
	'Price',
	'Rees',
	'Evans',
	'Ng',
	'Kowalski',
	'Okafor',
	'Ó Dálaigh',
];

/** Weights of the steps a tick may draw (barrier steps are scheduled, not drawn). */
const WEIGHTS = {
	admit: 6,
	leave: 4,
	return: 3,
	editWatched: 6,
	editUnwatched: 3,
	studentConsent: 2,
	contactConsent: 3,
	contactEmail: 4,
	padding: 1,
	keylessAdmissions: 1,
	readFault: 6,
	revoke: 1,
	writeFault: 4,
};

const READ_FAULTS = [
	{ kind: 'html500' },
	{ kind: 'status503' },
	{ kind: 'reset' },
	{ kind: 'drip', bytes: 2048, ms: 150 },
	{ kind: 'truncate', fraction: 0.5 },
	{ kind: 'status', status: 429, retryAfter: 2 },
];
const WRITE_FAULTS = [
	{ kind: 'reset' },
	{ kind: 'resetAfterApply' },
	{ kind: 'html500' },
	{ kind: 'loginPageAfterApply' },
	{ kind: 'delay', ms: 3000 },
];

/**
 * @param {any} sandbox a sandbox from createSandbox (in this process)
 * @param {{ seed: number, schoolId: number, accounts: { students: string[], contacts: string }, hooks?: { nullKeys?: (ids: number[]) => void } }} options
 */
function createSchoolYear(sandbox, options) {
	const { seed, schoolId } = options;
	const r = rng(seed, 'school-year', schoolId);
	const changes = sandbox.changes;
	const history = [];
	const nulled = new Set();
	/** Students whose StudentID is NULL to the readers behind the proxy, until the step this many later. */
	const nullUntil = new Map();
	const leavers = [];
	let padded = false;
	let extraColumn = null;
	let columns = 0;
	let step = 0;
	let rolledOver = false;
	const revoked = [];
	let writeFaults = 0;

	const current = () => sandbox.rows('Students', schoolId, CURRENT).map((s) => s.StudentID);
	const contactsOf = (ids) => {
		const wanted = new Set(ids);
		return [
			...new Set(
				sandbox
					.rows('StudentContacts', schoolId)
					.filter((l) => wanted.has(l.StudentID))
					.map((l) => l.ContactPersonID),
			),
		];
	};
	const pick = (list) => (list.length ? list[r.int(0, list.length - 1)] : undefined);
	const record = (entry) => {
		const full = { step, at: Date.now(), ...entry };
		history.push(full);
		return full;
	};

	const actions = {
		admit: () => {
			const { studentId } = changes.addStudent({
				schoolId,
				firstName: pick(FIRST),
				lastName: pick(LAST),
				yearGroup: pick(sandbox.school(schoolId).cfg.years),
				consent: r.chance(0.8),
			});
			return { kind: 'change', action: 'admit', studentId };
		},
		leave: () => {
			const id = pick(current().filter((s) => !nulled.has(s)));
			if (id === undefined) return undefined;
			changes.markLeaver({ schoolId, studentId: id });
			leavers.push(id);
			return { kind: 'change', action: 'leave', studentId: id };
		},
		return: () => {
			if (!leavers.length) return undefined;
			const id = leavers.splice(r.int(0, leavers.length - 1), 1)[0];
			changes.restoreLeaver({ schoolId, studentId: id });
			return { kind: 'change', action: 'return', studentId: id };
		},
		editWatched: () => {
			const id = pick(current());
			if (id === undefined) return undefined;
			const field = pick(['lastName', 'firstName', 'preferredFirstName', 'upn']);
			const value =
				field === 'upn'
					? `S${String(r.int(0, 999999999999)).padStart(12, '0')}`
					: `${pick(field === 'lastName' ? LAST : FIRST)}${r.int(1, 99)}`;
			changes.updateStudent({ schoolId, studentId: id, [field]: value });
			return { kind: 'change', action: 'editWatched', studentId: id, field, value };
		},
		editUnwatched: () => {
			const id = pick(current());
			if (id === undefined) return undefined;
			const value = `${pick(FIRST)} ${r.int(1, 99)}`;
			changes.updateStudent({ schoolId, studentId: id, middleName: value });
			return { kind: 'change', action: 'editUnwatched', studentId: id, field: 'middleName', value };
		},
		studentConsent: () => {
			const id = pick(current());
			if (id === undefined) return undefined;
			const granted = r.chance(0.5);
			changes.setConsent({ schoolId, personId: id, granted });
			return { kind: 'change', action: 'studentConsent', personId: id, granted };
		},
		contactConsent: () => {
			const id = pick(contactsOf(current()));
			if (id === undefined) return undefined;
			const granted = r.chance(0.5);
			changes.setConsent({ schoolId, personId: id, granted });
			return { kind: 'change', action: 'contactConsent', personId: id, granted };
		},
		contactEmail: () => {
			const id = pick(contactsOf(current()));
			if (id === undefined) return undefined;
			const email = `parent${id}.${step}@soak.example`;
			changes.editContactEmail({ schoolId, personId: id, email });
			return { kind: 'change', action: 'contactEmail', personId: id, email };
		},
		padding: () => {
			padded = !padded;
			changes.setPadding({ on: padded });
			return { kind: 'change', action: 'padding', on: padded };
		},
		keylessAdmissions: () => {
			if (!options.hooks?.nullKeys || nulled.size) return undefined;
			// Their StudentIDs are NULL to the readers from before they exist (the IDs the sandbox gives
			// next), so no answer that holds them can show a key.
			const count = r.int(1, 3);
			const first = sandbox.school(schoolId).nextId;
			const ids = Array.from({ length: count }, (_, k) => first + k);
			for (const id of ids) nulled.add(id);
			options.hooks.nullKeys([...nulled]);
			for (const id of ids) {
				const added = changes.addStudent({
					schoolId,
					firstName: pick(FIRST),
					lastName: 'NoKeyYet',
				});
				if (added.studentId !== id)
					throw new Error(`expected student ${id}, the sandbox gave ${added.studentId}`);
			}
			nullUntil.set(ids.join(','), step + r.int(4, 10));
			return { kind: 'change', action: 'keylessAdmissions', studentIds: ids };
		},
		readFault: () => {
			const fault = pick(READ_FAULTS);
			const entity = pick([
				'Students',
				'Students',
				'Students',
				'People',
				'Emails',
				'StudentContacts',
			]);
			const times = r.int(1, 3);
			sandbox.injectFault({ ...fault, times, match: { entity, schoolId } });
			return { kind: 'fault', action: 'readFault', fault: fault.kind, entity, times };
		},
		revoke: () => {
			if (revoked.length) return undefined;
			const username = pick([...options.accounts.students, options.accounts.contacts]);
			changes.revokeEntity({ schoolId, username, entity: 'Students' });
			revoked.push({ username, until: step + r.int(3, 6) });
			return { kind: 'fault', action: 'revoke', username, entity: 'Students' };
		},
		writeFault: () => {
			// At most two write faults waiting: a write-back whose Retry On Fail (5 tries) meets a fault on
			// every try fails as a whole, and which write it was is then up to n8n, not the node.
			const used = sandbox
				.requests()
				.filter((q) => q.operation === 'registerSingleSignOnUser' && q.injected).length;
			if (writeFaults - used >= 2) return undefined;
			writeFaults++;
			const fault = pick(WRITE_FAULTS);
			sandbox.injectFault({
				...fault,
				times: 1,
				match: { operation: 'registerSingleSignOnUser', schoolId },
			});
			return { kind: 'fault', action: 'writeFault', fault: fault.kind };
		},
	};
	const drawable = Object.entries(WEIGHTS);
	const total = drawable.reduce((sum, [, w]) => sum + w, 0);

	/** Ends what was due to end by now: revocations, NULL keys. Returns the entries it recorded. */
	function settle() {
		const out = [];
		for (let i = revoked.length - 1; i >= 0; i--)
			if (revoked[i].until <= step) {
				const { username } = revoked.splice(i, 1)[0];
				changes.grantEntity({ schoolId, username, entity: 'Students' });
				out.push(record({ kind: 'fault', action: 'grant', username, entity: 'Students' }));
			}
		for (const [ids, until] of [...nullUntil])
			if (until <= step) {
				nullUntil.delete(ids);
				for (const id of ids.split(',')) nulled.delete(Number(id));
				options.hooks?.nullKeys?.([...nulled]);
				out.push(
					record({ kind: 'change', action: 'keysArrive', studentIds: ids.split(',').map(Number) }),
				);
			}
		return out;
	}

	return {
		history,
		/** The students whose StudentID readers behind the proxy see as NULL now. */
		get nulled() {
			return new Set(nulled);
		},
		/** One random step (after ending what was due). Returns the entries recorded. */
		next() {
			step++;
			const out = settle();
			for (let attempt = 0; attempt < 5; attempt++) {
				let x = r.next() * total;
				const [name] = drawable.find(([, w]) => (x -= w) < 0) ?? drawable[0];
				const entry = actions[name]();
				if (entry) {
					out.push(record(entry));
					break;
				}
			}
			return out;
		},
		/** A barrier step: a column added (or the one added removed). */
		column() {
			step++;
			if (extraColumn === null) {
				extraColumn = `SoakExtra${++columns}`;
				changes.addColumn({ entity: 'Students', name: extraColumn });
				return record({
					kind: 'change',
					action: 'addColumn',
					barrier: true,
					entity: 'Students',
					name: extraColumn,
				});
			}
			const name = extraColumn;
			extraColumn = null;
			changes.removeColumn({ entity: 'Students', name });
			return record({
				kind: 'change',
				action: 'removeColumn',
				barrier: true,
				entity: 'Students',
				name,
			});
		},
		/** A barrier step: the September rollover (once). */
		rollover() {
			step++;
			if (rolledOver) return undefined;
			rolledOver = true;
			// Leavers waiting to return would come back in the wrong year: they stay away.
			leavers.length = 0;
			const result = changes.rollover({ schoolId });
			return record({ kind: 'change', action: 'rollover', barrier: true, ...result });
		},
		/** Clears every pending fault and revocation and restores the keys (the quiet end of the year). */
		quiet() {
			step++;
			sandbox.clearFaults();
			for (const { username } of revoked.splice(0))
				changes.grantEntity({ schoolId, username, entity: 'Students' });
			if (nulled.size) {
				const ids = [...nulled];
				nulled.clear();
				nullUntil.clear();
				options.hooks?.nullKeys?.([]);
				record({ kind: 'change', action: 'keysArrive', studentIds: ids });
			}
			return record({ kind: 'fault', action: 'quiet' });
		},
	};
}

module.exports = { createSchoolYear, CURRENT, WEIGHTS };
