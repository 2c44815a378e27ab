/**
 * Identity helpers over a model read by readSds or readOneRoster (both give `users` by sourcedId
 * and `roles` rows with userSourcedId, orgSourcedId and role). They know nothing of any exporter:
 * a test reads the source system itself, and compares.
 */

/**
 * @typedef {Record<string, string>} Row
 * @typedef {{ users: Record<string, Row>, roles: Row[] }} IdentityModel
 */

/**
 * @param {Record<string, any>} obj
 * @param {string} key
 * @param {any} value
 */
function put(obj, key, value) {
	Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * @param {Record<string, any>} obj
 * @param {string} key
 */
function has(obj, key) {
	return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * Users grouped by username. By default usernames are compared case-insensitively: an SDS
 * username is a UPN (roster-export-formats.md §1.3, R1) and SDS lower-cases addresses
 * (§1.2, R3), so `A@x` and `a@x` name one account.
 * @param {IdentityModel} model
 * @param {{ caseSensitive?: boolean }} [options]
 * @returns {Record<string, string[]>} username key → the sourcedIds that carry it, in file order
 */
function usersByUsername(model, options = {}) {
	/** @type {Record<string, string[]>} */
	const out = {};
	for (const [id, user] of Object.entries(model.users)) {
		const name = user.username ?? '';
		if (name === '') continue;
		const key = options.caseSensitive ? name : name.toLowerCase();
		if (!has(out, key)) put(out, key, []);
		out[key].push(id);
	}
	return out;
}

/**
 * Rows whose values in `fields` repeat.
 * @param {Row[]} rows
 * @param {string[]} fields
 * @returns {{ values: string[], indexes: number[] }[]} one entry per repeated key, with the
 *   indexes (into `rows`) of every row that carries it, first one first
 */
function duplicatePairs(rows, fields) {
	/** @type {Map<string, { values: string[], indexes: number[] }>} */
	const seen = new Map();
	rows.forEach((row, index) => {
		const values = fields.map((f) => row[f] ?? '');
		const key = JSON.stringify(values);
		const entry = seen.get(key);
		if (entry) entry.indexes.push(index);
		else seen.set(key, { values, indexes: [index] });
	});
	return [...seen.values()].filter((e) => e.indexes.length > 1);
}

/**
 * Per org and role, the set of users who hold that role there (sorted, without repeats), so a
 * test can compare it with what it read from the source system: nobody lost, nobody invented.
 * @param {IdentityModel} model
 * @returns {Record<string, Record<string, string[]>>} orgSourcedId → role → user sourcedIds
 */
function conservation(model) {
	/** @type {Map<string, Map<string, Set<string>>>} */
	const byOrg = new Map();
	for (const r of model.roles) {
		const org = r.orgSourcedId ?? '';
		const role = r.role ?? '';
		if (!byOrg.has(org)) byOrg.set(org, new Map());
		const byRole = byOrg.get(org);
		if (!byRole.has(role)) byRole.set(role, new Set());
		byRole.get(role).add(r.userSourcedId ?? '');
	}
	/** @type {Record<string, Record<string, string[]>>} */
	const out = {};
	for (const org of [...byOrg.keys()].sort()) {
		/** @type {Record<string, string[]>} */
		const roles = {};
		const byRole = byOrg.get(org);
		for (const role of [...byRole.keys()].sort()) put(roles, role, [...byRole.get(role)].sort());
		put(out, org, roles);
	}
	return out;
}

module.exports = { usersByUsername, duplicatePairs, conservation, put, has };
