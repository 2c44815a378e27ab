/**
 * One person, one account, as properties over random trusts (2–12 schools, names from a small pool
 * so generated names collide, the same local Bromcom IDs at different schools, shared family emails,
 * staff and parents and dual-registered pupils at two schools, a member of staff who is also a
 * contact, random School ID and row order). Every trust comes with its ground truth (who each record
 * really is), and the files are read back by the independent reader (test/helpers/spec-reader),
 * which was written from Microsoft's and 1EdTech's formats, not from the exporter.
 *
 * Properties: no user joins two different people; per school and kind, read = exported + excluded +
 * merged, as sets of records; the file set is byte-identical under any order of schools and rows;
 * every username is unique; every (student, contact) pair appears once; and a person at two schools
 * with Bromcom evidence (same UPN, or same address and name) is one user.
 */
const fc = require('fast-check');
const { resolveTrust } = require('../../nodes/Bromcom/core/export/identity');
const { sdsFiles } = require('../../nodes/Bromcom/core/export/sds');
const { oneRosterFiles } = require('../../nodes/Bromcom/core/export/oneRoster');
const { readSds, readOneRoster } = require('../helpers/spec-reader');

const GIVEN = ['Ava', 'Alfie', 'Amy', 'Sam', 'Jo'];
const FAMILY = ["O'Brien", 'Smith', 'Ng'];
const YEAR = { start: '2026-09-01', end: '2027-08-31' };

/** A small deterministic PRNG, so one fast-check integer gives a whole trust. */
function prng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (list) => list[Math.floor(next() * list.length)],
		chance: (p) => next() < p,
	};
}

/**
 * A random trust: `schools` as the exporter takes them, and `truth`: sourcedId → the real person.
 * Distinct people never share an address unless it is a family's (their forenames then differ), and
 * each pupil's UPN is theirs alone: those are the facts Bromcom's evidence rests on.
 */
function makeTrust(seed, count) {
	const r = prng(seed);
	let next = 20000;
	const ids = Array.from({ length: count }, () => (next += r.int(1, 3)));
	const truth = new Map();
	let person = 0;
	const schools = ids.map((schoolId) => ({
		schoolId,
		name: `School ${schoolId}`,
		year: YEAR,
		people: [],
		classes: [],
		excluded: [],
		localIds: new Set(),
	}));
	/** A local Bromcom ID, unique within the school, often used by another school for someone else. */
	const localId = (s) => {
		let id;
		do id = String(r.int(1, 60));
		while (s.localIds.has(id));
		s.localIds.add(id);
		return id;
	};
	const sourced = (kind, s, id) =>
		`${s.schoolId}-${kind === 'student' ? 'student' : kind === 'teacher' ? 'staff' : 'contact'}-${id}`;
	const add = (s, gt, record) => {
		const id = localId(s);
		const p = { ...record, schoolId: s.schoolId, id };
		truth.set(sourced(p.kind, s, id), gt);
		if (r.chance(0.1))
			s.excluded.push({
				kind: p.kind,
				schoolId: s.schoolId,
				id,
				sourcedId: sourced(p.kind, s, id),
				reasons: [{ code: `${p.kind.toUpperCase()}_NO_CONSENT`, message: 'no consent' }],
			});
		else s.people.push(p);
		return p;
	};
	const staffGt = [];
	schools.forEach((s, k) => {
		// Pupils, some dual-registered at the next school (same UPN, same name).
		for (let n = r.int(2, 6); n > 0; n--) {
			const gt = `p${++person}`;
			const details = {
				kind: 'student',
				givenName: r.pick(GIVEN),
				familyName: r.pick(FAMILY),
				email: r.chance(0.85) ? `${gt}@pupils.example.org` : '',
				upn: `A${String(person).padStart(12, '0')}`,
				yearGroup: String(r.int(7, 11)),
				startDate: `20${r.int(20, 26)}-09-04`,
			};
			const at = [s];
			if (k + 1 < schools.length && r.chance(0.15)) at.push(schools[k + 1]);
			const records = at.map((school) =>
				add(school, gt, { ...details, email: details.email && `${gt}.${school.schoolId}@x.org` }),
			);
			// Parents: own address, a family address shared by two parents, none, or at two schools.
			for (let c = r.int(0, 2); c > 0; c--) {
				const parent = `p${++person}`;
				const given = GIVEN[c % GIVEN.length];
				const family = r.pick(FAMILY);
				const email = r.chance(0.8) ? `${parent}@home.example.org` : '';
				for (const [i, rec] of records.entries())
					if (i === 0 || r.chance(0.7))
						add(at[i], parent, {
							kind: 'contact',
							givenName: given,
							familyName: family,
							email,
							links: [{ studentId: rec.id, relationship: r.pick(['Mother', 'Father', 'Carer']) }],
						});
				if (email && r.chance(0.25)) {
					const partner = `p${++person}`;
					add(at[0], partner, {
						kind: 'contact',
						givenName: GIVEN[(c + 1) % GIVEN.length],
						familyName: family,
						email,
						links: [{ studentId: records[0].id, relationship: 'Father' }],
					});
				}
			}
		}
		// Staff, some at the next school too (same work address and name).
		for (let n = r.int(1, 4); n > 0; n--) {
			const gt = `p${++person}`;
			staffGt.push(gt);
			const details = {
				kind: 'teacher',
				givenName: r.pick(GIVEN),
				familyName: r.pick(FAMILY),
				email: r.chance(0.9) ? `${gt}@staff.example.org` : '',
				identifier: `S${person}`,
				teaching: r.chance(0.7),
			};
			add(s, gt, details);
			if (k + 1 < schools.length && r.chance(0.3)) add(schools[k + 1], gt, details);
			// A member of staff recorded as a contact with their work address (SDS keeps two users).
			const pupil = s.people.find((p) => p.kind === 'student');
			if (details.email && pupil && r.chance(0.15))
				add(s, gt, {
					kind: 'contact',
					givenName: details.givenName,
					familyName: details.familyName,
					email: details.email,
					links: [{ studentId: pupil.id, relationship: 'Mother' }],
				});
		}
		// Classes over this school's kept pupils and staff.
		for (let n = r.int(0, 3); n > 0; n--) {
			const members = (kind) =>
				s.people.filter((p) => p.kind === kind && r.chance(0.5)).map((p) => p.id);
			s.classes.push({
				schoolId: s.schoolId,
				id: localId(s),
				title: `7X${n}`,
				type: r.chance(0.3) ? 'tutorGroup' : 'class',
				studentIds: members('student'),
				teacherIds: members('teacher'),
			});
		}
	});
	for (const s of schools) delete s.localIds;
	return { schools, truth };
}

