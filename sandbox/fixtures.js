'use strict';
/**
 * A hand-written school (ID 30001, "Edge Case Primary") where every eligibility edge case appears
 * exactly once, so tests can state the expected kept/excluded sets by hand. Enable with
 * `createSandbox({ fixtures: true })` (it is added to the generated schools).
 *
 * Students (all on roll): S1 Amy Able (consent, Maths + Music + tutor group), S2 Ben Nocon (NO consent,
 * Art), S3 Cara Noclass (consent, tutor group only: no class), S4 Dan Able (consent, Maths + tutor group).
 * Staff: T1 Mrs Tina Teach (Main Teacher Maths, Main Tutor), T2 Mr Tom Art (Main Teacher Art only),
 * T3 Sam Notitle (no title; Additional Teacher Maths), T4 Mrs Olive Office (no classes).
 * Groups: Maths (T1, T3; S1, S4), Art (T2; S2), Music (no teacher; S1), tutor group 6T (T1; S1, S3, S4), House Brunel.
 * Contacts: P1 Mrs Mary Able, Mother of S1 WITHOUT parental responsibility; P2 Ms Ann Aunt, Aunt of S1
 * WITH PR; P3 Mrs Alice Aunty, Aunt of S4 without PR; P4 Fred Able (no title), Father of S4 with PR;
 * P5 Mr Ned Nocon, Father of S2 (the child without consent); P6 Mrs Gina Gran, Grandmother of S3 with PR
 * (the child without classes); P7 Mr Carl Nocon, Father of S1 with PR but NO consent.
 */
const { academicYearStart, newSchoolModel } = require('./data');

const FIXTURE_SCHOOL_ID = 30001;

