'use strict';
/**
 * A trust of many schools (`createSandbox({ schools: 50, trust: true })`): what makes identity hard
 * across a multi-academy trust, planned once from the seed and the trust's school IDs, so each school
 * still builds on its own and lazily.
 *
 * - Staff at two schools: the same person (name, title, work email at the home school's domain) on
 *   the Staff of two neighbouring schools, with their own StaffID in each, teaching at both.
 * - A parent with children at two schools: the same contact (name, title, email) at both, each with
 *   a child on roll there.
 * - Dual-registered pupils: the same child (name, date of birth, UPN) on roll at two schools.
 * - Shared family emails: in some families both parents are recorded with one address.
 * - Name collisions need nothing extra: every school draws from the same name pools, so the same
 *   first initial, surname and intake year recur across schools (as they do in a real trust).
 *
 * Every person a school holds has a `globalKey`: `<schoolId>:<personId>` for a person of one school,
 * `trust:<kind>:<n>` for the shared people above. Tests use it as the ground truth of who is who.
 */
const { rng } = require('./data');

const TRUST_SIZE_LIMIT = 50;

/** The shared people of the trust (pure: the same seed and schools give the same plan). */
function trustPlan(seed, schoolIds) {
	const ids = [...schoolIds].sort((a, b) => a - b);
	const r = rng(seed, 'trust', ids.join(','));
	const staff = [];
	const families = [];
	const pupils = [];
	for (let i = 0; i + 1 < ids.length; i++) {
		const [a, b] = [ids[i], ids[i + 1]];
		// Two members of staff shared by each neighbouring pair (peripatetic music, a trust SENCo …).
		for (let k = 0; k < 2; k++)
			staff.push({ key: `trust:staff:${staff.length + 1}`, home: a, other: b, draw: r.next() });
		// Three parents with a child at each school of the pair.
		for (let k = 0; k < 3; k++)
			families.push({
				key: `trust:contact:${families.length + 1}`,
				schools: [a, b],
				draw: r.next(),
			});
		// One dual-registered pupil per pair.
		pupils.push({ key: `trust:student:${pupils.length + 1}`, schools: [a, b], draw: r.next() });
	}
	return { staff, families, pupils };
}

/** What a school contributes to the plan: the shared people it holds. */
function schoolShare(plan, schoolId) {
	return {
		staff: plan.staff.filter((s) => s.home === schoolId || s.other === schoolId),
		families: plan.families.filter((f) => f.schools.includes(schoolId)),
		pupils: plan.pupils.filter((p) => p.schools.includes(schoolId)),
	};
}

module.exports = { trustPlan, schoolShare, TRUST_SIZE_LIMIT };