/** The same trust with its schools, and every list inside them, in another order. */
function shuffled(schools, seed) {
	const r = prng(seed);
	const mix = (list) =>
		list
			.map((x) => [r.int(0, 1e9), x])
			.sort((a, b) => a[0] - b[0])
			.map(([, x]) => x);
	return mix(schools).map((s) => ({
		...s,
		people: mix(s.people).map((p) => (p.links ? { ...p, links: mix(p.links) } : p)),
		classes: mix(s.classes).map((c) => ({
			...c,
			studentIds: mix(c.studentIds),
			teacherIds: mix(c.teacherIds),
		})),
		excluded: mix(s.excluded),
	}));
}

/** @param {string} mode @returns {import('../../nodes/Bromcom/core/export/identity').ResolveOptions} */
const options = (mode) => ({
	usernames:
		mode === 'pattern'
			? {
					mode: /** @type {const} */ ('pattern'),
					studentPattern: '{firstInitial}{lastName}',
					staffPattern: '{firstName}.{lastName}',
					domain: 'trust.sch.uk',
					maxLength: 12,
					existing: new Map([['asmith', '']]),
				}
			: { mode: /** @type {const} */ ('bromcom') },
	includeClasses: true,
	includeContacts: true,
	today: new Date('2026-11-18T00:00:00Z'),
});
const frame = (schools) => ({ schools, includeClasses: true, includeContacts: true });
const asFiles = (list) => Object.fromEntries(list.map((f) => [f.name, f.text]));

const trusts = fc.record({
	seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
	count: fc.integer({ min: 2, max: 12 }),
	order: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
	mode: fc.constantFrom('bromcom', 'pattern'),
});