function edgeCaseSchool({ seed, now }) {
	const yearStart = academicYearStart(now);
	const start = yearStart;
	const end = Date.UTC(new Date(yearStart).getUTCFullYear() + 1, 7, 31);
	const school = newSchoolModel({
		id: FIXTURE_SCHOOL_ID,
		seed,
		size: 'fixture',
		now,
		cfg: {
			years: [6],
			perYear: 4,
			setsPerSubject: 1,
			subjects: 3,
			schools: [FIXTURE_SCHOOL_ID],
			attendanceDays: 'academicYear',
		},
		name: 'Edge Case Primary',
		domain: 'edgecase.sch.uk',
		establishmentNumber: '2999',
		urn: '199999',
		yearStart,
		nextId: 3000500,
		subjects: [
			{ code: 'Ma', name: 'Mathematics', lessons: 8 },
			{ code: 'Ar', name: 'Art', lessons: 4 },
			{ code: 'Mu', name: 'Music', lessons: 4 },
		],
	});
	const add = (p) => {
		school.people.set(p.personId, {
			guid: `00000000-0000-4000-8000-${String(p.personId).padStart(12, '0')}`,
			middle: null,
			dob: null,
			...p,
		});
		return school.people.get(p.personId);
	};
	const group = (id, type, typeDescription, name, extra = {}) => {
		const c = {
			collectionId: id,
			type,
			typeDescription,
			name,
			description: name,
			start,
			end,
			yearGroup: '6',
			teacherId: null,
			...extra,
		};
		school.collections.push(c);
		return c;
	};
	const year6 = group(3000101, 'YEARGRP', 'Year Group', 'Year 6');
	const tutor = group(3000102, 'TUTORGRP', 'Tutor Group', '6T');
	const house = group(3000103, 'HOUSE', 'House', 'Brunel');
	const maths = group(3000104, 'CLASS', 'Class', '6Ma1', { subject: 'Mathematics' });
	const art = group(3000105, 'CLASS', 'Class', '6Ar1', { subject: 'Art' });
	const music = group(3000106, 'CLASS', 'Class', '6Mu1', { subject: 'Music' });
	school.subjectClasses.push(maths, art, music);
	school.yearGroups = new Map([[6, year6]]);
	school.tutorGroups = new Map([[6, [tutor]]]);
	school.classes = new Map([
		[
			6,
			new Map([
				['Mathematics', [maths]],
				['Art', [art]],
				['Music', [music]],
			]),
		],
	]);
	school.houses = [house];

	const staff = (personId, title, first, last, jobTitle) => {
		const s = add({
			kind: 'staff',
			personId,
			title,
			first,
			last,
			gender: 'F',
			consent: true,
			staffCode: `${first[0]}${last[0]}`.toUpperCase(),
			jobTitle,
			subject: null,
			start: Date.UTC(2015, 8, 1),
			end: null,
			workEmail: `${first.toLowerCase()}.${last.toLowerCase()}@edgecase.sch.uk`,
		});
		school.staff.push(s);
		return s;
	};
	const t1 = staff(3000201, 'Mrs', 'Tina', 'Teach', 'Class Teacher');
	const t2 = staff(3000202, 'Mr', 'Tom', 'Art', 'Teacher of Art');
	const t3 = staff(3000203, null, 'Sam', 'Notitle', 'Teacher of Mathematics');
	staff(3000204, 'Mrs', 'Olive', 'Office', 'Administrator');
	let executiveId = 1;
	const executive = (s, c, role) =>
		school.executives.push({
			id: executiveId++,
			staffId: s.personId,
			collectionId: c.collectionId,
			collectionName: c.name,
			role,
			start,
			end: null,
		});
	executive(t1, maths, 'Main Teacher');
	executive(t1, tutor, 'Main Tutor');
	executive(t2, art, 'Main Teacher');
	executive(t3, maths, 'Additional Teacher');
	maths.teacherId = t1.personId;
	art.teacherId = t2.personId;

	let associateId = 1;
	const student = (personId, first, last, consent, groups) => {
		const s = add({
			kind: 'student',
			personId,
			title: null,
			first,
			last,
			preferredFirst: first,
			gender: 'F',
			dob: Date.UTC(2015, 2, 1),
			consent,
			upn: `E${String(personId).padStart(12, '0')}`,
			admissionNumber: String(personId % 10000).padStart(6, '0'),
			yearGroup: '6',
			start: Date.UTC(2021, 8, 1),
			end: null,
			tutorIndex: 0,
			houseIndex: 0,
			setIndex: 0,
			noClasses: false,
			ealFlag: false,
			pupilPremium: false,
			tutorGroup: tutor,
		});
		school.students.push(s);
		for (const c of [year6, house, ...groups])
			school.associates.push({
				id: associateId++,
				personId,
				collectionId: c.collectionId,
				collectionName: c.name,
				start: Math.max(s.start, c.start),
				end: null,
			});
		school.meals.set(personId, { personId, balance: 10, mealType: 'Paid Meal' });
		return s;
	};
	const s1 = student(3000301, 'Amy', 'Able', true, [tutor, maths, music]);
	const s2 = student(3000302, 'Ben', 'Nocon', false, [art]);
	const s3 = student(3000303, 'Cara', 'Noclass', true, [tutor]);
	const s4 = student(3000304, 'Dan', 'Able', true, [tutor, maths]);

	let linkId = 1;
	let emailId = 1;
	const contact = (personId, title, first, last, consent, children) => {
		const c = add({ kind: 'contact', personId, title, first, last, gender: 'F', consent });
		school.contacts.push(c);
		school.emails.push({
			id: emailId++,
			personId,
			address: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
			type: 'Home',
			priority: 1,
		});
		children.forEach(([child, relationship, pr], k) =>
			school.links.push({
				id: linkId++,
				studentId: child.personId,
				contactId: personId,
				relationship,
				pr,
				priority: k + 1,
				correspondence: true,
				reports: pr,
				ballot: pr,
				courtOrder: false,
				livesWith: true,
				start: child.start,
				end: null,
			}),
		);
		return c;
	};
	contact(3000401, 'Mrs', 'Mary', 'Able', true, [[s1, 'Mother', false]]);
	contact(3000402, 'Ms', 'Ann', 'Aunt', true, [[s1, 'Aunt', true]]);
	contact(3000403, 'Mrs', 'Alice', 'Aunty', true, [[s4, 'Aunt', false]]);
	contact(3000404, null, 'Fred', 'Able', true, [[s4, 'Father', true]]);
	contact(3000405, 'Mr', 'Ned', 'Nocon', true, [[s2, 'Father', true]]);
	contact(3000406, 'Mrs', 'Gina', 'Gran', true, [[s3, 'Grandmother', true]]);
	contact(3000407, 'Mr', 'Carl', 'Nocon', false, [[s1, 'Father', true]]);
	school.fixture = { s1, s2, s3, s4, t1, t2, t3, maths, art, music, tutor };
	return school;
}

module.exports = { edgeCaseSchool, FIXTURE_SCHOOL_ID };
