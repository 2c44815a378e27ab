'use strict';
/**
 * Deterministic synthetic schools for the sandbox. A school is generated from (seed, schoolId, size,
 * now); the same inputs always give the same school. People, groups and memberships are built when a
 * school is first touched; heavy per-day data (attendance, timetable occurrences) is built per entity
 * on first read, from per-person random streams, so adding one student never changes anyone else's rows.
 *
 * Dates are numbers: UK wall-clock milliseconds read as UTC (see tsql.js).
 *
 * Messiness on purpose (each appears in every size): leavers, future admissions, students without
 * Data Processing Consent, Mother/Father without parental responsibility, other relatives with and
 * without it, contacts shared by siblings, contacts without a title or an email, staff without classes,
 * a class without a teacher, names such as O'Brien, Siân, Zoë and D'Souza.
 */

const DAY = 86400000;

function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function hashSeed(...parts) {
	let h = 2166136261;
	for (const part of parts) {
		const s = String(part);
		for (let i = 0; i < s.length; i++) {
			h ^= s.charCodeAt(i);
			h = Math.imul(h, 16777619);
		}
		h ^= 0x9e3779b9;
	}
	return h >>> 0;
}

function rng(...parts) {
	const next = mulberry32(hashSeed(...parts));
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (list) => list[Math.floor(next() * list.length)],
		chance: (p) => next() < p,
	};
}

const GIRLS = [
	'Amelia',
	'Olivia',
	'Isla',
	'Ava',
	'Mia',
	'Ivy',
	'Lily',
	'Isabella',
	'Rosie',
	'Sophia',
	'Grace',
	'Freya',
	'Zoë',
	'Siân',
	'Chloé',
	'Aoife',
	'Niamh',
	'Priya',
	'Aisha',
	'Fatima',
	'Maja',
	'Zuzanna',
	'Ella',
	'Evie',
	'Poppy',
	'Ruby',
	'Chloe',
	'Erin',
	'Megan',
	'Nia',
	'Amara',
	'Esmé',
];
const BOYS = [
	'Oliver',
	'George',
	'Noah',
	'Arthur',
	'Leo',
	'Harry',
	'Oscar',
	'Muhammad',
	'Jack',
	'Charlie',
	'Jacob',
	'Freddie',
	'Theo',
	'Alfie',
	'Seán',
	'Rhys',
	'Dylan',
	'Callum',
	'Oluwaseun',
	'Kacper',
	'Mateusz',
	'Arjun',
	'Ibrahim',
	'Finley',
	'Ethan',
	'Logan',
	'Rory',
	'Owen',
	'Joseph',
	'Samuel',
	'Zain',
	'Jérôme',
];
const SURNAMES = [
	"O'Brien",
	'Smith',
	'Jones',
	'Williams',
	'Taylor',
	'Brown',
	'Davies',
	'Evans',
	'Wilson',
	'Thomas',
	'Roberts',
	'Johnson',
	'Lewis',
	'Walker',
	'Robinson',
	'Wood',
	'Thompson',
	'White',
	'Watson',
	'Jackson',
	'Wright',
	'Green',
	'Harris',
	'Cooper',
	'King',
	'Lee',
	'Martin',
	'Clarke',
	'James',
	'Morgan',
	'Hughes',
	'Edwards',
	'Hill',
	'Moore',
	'Clark',
	'Harrison',
	'Scott',
	'Young',
	'Morris',
	'Hall',
	'Ward',
	'Turner',
	'Carter',
	'Phillips',
	'Mitchell',
	'Patel',
	'Khan',
	'Ali',
	'Nowak',
	'Kowalski',
	'Nguyen',
	"D'Souza",
	'MacDonald',
	'Smith-Jones',
	'Ó Súilleabháin',
	'Chaudhry',
	'Okafor',
	'Mensah',
];
const ADULT_WOMEN = [
	'Sarah',
	'Emma',
	'Claire',
	'Rachel',
	'Laura',
	'Nicola',
	'Gemma',
	'Kerry',
	'Joanne',
	'Helen',
	'Catrin',
	'Siobhán',
	'Agnieszka',
	'Nadia',
	'Yasmin',
	'Renée',
];
const ADULT_MEN = [
	'David',
	'Paul',
	'Mark',
	'Andrew',
	'Richard',
	'James',
	'Michael',
	'Gareth',
	'Darren',
	'Lee',
	'Tomasz',
	'Imran',
	'Kwame',
	'Dónal',
	'Stephen',
	'Neil',
];
const SUBJECTS = [
	{ code: 'En', name: 'English', lessons: 8 },
	{ code: 'Ma', name: 'Mathematics', lessons: 8 },
	{ code: 'Sc', name: 'Science', lessons: 8 },
	{ code: 'Hi', name: 'History', lessons: 4 },
	{ code: 'Gg', name: 'Geography', lessons: 4 },
	{ code: 'Fr', name: 'French', lessons: 4 },
	{ code: 'Sp', name: 'Spanish', lessons: 4 },
	{ code: 'Ar', name: 'Art', lessons: 4 },
	{ code: 'Mu', name: 'Music', lessons: 4 },
	{ code: 'Pe', name: 'Physical Education', lessons: 4 },
	{ code: 'Cs', name: 'Computing', lessons: 4 },
	{ code: 'Re', name: 'Religious Education', lessons: 4 },
];
const HOUSES = ['Brunel', 'Curie', 'Seacole', 'Turing'];
const PERIODS = [
	{ name: '1', start: [8, 50], end: [9, 50] },
	{ name: '2', start: [9, 50], end: [10, 50] },
	{ name: '3', start: [11, 5], end: [12, 5] },
	{ name: '4', start: [12, 5], end: [13, 5] },
	{ name: '5', start: [13, 50], end: [14, 50] },
	{ name: '6', start: [14, 50], end: [15, 50] },
];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