test('no user joins two people; read = exported + excluded + merged for every school and kind; valid by the spec', () => {
	fc.assert(
		fc.property(trusts, ({ seed, count, mode }) => {
			const { schools, truth } = makeTrust(seed, count);
			const resolved = resolveTrust(schools, options(mode));
			const { problems, model } = readSds(asFiles(sdsFiles(resolved, frame(schools))));
			expect(problems).toEqual([]);
			const or = readOneRoster(asFiles(oneRosterFiles(resolved, frame(schools))));
			expect(or.problems).toEqual([]);

			// Who each user is: its own record and the records merged into it, one real person.
			const mergedInto = new Map();
			for (const m of resolved.merged)
				mergedInto.set(m.into, [...(mergedInto.get(m.into) ?? []), m.sourcedId]);
			for (const sourcedId of Object.keys(model.users)) {
				const people = new Set(
					[sourcedId, ...(mergedInto.get(sourcedId) ?? [])].map((x) => truth.get(x)),
				);
				expect([sourcedId, [...people]]).toEqual([sourcedId, [truth.get(sourcedId)]]);
			}
			// Every record read is in exactly one place: a user of the files, excluded, or merged.
			const exported = new Set(Object.keys(model.users));
			const excluded = new Set(resolved.excluded.map((e) => e.sourcedId));
			const merged = new Set(resolved.merged.map((m) => m.sourcedId));
			expect(exported.size + excluded.size + merged.size).toBe(
				new Set([...exported, ...excluded, ...merged]).size,
			);
			const inputs = schools.flatMap((s) => [
				...s.people.map((p) => `${s.schoolId}-${p.kind === 'teacher' ? 'staff' : p.kind}-${p.id}`),
				...s.excluded.map((e) => e.sourcedId),
				...s.classes.map((c) => `${s.schoolId}-class-${c.id}`),
			]);
			const classes = new Set(Object.keys(model.classes));
			const accounted = [...exported, ...excluded, ...merged, ...classes].sort();
			expect(accounted).toEqual([...new Set(inputs)].sort());
			expect(accounted).toHaveLength(inputs.length);
			// The counts in the summary say the same, school by school and kind by kind.
			for (const c of resolved.counts)
				for (const kind of ['student', 'teacher', 'contact', 'class']) {
					const k = c[kind];
					expect(k.read).toBe(k.exported + k.excluded + k.merged);
					const prefix = `${c.schoolId}-${kind === 'teacher' ? 'staff' : kind}-`;
					expect(k.read).toBe(inputs.filter((x) => x.startsWith(prefix)).length);
					expect(k.exported).toBe(
						[...exported, ...classes].filter((x) => x.startsWith(prefix)).length,
					);
				}
			// A person at two schools with Bromcom's evidence is one user (when neither record is excluded).
			const usersOf = new Map();
			for (const id of exported) usersOf.set(truth.get(id), (usersOf.get(truth.get(id)) ?? 0) + 1);
			for (const [gt, n] of usersOf) {
				const kinds = new Set(
					[...truth]
						.filter(([id, who]) => who === gt && exported.has(id))
						.map(([id]) => id.split('-')[1]),
				);
				// Only a member of staff who is also a contact is two users: one per kind. Without an
				// address there is no evidence, and two records stay two users.
				const records = schools.flatMap((s) =>
					s.people.filter(
						(p) =>
							truth.get(`${s.schoolId}-${p.kind === 'teacher' ? 'staff' : p.kind}-${p.id}`) === gt,
					),
				);
				if (records.every((p) => p.kind === 'student' || p.email))
					expect([gt, n]).toEqual([gt, kinds.size]);
			}
		}),
		{ numRuns: 150 },
	);
});

test('the same file set, byte for byte, whatever the order of School IDs and rows; names unique', () => {
	fc.assert(
		fc.property(trusts, ({ seed, count, order, mode }) => {
			const { schools } = makeTrust(seed, count);
			const again = shuffled(schools, order);
			for (const write of [sdsFiles, oneRosterFiles]) {
				const a = write(resolveTrust(schools, options(mode)), frame(schools));
				const b = write(resolveTrust(again, options(mode)), frame(again));
				expect(b).toEqual(a);
			}
			const { model } = readSds(
				asFiles(sdsFiles(resolveTrust(again, options(mode)), frame(again))),
			);
			const names = Object.values(model.users).map((u) => u.username);
			expect(new Set(names).size).toBe(names.length);
			if (mode === 'pattern') expect(names).not.toContain('asmith@trust.sch.uk');
			// One row per (student, contact) pair, whatever the links said.
			const pairs = model.relationships.map(
				(x) => `${x.userSourcedId}|${x.relationshipUserSourcedId}`,
			);
			expect(new Set(pairs).size).toBe(pairs.length);
		}),
		{ numRuns: 150 },
	);
});
