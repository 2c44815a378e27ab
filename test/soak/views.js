'use strict';
/**
 * What each watched view holds at a moment, computed from the sandbox's own rows through its own
 * T-SQL engine (not the product's code): the oracle's truth.
 *
 * - Students (watch "Students", Record Status current): the students on roll today, keyed by StudentID,
 *   with their watched fields; those whose StudentID a reader receives as NULL are not in it (they have
 *   no key there).
 * - Contacts (watch "Contacts"): the people linked (a link with no end date, or one not passed) to a
 *   student on roll, keyed by PersonID, with their best email (README: the one marked main, else the
 *   lowest Priority number, else the oldest) and their consent.
 */
const { stateOf } = require('./oracle');

const CURRENT = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
const STUDENT_FIELDS = [
	'FirstName',
	'LastName',
	'PreferredFirstName',
	'UPN',
	'YearGroup',
	'TutorGroup',
];
const CONTACT_FIELDS = ['Email', 'IsDataProcessingConsentGranted'];

function studentsView(sandbox, schoolId, nulled = new Set()) {
	const view = new Map();
	for (const s of sandbox.rows('Students', schoolId, CURRENT))
		if (!nulled.has(s.StudentID)) view.set(String(s.StudentID), stateOf(s, STUDENT_FIELDS));
	return view;
}

function contactsView(sandbox, schoolId) {
	const onRoll = new Set(sandbox.rows('Students', schoolId, CURRENT).map((s) => s.StudentID));
	const linked = new Set(
		sandbox
			.rows('StudentContacts', schoolId, '(EndDate IS NULL OR EndDate >= GETDATE())')
			.filter((l) => onRoll.has(l.StudentID))
			.map((l) => l.ContactPersonID),
	);
	const best = new Map();
	for (const e of sandbox.rows('Emails', schoolId)) {
		const b = best.get(e.PersonID);
		const rank = [e.Priority ?? Number.MAX_SAFE_INTEGER, e.EmailID];
		if (!b || rank[0] < b.rank[0] || (rank[0] === b.rank[0] && rank[1] < b.rank[1]))
			best.set(e.PersonID, { rank, address: e.EmailAddress });
	}
	const view = new Map();
	for (const p of sandbox.rows('People', schoolId))
		if (linked.has(p.PersonID))
			view.set(
				String(p.PersonID),
				stateOf(
					{
						Email: best.get(p.PersonID)?.address ?? null,
						IsDataProcessingConsentGranted: p.IsDataProcessingConsentGranted,
					},
					CONTACT_FIELDS,
				),
			);
	return view;
}

module.exports = { studentsView, contactsView, STUDENT_FIELDS, CONTACT_FIELDS, CURRENT };
