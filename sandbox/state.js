'use strict';
/**
 * The sandbox's state: its schools (built on first use from the seed), accounts and their entity
 * permissions (with revocations), schema changes between polls, code padding, and reads as Bromcom
 * answers them (authenticate, check the permission, compile the filter, filter the rows).
 */
const {
	FaultError,
	DEFAULT_ACCOUNTS,
	DEFAULT_APPLICATIONS,
	DEFAULT_MESSAGES,
} = require('./contract');
const { buildSchool, ukWallClock } = require('./data');
const { ENTITIES, entityNames, findEntity } = require('./entities');
const { compileFilter, SqlError } = require('./tsql');

function parseNow(now) {
	if (now === undefined || now === null) return () => ukWallClock(Date.now());
	if (typeof now === 'function') return now;
	const instant = now instanceof Date ? now.getTime() : Date.parse(String(now));
	if (Number.isNaN(instant)) throw new Error(`Invalid sandbox "now": ${now}`);
	const wall = ukWallClock(instant);
	return () => wall;
}

function createState(options = {}) {
	const size = options.size || 'small';
	const seed = options.seed === undefined ? 1 : Number(options.seed);
	const nowFn = parseNow(options.now);
	const dateFormat = options.dateFormat || 'mdy';
	// Bromcom's APIs are reported to pad some code values with trailing spaces (docs/bromcom-facts.md, Column types:
	// "AM" as "AM             "). With padCodes on, these columns go out padded, as a fixed-width
	// char column would; the T-SQL engine compares them as SQL Server does (trailing spaces ignored).
	let padCodes = options.padCodes === true;
	const PADDED = {
		CalendarName: 15,
		Mark: 4,
		GenderCode: 10,
		StaffCode: 10,
		CollectionTypeName: 20,
	};
	const padRow = (row) => {
		let out = row;
		for (const [column, width] of Object.entries(PADDED)) {
			const v = row[column];
			if (typeof v === 'string' && v.length < width) {
				if (out === row) out = { ...row };
				out[column] = v.padEnd(width, ' ');
			}
		}
		return out;
	};
	const messages = { ...DEFAULT_MESSAGES, ...(options.messages || {}) };
	const accounts = (options.accounts || DEFAULT_ACCOUNTS).map((a) => ({ ...a }));
	const applications = (options.applications || DEFAULT_APPLICATIONS).map((a) => ({ ...a }));
	const { edgeCaseSchool, FIXTURE_SCHOOL_ID } = require('./fixtures');
	// `schools`: a list of School IDs, or a count (a trust of N schools, 20001 upwards, at most 50).
	const { trustPlan, TRUST_SIZE_LIMIT } = require('./trust');
	const count = typeof options.schools === 'number' ? options.schools : undefined;
	if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= TRUST_SIZE_LIMIT))
		throw new Error(
			`A sandbox trust has 1 to ${TRUST_SIZE_LIMIT} schools, not ${options.schools}.`,
		);
	const generated =
		count !== undefined
			? Array.from({ length: count }, (_, i) => 20001 + i)
			: options.schools || require('./data').SIZES[size].schools;
	const schoolIds = [...generated, ...(options.fixtures ? [FIXTURE_SCHOOL_ID] : [])];
	// The trust's shared people (staff at two schools, parents and pupils at two schools, shared
	// family emails: sandbox/trust.js), planned once so each school can still be built on its own.
	const trust = options.trust
		? { schools: generated, plan: trustPlan(seed, generated) }
		: undefined;
	// Bromcom's third-party guide: with the school's lawful basis Consent, students and staff without
	// Data Processing Consent are withheld from every third-party read (docs/bromcom-facts.md,
	// Eligibility). On by default, for third-party users and partner applications alike.
	let withholdUnconsented = options.withholdUnconsented !== false;

	const schools = new Map();
	const revoked = new Map(); // `${schoolId}:${username}` → Set(entity lower)

	function school(id) {
		if (!schoolIds.includes(id)) return undefined;
		if (!schools.has(id))
			schools.set(
				id,
				id === FIXTURE_SCHOOL_ID && options.fixtures
					? edgeCaseSchool({ seed, now: nowFn() })
					: buildSchool({ seed, schoolId: id, size, now: nowFn(), schools: generated, trust }),
			);
		return schools.get(id);
	}

	function entityRows(s, entity) {
		if (!s.cache.has(entity)) s.cache.set(entity, ENTITIES[entity].rows(s));
		return s.cache.get(entity);
	}

	/** Students and staff Bromcom withholds from third parties at this school (none unless basis Consent). */
	function withheld(s) {
		if (!withholdUnconsented || String(s.lawfulBasis).toLowerCase() !== 'consent') return null;
		const key = `withheld:${s.version}`;
		if (!s.withheld || s.withheld.key !== key) {
			const ids = new Set();
			for (const p of s.people.values())
				if ((p.kind === 'student' || p.kind === 'staff') && !p.consent) ids.add(p.personId);
			s.withheld = { key, ids };
		}
		return s.withheld.ids.size ? s.withheld.ids : null;
	}

	/** A row is withheld when any person it is about (student, staff, person) is withheld. */
	const PERSON_COLUMNS = ['StudentID', 'StaffID', 'PersonID'];
	function visibleRows(s, rows) {
		const ids = withheld(s);
		if (!ids) return rows;
		return rows.filter((row) => !PERSON_COLUMNS.some((c) => ids.has(row[c])));
	}

	function touch(s) {
		s.version++;
		for (const key of [...s.cache.keys()]) if (key !== 'lessons') s.cache.delete(key);
	}

	function authenticate(schoolId, username, password) {
		const s = school(schoolId);
		if (!s) throw new FaultError(messages.unknownSchool(schoolId));
		const account = accounts.find((a) => a.username === username && a.password === password);
		if (!account) throw new FaultError(messages.badCredentials);
		return { s, account };
	}

	function permitted(s, account, entity) {
		if (
			account.entities !== '*' &&
			!account.entities.some((e) => e.toLowerCase() === entity.toLowerCase())
		)
			return false;
		const set = revoked.get(`${s.id}:${account.username}`);
		return !(set && set.has(entity.toLowerCase()));
	}

	function permittedEntities(s, account) {
		return entityNames().filter((e) => permitted(s, account, e));
	}

	// Schema changes between polls (Bromcom adds and removes columns over time): per sandbox instance.
	const addedColumns = new Map();
	const removedColumns = new Map();
	function columnsOf(entity) {
		const removed = removedColumns.get(entity);
		const all = addedColumns.has(entity)
			? [...ENTITIES[entity].columns, ...addedColumns.get(entity)]
			: ENTITIES[entity].columns;
		// A removed column is gone whether it was there from the start or added later.
		return removed ? all.filter(([name]) => !removed.has(name)) : all;
	}

	function sqlColumns(entity) {
		return columnsOf(entity).map(([name, type]) => ({
			name,
			type: type === 'guid' ? 'string' : type.startsWith('decimal') ? 'decimal' : type,
		}));
	}

	function readEntity(schoolId, entityName, filter, username, password) {
		const { s, account } = authenticate(schoolId, username, password);
		const entity = findEntity(entityName);
		if (!entity) throw new FaultError(messages.unknownEntity(String(entityName ?? '')));
		if (!permitted(s, account, entity)) throw new FaultError(messages.entityNotPermitted(entity));
		return queryEntity(s, entity, filter);
	}

	/** An entity's rows under a filter, for either route (no login here). */
	function queryEntity(s, entity, filter) {
		let predicate;
		try {
			predicate = compileFilter(filter || '', sqlColumns(entity), { now: nowFn, dateFormat });
		} catch (e) {
			if (e instanceof SqlError) throw new FaultError(e.message);
			throw e;
		}
		let rows;
		try {
			rows = visibleRows(s, entityRows(s, entity)).filter(predicate);
		} catch (e) {
			if (e instanceof SqlError) throw new FaultError(e.message);
			throw e;
		}
		return {
			type: 'dataset',
			columns: columnsOf(entity),
			rows: padCodes ? rows.map(padRow) : rows,
			entity,
		};
	}

	/**
	 * The Partner API's behaviour write: creates (eventRecordId 0) or updates a BehaviourEventRecords
	 * row. Returns { id } or { error } (a message the API answers with HTTP 400).
	 */
	function saveBehaviourEvent(s, body) {
		const num = (v) => (v === null || v === undefined || v === '' ? NaN : Number(v));
		const studentId = num(body.studentId ?? body.studentID);
		const eventId = num(body.eventId);
		const person = s.people.get(studentId);
		if (!person || person.kind !== 'student')
			return { error: `Student ${body.studentId} was not found.` };
		const { EVENTS } = require('./entities');
		const type = EVENTS.find(([id]) => id === eventId);
		if (!type) return { error: `Behaviour event ${body.eventId} was not found.` };
		const when = Date.parse(String(body.eventDate ?? ''));
		if (Number.isNaN(when)) return { error: `eventDate "${body.eventDate}" is not a date.` };
		const existing = entityRows(s, 'BehaviourEventRecords');
		let id = num(body.eventRecordId);
		if (id > 0) {
			if (!existing.some((r) => r.EventRecordID === id))
				return { error: `Behaviour event record ${id} was not found.` };
		} else {
			id = existing.reduce((m, r) => Math.max(m, r.EventRecordID), 0) + 1;
		}
		const zeroIsNull = (v) => (num(v) > 0 ? num(v) : null);
		s.behaviourWrites = s.behaviourWrites || new Map();
		s.behaviourWrites.set(id, {
			EventRecordID: id,
			StudentID: studentId,
			EventID: eventId,
			EventName: type[1],
			EventType: type[2],
			Adjustment: Number.isFinite(num(body.adjustment)) ? num(body.adjustment) : type[3],
			OwnerID: zeroIsNull(body.ownerId),
			ClassID: zeroIsNull(body.classId),
			// Stored as the school's wall clock, as every datetime in the sandbox.
			EventDate: ukWallClock(when),
			Comment: body.comment ?? null,
			InternalComment: body.internalComment ?? null,
		});
		touch(s);
		return { id };
	}

	function listEntities(schoolId, username, password) {
		const { s, account } = authenticate(schoolId, username, password);
		return {
			type: 'dataset',
			columns: [['EntityName', 'string']],
			rows: permittedEntities(s, account).map((e) => ({ EntityName: e })),
		};
	}

	function writeContext(params) {
		const { s, account } = authenticate(params.schoolId, params.username, params.password);
		if (!account.write) throw new FaultError(messages.writeNotPermitted);
		return s;
	}

	function student(s, personId) {
		const p = s.people.get(personId);
		if (!p || p.kind !== 'student')
			throw new FaultError(`Person with ID ${personId} was not found.`);
		return p;
	}

	function requireSchool(id) {
		const s = school(Number(id ?? schoolIds[0]));
		if (!s) throw new Error(`Unknown school ${id}`);
		return s;
	}

	return {
		size,
		seed,
		nowFn,
		dateFormat,
		messages,
		accounts,
		schoolIds,
		revoked,
		addedColumns,
		removedColumns,
		trust,
		withheld,
		visibleRows,
		get withholdUnconsented() {
			return withholdUnconsented;
		},
		set withholdUnconsented(on) {
			withholdUnconsented = on !== false;
		},
		get padCodes() {
			return padCodes;
		},
		set padCodes(on) {
			padCodes = on === true;
		},
		school,
		entityRows,
		touch,
		authenticate,
		permitted,
		columnsOf,
		sqlColumns,
		readEntity,
		queryEntity,
		saveBehaviourEvent,
		applications,
		listEntities,
		writeContext,
		student,
		requireSchool,
	};
}

module.exports = { createState, parseNow };
