/**
 * An independent count of attendance from raw marks, for the tests: the DfE national codes
 * (August 2024) by statistical category, written here from the DfE list, not imported from the
 * product, and counted the plain way.
 */
const ORACLE = {
	present: ['/', '\\', 'L'],
	aea: ['K', 'V', 'P', 'W', 'B'],
	authorised: ['C', 'C1', 'C2', 'E', 'H', 'I', 'J1', 'M', 'R', 'S', 'T'],
	unauthorised: ['G', 'N', 'O', 'U'],
	notPossible: ['Q', 'Y1', 'Y2', 'Y3', 'Y4', 'Y5', 'Y6', 'Y7'],
	notRequired: ['X', 'Z', '#', 'D'],
	missing: ['-', ''],
};
const categoryOf = (code, meaning, local = {}) => {
	if (local[code]) return local[code];
	for (const [category, codes] of Object.entries(ORACLE)) if (codes.includes(code)) return category;
	// Not a national code: Bromcom's own meaning of the mark decides (the sandbox's local code 7 is "Present").
	if (meaning === 'Present') return 'present';
	return 'unmapped';
};

/** The expected summary per student from raw marks, counted the plain way. */
function expectedFrom(marks, local) {
	const out = new Map();
	for (const m of marks) {
		if (!['AM', 'PM'].includes(String(m.CalendarName).trim())) continue;
		const id = m.StudentID;
		if (!out.has(id))
			out.set(id, {
				present: 0,
				aea: 0,
				authorised: 0,
				unauthorised: 0,
				notPossible: 0,
				notRequired: 0,
				missing: 0,
				unmapped: 0,
				late: 0,
			});
		const e = out.get(id);
		const code = String(m.ExportMark ?? '').trim();
		e[categoryOf(code, m.MarkMeaningName, local)]++;
		if (code === 'L') e.late++;
	}
	for (const e of out.values()) {
		e.possible = e.present + e.aea + e.authorised + e.unauthorised;
		e.attendance = e.possible ? (e.present + e.aea) / e.possible : null;
	}
	return out;
}

/**
 * Students flagged in `marks` (rows as Attendances returns them), as { id, yearGroup } per the
 * persistent (≤ 90 %) and severe (≤ 50 %) measures.
 */
function flaggedFrom(marks, yearGroupOf) {
	const out = [];
	for (const [id, e] of expectedFrom(marks)) {
		if (e.attendance !== null && e.attendance <= 0.9)
			out.push({ id, yearGroup: yearGroupOf(id), severe: e.attendance <= 0.5 });
	}
	return out;
}

module.exports = { ORACLE, categoryOf, expectedFrom, flaggedFrom };
