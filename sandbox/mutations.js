'use strict';
/**
 * Changes over time, as a school makes them between polls: admissions, edits, leavers and their
 * return, consent, permissions granted and revoked, columns added and removed, padding, and the
 * September rollover. Each one bumps the school's version so cached entity rows are rebuilt.
 */
const { DAY, rng } = require('./data');
const { findEntity } = require('./entities');

function createChanges(state) {
	function today(s) {
		return Math.floor(state.nowFn() / DAY) * DAY;
	}

	function requireStudent(s, id) {
		const st = s.people.get(Number(id));
		if (!st || st.kind !== 'student') throw new Error(`No student ${id} in school ${s.id}`);
		return st;
	}

	function enrol(s, st, setSeed) {
		const y = Number(st.yearGroup);
		const tgs = s.tutorGroups.get(y);
		const r = rng(state.seed, s.id, st.personId, 'enrol', setSeed);
		st.tutorGroup = tgs[r.int(0, tgs.length - 1)];
		const start = Math.max(st.start, today(s));
		let id = s.associates.reduce((mx, a) => Math.max(mx, a.id), 0) + 1;
		const add = (c) =>
			s.associates.push({
				id: id++,
				personId: st.personId,
				collectionId: c.collectionId,
				collectionName: c.name,
				start,
				end: st.end,
			});
		add(s.yearGroups.get(y));
		add(st.tutorGroup);
		add(s.houses[st.houseIndex % s.houses.length]);
		const set = r.int(0, 99);
		for (const [, list] of s.classes.get(y)) add(list[set % list.length]);
	}

	const changes = {
		/** @param {{ schoolId?: number, firstName?: string, lastName?: string, yearGroup?: number | string, consent?: boolean }} [options] */
		addStudent: ({
			schoolId,
			firstName = 'New',
			lastName = 'Student',
			yearGroup,
			consent = true,
		} = {}) => {
			const s = state.requireSchool(schoolId);
			const y = Number(yearGroup ?? s.cfg.years[0]);
			const id = s.nextId++;
			const st = {
				kind: 'student',
				personId: id,
				title: null,
				first: firstName,
				middle: null,
				last: lastName,
				preferredFirst: firstName,
				gender: 'F',
				dob: Date.UTC(new Date(s.yearStart).getUTCFullYear() - y - 5, 3, 1),
				consent,
				upn: `N${String(id).padStart(12, '0')}`,
				admissionNumber: String(90000 + (id % 10000)).padStart(6, '0'),
				yearGroup: String(y),
				start: today(s),
				end: null,
				tutorIndex: 0,
				houseIndex: id % 4,
				setIndex: 0,
				noClasses: false,
				guid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
			};
			s.people.set(id, st);
			s.students.push(st);
			enrol(s, st, 'add');
			s.meals.set(id, { personId: id, balance: 0, mealType: 'Paid Meal' });
			state.touch(s);
			return { studentId: id };
		},
		updateStudent: ({ schoolId, studentId, ...fields }) => {
			const s = state.requireSchool(schoolId);
			const st = requireStudent(s, studentId);
			const map = {
				firstName: 'first',
				lastName: 'last',
				preferredFirstName: 'preferredFirst',
				middleName: 'middle',
				upn: 'upn',
			};
			for (const [k, v] of Object.entries(fields)) {
				if (!map[k]) throw new Error(`updateStudent cannot change "${k}"`);
				st[map[k]] = v;
			}
			state.touch(s);
			return { ok: true };
		},
		editContactEmail: ({ schoolId, personId, email }) => {
			const s = state.requireSchool(schoolId);
			if (!s.people.has(Number(personId))) throw new Error(`No person ${personId}`);
			const list = s.emails
				.filter((e) => e.personId === Number(personId))
				.sort((a, b) => a.priority - b.priority);
			if (list.length) list[0].address = email;
			else
				s.emails.push({
					id: s.emails.reduce((m, e) => Math.max(m, e.id), 0) + 1,
					personId: Number(personId),
					address: email,
					type: 'Home',
					priority: 1,
				});
			state.touch(s);
			return { ok: true };
		},
		markLeaver: ({ schoolId, studentId }) => {
			const s = state.requireSchool(schoolId);
			const st = requireStudent(s, studentId);
			const end = today(s) - DAY;
			st.end = end;
			for (const a of s.associates)
				if (a.personId === st.personId && (a.end === null || a.end > end)) {
					a.end = end;
					a.endedByLeaving = true;
				}
			state.touch(s);
			return { ok: true, endDate: end };
		},
		restoreLeaver: ({ schoolId, studentId }) => {
			const s = state.requireSchool(schoolId);
			const st = requireStudent(s, studentId);
			st.end = null;
			for (const a of s.associates)
				if (a.personId === st.personId && a.endedByLeaving) {
					a.end = null;
					delete a.endedByLeaving;
				}
			state.touch(s);
			return { ok: true };
		},
		setConsent: ({ schoolId, personId, granted }) => {
			const s = state.requireSchool(schoolId);
			const p = s.people.get(Number(personId));
			if (!p) throw new Error(`No person ${personId}`);
			p.consent = Boolean(granted);
			state.touch(s);
			return { ok: true };
		},
		revokeConsent: ({ schoolId, personId }) =>
			changes.setConsent({ schoolId, personId, granted: false }),
		setLawfulBasis: ({ schoolId, basis }) => {
			const s = state.requireSchool(schoolId);
			s.lawfulBasis = basis;
			state.touch(s);
			return { ok: true };
		},
		/** Whether Bromcom withholds students and staff without consent when the basis is Consent. */
		setWithholdUnconsented: ({ on }) => {
			state.withholdUnconsented = on;
			return { ok: true, withholdUnconsented: state.withholdUnconsented };
		},
		/** Pads (or stops padding) the code columns of every answer from now on. */
		setPadding: ({ on }) => {
			state.padCodes = on;
			return { ok: true, padCodes: state.padCodes };
		},
		/** A new column, NULL in every row, as when Bromcom extends an entity. */
		addColumn: ({ entity, name, type = 'string' }) => {
			const e = findEntity(entity);
			state.removedColumns.get(e)?.delete(name);
			if (!state.columnsOf(e).some(([n]) => n === name))
				state.addedColumns.set(e, [...(state.addedColumns.get(e) ?? []), [name, type]]);
			return { ok: true };
		},
		removeColumn: ({ entity, name }) => {
			const e = findEntity(entity);
			state.removedColumns.set(e, new Set([...(state.removedColumns.get(e) ?? []), name]));
			return { ok: true };
		},
		revokeEntity: ({ schoolId, username = 'sandbox', entity }) => {
			const s = state.requireSchool(schoolId);
			const key = `${s.id}:${username}`;
			if (!state.revoked.has(key)) state.revoked.set(key, new Set());
			state.revoked.get(key).add(String(entity).toLowerCase());
			return { ok: true };
		},
		grantEntity: ({ schoolId, username = 'sandbox', entity }) => {
			const s = state.requireSchool(schoolId);
			const set = state.revoked.get(`${s.id}:${username}`);
			if (set) set.delete(String(entity).toLowerCase());
			return { ok: true };
		},
		/**
		 * September rollover: the final year leaves, everyone else moves up a year with new tutor
		 * groups and class sets, and a new intake joins the first year.
		 */
		/** @param {{ schoolId?: number }} [options] */
		rollover: ({ schoolId } = {}) => {
			const s = state.requireSchool(schoolId);
			const years = s.cfg.years;
			const end = today(s) - DAY;
			const moved = [];
			for (const st of s.students.slice()) {
				if (st.end !== null && st.end < today(s)) continue;
				if (st.start > today(s)) continue;
				for (const a of s.associates)
					if (a.personId === st.personId && (a.end === null || a.end > end)) a.end = end;
				if (Number(st.yearGroup) === years[years.length - 1]) {
					st.end = end;
					continue;
				}
				st.yearGroup = String(Number(st.yearGroup) + 1);
				enrol(s, st, `rollover${s.version}`);
				moved.push(st.personId);
			}
			const intake = Math.max(1, Math.round(s.cfg.perYear / 2));
			const added = [];
			for (let i = 0; i < intake; i++) {
				const r = rng(state.seed, s.id, 'intake', s.version, i);
				added.push(
					changes.addStudent({
						schoolId: s.id,
						firstName: r.pick(['Ada', 'Ben', 'Cara', 'Dev', 'Efa', 'Finn']),
						lastName: r.pick(['Intake', 'Newton', 'Starter']),
						yearGroup: years[0],
					}).studentId,
				);
			}
			state.touch(s);
			return { moved: moved.length, joined: added.length };
		},
	};
	return changes;
}

module.exports = { createChanges };
