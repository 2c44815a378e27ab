const fc = require('fast-check');
const {
	parseBromcomId,
	parseSchoolIdField,
	MAX_BROMCOM_ID,
} = require('../../nodes/Bromcom/core/ids');
const { canonicalJson } = require('../../nodes/Bromcom/core/canonical');
const { idempotencyKey } = require('../../nodes/Bromcom/core/ledger');

describe('one Bromcom ID parser', () => {
	test.each([
		['20001', 20001],
		[' 20001 ', 20001],
		[20001, 20001],
		[String(MAX_BROMCOM_ID), MAX_BROMCOM_ID],
		['0x4E21', undefined],
		['2e4', undefined],
		['20001.0', undefined],
		['+20001', undefined],
		['-1', undefined],
		['0', undefined],
		['', undefined],
		[String(MAX_BROMCOM_ID + 1), undefined],
		[20001.5, undefined],
		[Number.MAX_SAFE_INTEGER + 2, undefined],
		[null, undefined],
		[{ value: 1 }, undefined],
	])('%p → %p', (input, expected) => {
		expect(parseBromcomId(input)).toBe(expected);
	});

	test('every digit string in range round-trips; nothing else is accepted', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: MAX_BROMCOM_ID }),
				(n) => parseBromcomId(String(n)) === n,
			),
		);
		fc.assert(
			fc.property(fc.string(), (s) => {
				const n = parseBromcomId(s);
				return n === undefined || (/^\s*\d+\s*$/.test(s) && n >= 1 && n <= MAX_BROMCOM_ID);
			}),
		);
	});

	test('a School ID field: empty is the credential, anything else must be an ID', () => {
		expect(parseSchoolIdField('')).toEqual({});
		expect(parseSchoolIdField('  ')).toEqual({});
		expect(parseSchoolIdField(undefined)).toEqual({});
		expect(parseSchoolIdField('20002')).toEqual({ schoolId: 20002 });
		expect(parseSchoolIdField('0x4E21')).toEqual({ invalid: '0x4E21' });
	});
});

describe('one canonical JSON', () => {
	test('key order does not matter, array order does', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
				const reversed = Object.fromEntries(Object.entries(obj).reverse());
				return canonicalJson(obj) === canonicalJson(reversed);
			}),
		);
		expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
		// Arrays of more than ten entries keep their order (sorting "10" before "2" would not).
		const long = Array.from({ length: 12 }, (_, k) => k);
		expect(canonicalJson(long)).toBe(JSON.stringify(long));
	});

	test('the same value parses back from its canonical text', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (v) => {
				expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
			}),
		);
	});

	test('undefined reads as null; a scalar rule applies to every leaf', () => {
		expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1,"b":null}');
		const trim = (v) => JSON.stringify(typeof v === 'string' ? v.trimEnd() : (v ?? null));
		expect(canonicalJson({ code: 'AM   ', list: ['PM '] }, trim)).toBe(
			canonicalJson({ code: 'AM', list: ['PM'] }),
		);
	});
});

test('the ledger key format is pinned: keys recorded by earlier versions still match', () => {
	// Computed with the key function of 0.1.0 before the canonical JSON was shared.
	expect(
		idempotencyKey('saveStudentAssessmentResult', 20001, {
			studentID: '2000101',
			result: 'A*',
			termID: 2,
			resultDate: undefined,
			schoolId: 20001,
		}),
	).toBe('bw1-7381035bd3da1a0327b6f2d286a7d4bb');
	expect(idempotencyKey('x', 1, { a: 1, b: 2 })).toBe(idempotencyKey('x', 1, { b: 2, a: 1 }));
	expect(idempotencyKey('x', 1, { a: 1 })).not.toBe(idempotencyKey('x', 2, { a: 1 }));
});