const SIZES = {
	small: {
		years: [7, 8],
		perYear: 24,
		setsPerSubject: 2,
		subjects: 6,
		schools: [20001, 20002, 20003],
		attendanceDays: 'academicYear',
	},
	medium: {
		years: [7, 8, 9, 10, 11],
		perYear: 230,
		setsPerSubject: 7,
		subjects: 12,
		schools: [20001, 20002, 20003],
		attendanceDays: 'academicYear',
	},
	large: {
		years: [7, 8, 9, 10, 11, 12, 13],
		perYear: 214,
		setsPerSubject: 8,
		subjects: 12,
		schools: [20001, 20002, 20003, 20004, 20005, 20006, 20007, 20008, 20009, 20010],
		attendanceDays: 190,
	},
};

const SCHOOL_NAMES = [
	'Riverside Academy',
	'St Aidan’s Church of England School',
	'Hill View Community College',
	'Oakfield School',
	'Castle Park Academy',
	'Meadowbank High School',
	'Kingsway School',
	'Harbour Lights Academy',
	'Beacon Hill College',
	'Westmoor School',
];

/** Towns that tell apart schools of the same name in a trust of more than ten schools. */
const TOWNS = ['Northgate', 'Southbrook', 'Eastleigh', 'Westfield', 'Ashby'];

/**
 * A school's name and email domain from its place in the sandbox's list: the first ten have the
 * names above; beyond ten a town goes in front. Domains are unique within a trust of up to 50.
 */
function schoolNaming(schoolId, index) {
	const i = index >= 0 ? index : schoolId;
	const base = SCHOOL_NAMES[i % SCHOOL_NAMES.length];
	const name =
		i < SCHOOL_NAMES.length ? base : `${TOWNS[Math.floor(i / 10 - 1) % TOWNS.length]} ${base}`;
	const words = name.split(' ');
	const stem = (i < SCHOOL_NAMES.length ? words[0] : `${words[0]}${words[1]}`)
		.toLowerCase()
		.replace(/[^a-z]/g, '');
	return { name, domain: `${stem}.sch.uk` };
}

/** UK wall-clock "now" (ms read as UTC) from a real instant. */
function ukWallClock(instant) {
	return instant + ukOffsetMinutes(instant) * 60000;
}

/** Minutes east of UTC in the UK at a real instant: BST from the last Sunday of March to that of October, 01:00 UTC. */
function ukOffsetMinutes(instant) {
	const year = new Date(instant).getUTCFullYear();
	const lastSunday = (month) => {
		const d = new Date(Date.UTC(year, month + 1, 0));
		return Date.UTC(year, month, d.getUTCDate() - d.getUTCDay(), 1);
	};
	return instant >= lastSunday(2) && instant < lastSunday(9) ? 60 : 0;
}

/** Offset of a UK wall-clock value (approximate in the repeated hour, as .NET is). */
function ukOffsetOfWallClock(wall) {
	return ukOffsetMinutes(wall - 60 * 60000);
}

function academicYearStart(now) {
	const d = new Date(now);
	const year = d.getUTCMonth() >= 8 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
	// First weekday on or after 3 September.
	let start = Date.UTC(year, 8, 3);
	while ([0, 6].includes(new Date(start).getUTCDay())) start += DAY;
	return start;
}

function isHoliday(day) {
	const d = new Date(day);
	const m = d.getUTCMonth();
	const date = d.getUTCDate();
	if (m === 9 && date >= 27) return true; // October half-term
	if (m === 11 && date >= 20) return true; // Christmas
	if (m === 0 && date <= 3) return true;
	if (m === 1 && date >= 16 && date <= 20) return true; // February half-term
	if (m === 3 && date <= 14) return true; // Easter
	if (m === 4 && date >= 26) return true; // May half-term
	if (m === 6 && date >= 22) return true; // Summer
	if (m === 7) return true;
	return false;
}

function schoolDaysBetween(from, to) {
	const days = [];
	for (let day = Math.floor(from / DAY) * DAY; day <= to; day += DAY) {
		const dow = new Date(day).getUTCDay();
		if (dow === 0 || dow === 6 || isHoliday(day)) continue;
		days.push(day);
	}
	return days;
}

/** The wall-clock instant of `[hour, minute]` on `day`. @param {number} day @param {number[]} time */
function at(day, time) {
	const [h, m] = time;
	return day + h * 3600000 + m * 60000;
}

function email(first, last, domain) {
	const clean = (s) =>
		s
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^A-Za-z0-9]/g, '')
			.toLowerCase();
	return `${clean(first)}.${clean(last)}@${domain}`;
}

function guid(r) {
	const hex = () => Math.floor(r.next() * 16).toString(16);
	const part = (n) => Array.from({ length: n }, hex).join('');
	return `${part(8)}-${part(4)}-4${part(3)}-${'89ab'[Math.floor(r.next() * 4)]}${part(3)}-${part(12)}`;
}

/** An empty school model: the shape every school (generated or hand-written) has. */
function newSchoolModel(fields) {
	return {
		lawfulBasis: 'Consent',
		people: new Map(),
		students: [],
		contacts: [],
		staff: [],
		links: [],
		emails: [],
		phones: [],
		collections: [],
		associates: [],
		executives: [],
		subjectClasses: [],
		meals: new Map(),
		transactions: [],
		ssoUsers: [],
		assessmentWrites: new Map(),
		version: 0,
		cache: new Map(),
		...fields,
	};
}

/**
 * Builds the core model of one school: people, links, groups, memberships.
 */
function buildSchool({ seed, schoolId, size, now, schools, trust }) {
	const cfg = SIZES[size];
	if (!cfg) throw new Error(`Unknown sandbox size "${size}" (small, medium, large).`);
	const r = rng(seed, schoolId, 'core');
	const { name, domain } = schoolNaming(schoolId, (schools || cfg.schools).indexOf(schoolId));
	const yearStart = academicYearStart(now);
	const school = newSchoolModel({
		id: schoolId,
		seed,
		size,
		now,
		cfg,
		name,
		domain,
		establishmentNumber: String(4000 + (schoolId % 1000)),
		urn: String(130000 + (schoolId % 100000)),
		yearStart,
		nextId: schoolId * 100 + 1,
	});
	const newId = () => school.nextId++;
	let linkId = 1;
	let emailId = 1;
	let phoneId = 1;
	let associateId = 1;
	let executiveId = 1;

	const addPerson = (p) => {
		p.guid = guid(r);
		p.globalKey = `${schoolId}:${p.personId}`;
		school.people.set(p.personId, p);
		return p;
	};

	// Staff first: teachers per subject, tutors, support staff (who teach nothing).
	const subjects = SUBJECTS.slice(0, cfg.subjects);
	const teachersBySubject = new Map();
	const titlesF = ['Mrs', 'Ms', 'Miss', 'Dr'];
	const titlesM = ['Mr', 'Dr'];
	const staffCodes = new Set();
	const makeStaff = (job, subject) => {
		const female = r.chance(0.6);
		const first = r.pick(female ? ADULT_WOMEN : ADULT_MEN);
		const last = r.pick(SURNAMES);
		let code = (first[0] + last.replace(/[^A-Za-z]/g, '').slice(0, 2)).toUpperCase();
		while (staffCodes.has(code)) code = code.slice(0, 2) + String.fromCharCode(65 + r.int(0, 25));
		staffCodes.add(code);
		const s = addPerson({
			kind: 'staff',
			personId: newId(),
			title: r.chance(0.04) ? null : r.pick(female ? titlesF : titlesM),
			first,
			middle: r.chance(0.2) ? r.pick(female ? ADULT_WOMEN : ADULT_MEN) : null,
			last,
			gender: female ? 'F' : 'M',
			dob: Date.UTC(r.int(1960, 1998), r.int(0, 11), r.int(1, 28)),
			consent: r.chance(0.97),
			staffCode: code,
			jobTitle: job,
			subject: subject ? subject.name : null,
			start: Date.UTC(r.int(2005, 2025), 8, 1),
			end: null,
			workEmail: null,
		});
		s.workEmail = email(s.first, s.last, domain);
		school.staff.push(s);
		return s;
	};
	for (const subject of subjects) {
		const load = subject.lessons * cfg.setsPerSubject * cfg.years.length;
		const count = Math.max(1, Math.ceil(load / 30));
		teachersBySubject.set(
			subject.name,
			Array.from({ length: count }, () => makeStaff(`Teacher of ${subject.name}`, subject)),
		);
	}
	const supportCount = Math.max(3, Math.round(school.staff.length * 0.45));
	for (let i = 0; i < supportCount; i++)
		makeStaff(
			r.pick([
				'Teaching Assistant',
				'Administrator',
				'Site Manager',
				'Finance Officer',
				'Exams Officer',
				'Librarian',
			]),
			null,
		);
	// Staff messiness: one leaver, one future starter.
	school.staff[school.staff.length - 1].end = Date.UTC(new Date(yearStart).getUTCFullYear(), 6, 20);
	school.staff[school.staff.length - 2].start = now + 30 * DAY;

	// Groups.
	const collection = (type, desc, nameText, extra = {}) => {
		const c = {
			collectionId: newId(),
			type,
			typeDescription: desc,
			name: nameText,
			description: extra.description || nameText,
			start: yearStart,
			end: Date.UTC(new Date(yearStart).getUTCFullYear() + 1, 7, 31),
			...extra,
		};
		school.collections.push(c);
		return c;
	};
	const yearGroups = new Map();
	for (const y of cfg.years)
		yearGroups.set(y, collection('YEARGRP', 'Year Group', `Year ${y}`, { yearGroup: String(y) }));
	const houses = HOUSES.map((h) => collection('HOUSE', 'House', h));
	const tutorGroups = new Map();
	const letters = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K'];
	for (const y of cfg.years) {
		const count = Math.max(1, Math.round(cfg.perYear / 29));
		tutorGroups.set(
			y,
			Array.from({ length: count }, (_, i) =>
				collection('TUTORGRP', 'Tutor Group', `${y}${letters[i]}`, { yearGroup: String(y) }),
			),
		);
	}
	const classes = new Map(); // year → subject → [class]
	for (const y of cfg.years) {
		const bySubject = new Map();
		for (const subject of subjects) {
			bySubject.set(
				subject.name,
				Array.from({ length: cfg.setsPerSubject }, (_, i) => {
					const c = collection('CLASS', 'Class', `${y}${subject.code}${i + 1}`, {
						description: `Year ${y} ${subject.name} set ${i + 1}`,
						subject: subject.name,
						yearGroup: String(y),
					});
					school.subjectClasses.push(c);
					return c;
				}),
			);
		}
		classes.set(y, bySubject);
	}

	// Executives: tutors, heads of house, teachers (one class deliberately without a teacher).
	const executive = (staff, c, role) =>
		school.executives.push({
			id: executiveId++,
			staffId: staff.personId,
			collectionId: c.collectionId,
			collectionName: c.name,
			role,
			start: c.start,
			end: null,
		});
	const teachers = school.staff.filter((s) => s.subject);
	let tutorIndex = 0;
	for (const groups of tutorGroups.values()) {
		for (const g of groups) {
			executive(teachers[tutorIndex++ % teachers.length], g, 'Main Tutor');
			if (r.chance(0.3)) executive(teachers[tutorIndex++ % teachers.length], g, 'Additional Tutor');
		}
	}
	houses.forEach((h, i) => executive(teachers[(i * 7) % teachers.length], h, 'Head of House'));
	const load = new Map();
	let classWithoutTeacher = null;
	for (const [y, bySubject] of classes) {
		for (const [subjectName, list] of bySubject) {
			for (const c of list) {
				if (
					classWithoutTeacher === null &&
					y === cfg.years[cfg.years.length - 1] &&
					subjectName === subjects[subjects.length - 1].name
				) {
					classWithoutTeacher = c; // a class whose teacher has not been assigned yet
					continue;
				}
				const pool = teachersBySubject.get(subjectName);
				const teacher = pool.reduce(
					(best, t) => ((load.get(t) || 0) < (load.get(best) || 0) ? t : best),
					pool[0],
				);
				load.set(teacher, (load.get(teacher) || 0) + 1);
				c.teacherId = teacher.personId;
				executive(teacher, c, 'Main Teacher');
				if (r.chance(0.08)) {
					const other = r.pick(pool);
					if (other !== teacher) executive(other, c, 'Additional Teacher');
				}
			}
		}
	}

	// Students, in families; contacts shared by siblings.
	const relationshipsOther = [
		['Grandmother', 0.35],
		['Grandfather', 0.3],
		['Aunt', 0.5],
		['Uncle', 0.3],
		['Step-Mother', 0.4],
		['Step-Father', 0.4],
		['Carer', 0.8],
		['Other Relative', 0.2],
		['Social Worker', 0.1],
	];
	const makeContact = (relationship, last, female) => {
		const c = addPerson({
			kind: 'contact',
			personId: newId(),
			title: r.chance(0.05) ? null : female ? r.pick(['Mrs', 'Ms', 'Miss']) : r.pick(['Mr', 'Dr']),
			first: r.pick(female ? ADULT_WOMEN : ADULT_MEN),
			middle: null,
			last: r.chance(0.85) ? last : r.pick(SURNAMES),
			gender: female ? 'F' : 'M',
			dob: null,
			consent: r.chance(0.95),
		});
		if (r.chance(0.9)) {
			school.emails.push({
				id: emailId++,
				personId: c.personId,
				// An address is one person's (two parents of the same name are two mailboxes): a number
				// from the school and person keeps same-named parents of a trust apart.
				address: email(
					c.first,
					`${c.last}${(schoolId % 100) * 100000 + (c.personId % 100000)}`,
					r.pick(['example.com', 'mail.example.org', 'example.net']),
				),
				type: 'Home',
				priority: 1,
			});
			if (r.chance(0.15))
				school.emails.push({
					id: emailId++,
					personId: c.personId,
					address: email(c.first, `${c.last}${c.personId % 1000}.work`, 'work.example.com'),
					type: 'Work',
					priority: 2,
				});
		}
		if (r.chance(0.93))
			school.phones.push({
				id: phoneId++,
				personId: c.personId,
				number: `07${r.int(100, 999)} ${r.int(100000, 999999)}`,
				type: 'Mobile',
				priority: 1,
			});
		if (r.chance(0.3))
			school.phones.push({
				id: phoneId++,
				personId: c.personId,
				number: `01${r.int(100, 999)} ${r.int(100000, 999999)}`,
				type: 'Home',
				priority: 2,
			});
		school.contacts.push(c);
		return { person: c, relationship, female };
	};
	const link = (student, contact, relationship, pr, priority) =>
		school.links.push({
			id: linkId++,
			studentId: student.personId,
			contactId: contact.personId,
			relationship,
			pr,
			priority,
			correspondence: priority <= 2,
			reports: pr,
			ballot: pr,
			// About one link in forty carries a court order restricting access (deterministic).
			courtOrder: linkId % 41 === 7,
			livesWith: priority === 1 || (pr && r.chance(0.7)),
			start: student.start,
			end: null,
		});

	const memberships = (student) => {
		const y = Number(student.yearGroup);
		const tg = tutorGroups.get(y)[student.tutorIndex % tutorGroups.get(y).length];
		student.tutorGroup = tg;
		const add = (c) =>
			school.associates.push({
				id: associateId++,
				personId: student.personId,
				collectionId: c.collectionId,
				collectionName: c.name,
				start: Math.max(student.start, c.start),
				end: student.end,
			});
		add(yearGroups.get(y));
		add(tg);
		add(houses[student.houseIndex % houses.length]);
		// One deliberate student with no classes (timetable not yet set up for a mid-year joiner).
		if (student.noClasses) return;
		for (const [, list] of classes.get(y)) add(list[student.setIndex % list.length]);
	};

	let studentCount = 0;
	const leaversTarget = Math.max(2, Math.round(cfg.perYear * cfg.years.length * 0.035));
	const futureTarget = Math.max(1, Math.round(cfg.perYear * cfg.years.length * 0.015));
	const totalTarget = cfg.perYear * cfg.years.length + leaversTarget + futureTarget;
	while (studentCount < totalTarget) {
		const familyLast = r.pick(SURNAMES);
		const children = r.chance(0.25) ? r.int(2, 3) : 1;
		const family = [];
		const motherPresent = r.chance(0.92);
		const fatherPresent = r.chance(0.78);
		if (motherPresent) family.push(makeContact('Mother', familyLast, true));
		if (fatherPresent) family.push(makeContact('Father', familyLast, false));
		const extra = r.chance(0.6) ? 1 : 0;
		for (let e = 0; e < extra || family.length === 0; e++) {
			const [rel] = r.pick(relationshipsOther);
			family.push(
				makeContact(
					rel,
					familyLast,
					['Grandmother', 'Aunt', 'Step-Mother'].includes(rel) ||
						(rel === 'Carer' && r.chance(0.5)),
				),
			);
			if (family.length > 0 && e >= extra) break;
		}
		// Parental responsibility for each contact in this family (shared by the siblings).
		for (const c of family) {
			if (c.relationship === 'Mother' || c.relationship === 'Father') c.pr = r.chance(0.93);
			else c.pr = r.chance(relationshipsOther.find(([rel]) => rel === c.relationship)[1]);
		}
		for (let k = 0; k < children && studentCount < totalTarget; k++) {
			const n = studentCount++;
			const female = r.chance(0.5);
			const status =
				n < leaversTarget ? 'leaver' : n < leaversTarget + futureTarget ? 'future' : 'current';
			const y = cfg.years[r.int(0, cfg.years.length - 1)];
			const birthYear = new Date(yearStart).getUTCFullYear() - y - 5;
			const first = r.pick(female ? GIRLS : BOYS);
			const start =
				status === 'future'
					? Math.floor((now + r.int(7, 60) * DAY) / DAY) * DAY
					: status === 'current' && r.chance(0.05)
						? Math.floor((now - r.int(10, 50) * DAY) / DAY) * DAY
						: Date.UTC(
								new Date(yearStart).getUTCFullYear() - (y - 7),
								8,
								r.chance(0.95) ? 4 : r.int(5, 28),
							);
			const end = status === 'leaver' ? Math.floor((now - r.int(5, 300) * DAY) / DAY) * DAY : null;
			const s = addPerson({
				kind: 'student',
				personId: newId(),
				title: null,
				first,
				middle: r.chance(0.3) ? r.pick(female ? GIRLS : BOYS) : null,
				last: familyLast,
				preferredFirst: r.chance(0.08) ? first.slice(0, 3) : first,
				gender: female ? 'F' : 'M',
				dob: Date.UTC(birthYear, r.int(8, 19) % 12, r.int(1, 28)),
				consent: r.chance(0.94),
				upn: `${String.fromCharCode(65 + r.int(0, 25))}${String(schoolId).padStart(6, '0').slice(-6)}${String(r.int(100000, 999999))}`,
				admissionNumber: String(10000 + n).padStart(6, '0'),
				yearGroup: String(y),
				start,
				end,
				tutorIndex: r.int(0, 99),
				houseIndex: r.int(0, 3),
				setIndex: r.int(0, 99),
				noClasses: false,
				ealFlag: r.chance(0.12),
				pupilPremium: r.chance(0.25),
			});
			school.students.push(s);
			family.forEach((c, i) => link(s, c.person, c.relationship, c.pr, i + 1));
			school.meals.set(s.personId, {
				personId: s.personId,
				balance: Math.round(r.next() * 4000) / 100,
				mealType: r.chance(0.2) ? 'Free School Meal' : 'Paid Meal',
			});
		}
	}
	// Deliberate edge cases, deterministic positions among current students.
	const current = school.students.filter((s) => s.end === null && s.start <= now);
	if (current.length > 3) current[current.length - 1].noClasses = true;
	if (trust) {
		// The people this school shares with others of its trust (sandbox/trust.js): the same person's
		// details come from the plan's key, so both schools hold the same name, email and UPN.
		const { schoolShare } = require('./trust');
		const share = schoolShare(trust.plan, schoolId);
		const domainOf = (id) => schoolNaming(id, trust.schools.indexOf(id)).domain;
		const addStudent = (d) => {
			const n = studentCount++;
			const s = addPerson({
				kind: 'student',
				personId: newId(),
				title: null,
				middle: null,
				preferredFirst: d.first,
				consent: true,
				admissionNumber: String(10000 + n).padStart(6, '0'),
				start: Date.UTC(new Date(yearStart).getUTCFullYear() - (Number(d.yearGroup) - 7), 8, 4),
				end: null,
				tutorIndex: d.index,
				houseIndex: d.index % 4,
				setIndex: d.index,
				noClasses: false,
				ealFlag: false,
				pupilPremium: false,
				...d,
			});
			school.students.push(s);
			school.meals.set(s.personId, { personId: s.personId, balance: 10, mealType: 'Paid Meal' });
			return s;
		};
		const addParent = (d, child) => {
			const c = addPerson({ kind: 'contact', personId: newId(), middle: null, dob: null, ...d });
			c.globalKey = d.globalKey;
			school.emails.push({
				id: emailId++,
				personId: c.personId,
				address: d.email,
				type: 'Home',
				priority: 1,
			});
			school.contacts.push(c);
			link(child, c, d.gender === 'F' ? 'Mother' : 'Father', true, 1);
			return c;
		};
		const yearOf = (t) => cfg.years[t.int(0, cfg.years.length - 1)];
		for (const f of share.families) {
			const t = rng(seed, f.key);
			const female = t.chance(0.6);
			const first = t.pick(female ? ADULT_WOMEN : ADULT_MEN);
			const last = t.pick(SURNAMES);
			const parent = {
				globalKey: f.key,
				title: female ? 'Mrs' : 'Mr',
				first,
				last,
				gender: female ? 'F' : 'M',
				consent: true,
				email: email(first, `${last}${f.key.split(':')[2]}`, 'example.org'),
			};
			const c = rng(seed, f.key, schoolId);
			const girl = c.chance(0.5);
			const child = addStudent({
				first: c.pick(girl ? GIRLS : BOYS),
				last,
				gender: girl ? 'F' : 'M',
				dob: Date.UTC(2012, c.int(0, 11), c.int(1, 28)),
				upn: `T${String(schoolId).slice(-4)}${String(c.int(10000000, 99999999))}`,
				yearGroup: String(yearOf(c)),
				index: c.int(0, 99),
			});
			addParent(parent, child);
		}
		for (const d of share.pupils) {
			const t = rng(seed, d.key);
			const girl = t.chance(0.5);
			const first = t.pick(girl ? GIRLS : BOYS);
			const last = t.pick(SURNAMES);
			const child = addStudent({
				first,
				last,
				gender: girl ? 'F' : 'M',
				dob: Date.UTC(2012, t.int(0, 11), t.int(1, 28)),
				upn: `D${String(t.int(100000000000, 999999999999))}`,
				yearGroup: String(yearOf(t)),
				index: t.int(0, 99),
			});
			child.globalKey = d.key;
			const mother = t.pick(ADULT_WOMEN);
			addParent(
				{
					globalKey: `${d.key}:mother`,
					title: 'Ms',
					first: mother,
					last,
					gender: 'F',
					consent: true,
					email: email(mother, `${last}${d.key.split(':')[2]}`, 'example.net'),
				},
				child,
			);
		}
		for (const d of share.staff) {
			const t = rng(seed, d.key);
			const female = t.chance(0.6);
			const subject = t.pick(subjects);
			const s = addPerson({
				kind: 'staff',
				personId: newId(),
				title: female ? 'Ms' : 'Mr',
				first: t.pick(female ? ADULT_WOMEN : ADULT_MEN),
				middle: null,
				last: t.pick(SURNAMES),
				gender: female ? 'F' : 'M',
				dob: Date.UTC(1980, t.int(0, 11), t.int(1, 28)),
				consent: true,
				staffCode: `Z${d.key.split(':')[2]}`,
				jobTitle: `Teacher of ${subject.name}`,
				subject: subject.name,
				start: Date.UTC(2020, 8, 1),
				end: null,
				workEmail: null,
			});
			s.globalKey = d.key;
			s.workEmail = email(s.first, s.last, domainOf(d.home));
			school.staff.push(s);
			const y = cfg.years[rng(seed, d.key, schoolId).int(0, cfg.years.length - 1)];
			for (const c of classes.get(y).get(subject.name).slice(0, 2))
				executive(s, c, 'Additional Teacher');
		}
		// Families where both parents are recorded with one address (the mother's).
		const homeEmail = (personId) =>
			school.emails.find((e) => e.personId === personId && e.type === 'Home');
		for (const student of school.students) {
			const links = school.links.filter((l) => l.studentId === student.personId);
			const mum = links.find((l) => l.relationship === 'Mother');
			const dad = links.find((l) => l.relationship === 'Father');
			if (!mum || !dad || !rng(seed, schoolId, 'shared-email', student.personId).chance(0.15))
				continue;
			const [a, b] = [homeEmail(mum.contactId), homeEmail(dad.contactId)];
			if (a && b) b.address = a.address;
		}
	}
	for (const s of school.students) memberships(s);
	school.classWithoutTeacher = classWithoutTeacher;
	school.yearGroups = yearGroups;
	school.tutorGroups = tutorGroups;
	school.classes = classes;
	school.subjects = subjects;
	school.houses = houses;
	return school;
}

// ---- Timetable: a two-week cycle, blocked by subject within a year ---------------------------------

function timetableSlots(school) {
	if (school.slots) return school.slots;
	// 60 slots a fortnight (2 weeks × 5 days × 6 periods). Each year group runs one subject block per
	// slot; years are rotated so the same subject rarely runs in two years at once.
	const slots = new Map(); // year → [{week, day, period, subject}]
	const sequence = [];
	for (const subject of school.subjects)
		for (
			let i = 0;
			i < Math.round((subject.lessons * 60) / school.subjects.reduce((a, s) => a + s.lessons, 0));
			i++
		)
			sequence.push(subject.name);
	while (sequence.length < 60)
		sequence.push(school.subjects[sequence.length % school.subjects.length].name);
	sequence.length = 60;
	// Interleave so a subject's lessons spread across the fortnight.
	const spread = [];
	for (let k = 0; k < 5; k++) for (let i = k; i < 60; i += 5) spread.push(sequence[i]);
	school.cfg.years.forEach((y, yi) => {
		slots.set(
			y,
			spread.map((subject, i) => {
				const s = (i + yi * 7) % 60;
				return {
					week: Math.floor(s / 30) + 1,
					day: Math.floor((s % 30) / 6),
					period: s % 6,
					subject,
				};
			}),
		);
	});
	school.slots = slots;
	return slots;
}

/** Monday of the week containing `day`. */
function mondayOf(day) {
	const dow = (new Date(day).getUTCDay() + 6) % 7;
	return Math.floor(day / DAY) * DAY - dow * DAY;
}

/** Timetable occurrences cover four weeks: the two before `now`'s week, that week and the next. */
function timetableWindow(school) {
	const monday = mondayOf(school.now);
	return { from: monday - 14 * DAY, to: monday + 14 * DAY - 1 };
}

function cycleWeek(day) {
	return (Math.floor(mondayOf(day) / (7 * DAY)) % 2) + 1;
}

function lessonOccurrences(school) {
	const key = 'lessons';
	if (school.cache.has(key)) return school.cache.get(key);
	const slots = timetableSlots(school);
	const { from, to } = timetableWindow(school);
	const out = [];
	let id = 1;
	for (let day = from; day <= to; day += DAY) {
		const dow = (new Date(day).getUTCDay() + 6) % 7;
		if (dow > 4 || isHoliday(day)) continue;
		const week = cycleWeek(day);
		for (const [y, list] of slots) {
			for (const slot of list) {
				if (slot.week !== week || slot.day !== dow) continue;
				const period = PERIODS[slot.period];
				for (const c of school.classes.get(y).get(slot.subject)) {
					out.push({
						id: id++,
						day,
						week,
						dow,
						period,
						slot,
						collection: c,
						start: at(day, period.start),
						end: at(day, period.end),
						room: `${slot.subject.slice(0, 2).toUpperCase()}${(c.collectionId % 9) + 1}`,
					});
				}
			}
		}
	}
	school.cache.set(key, out);
	return out;
}

module.exports = {
	DAY,
	newSchoolModel,
	schoolNaming,
	SIZES,
	PERIODS,
	DAY_NAMES,
	rng,
	hashSeed,
	buildSchool,
	ukWallClock,
	ukOffsetOfWallClock,
	academicYearStart,
	schoolDaysBetween,
	isHoliday,
	lessonOccurrences,
	timetableWindow,
	mondayOf,
	at,
	email,
};
