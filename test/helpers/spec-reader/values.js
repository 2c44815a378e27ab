/**
 * Value syntaxes shared by the SDS and OneRoster readers, each from its rule.
 */

/**
 * A real calendar date (no 2025-02-30).
 * @param {string} y
 * @param {string} m
 * @param {string} d
 */
function calendar(y, m, d) {
	const year = Number(y);
	const month = Number(m);
	const day = Number(d);
	if (month < 1 || month > 12 || day < 1) return false;
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
	return day <= days;
}

/**
 * `YYYY-MM-DD`, a real date. OneRoster Date (roster-export-formats.md §2.4, R9).
 * @param {string} v
 */
function isDate(v) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	return m !== null && calendar(m[1], m[2], m[3]);
}

/**
 * ISO 8601 date or date-time in the extended form: `YYYY-MM-DD`, optionally followed by
 * `Thh:mm[:ss[.fff]]` and `Z` or `±hh:mm`. SDS Date/DateTime type (roster-export-formats.md §1.2,
 * R3 "ISO8601"; R4/R6 write `YYYY-MM-DD`). The basic form `YYYYMMDD` and the legacy `8/24/2021`
 * of the old samples are not accepted.
 * @param {string} v
 */
function isIsoDateOrDateTime(v) {
	const m =
		/^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/.exec(
			v,
		);
	return m !== null && calendar(m[1], m[2], m[3]);
}

/**
 * `YYYY` (OneRoster Year, §2.4 R9; SDS academicSessions.schoolYear, §1.3 R5/R6).
 * @param {string} v
 */
function isYear(v) {
	return /^\d{4}$/.test(v);
}

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An Internet address: RFC 5322 §3.4.1 addr-spec in its dot-atom form (R3 names "RFC 5532
 * (3.4.1)", evidently RFC 5322 §3.4.1), with a DNS domain of at least two labels. Quoted local
 * parts and domain literals are legal RFC 5322 but are not addresses a school tenant issues, so
 * they are refused (our choice). Local part ≤ 64, whole ≤ 254 (RFC 5321 §4.5.3.1).
 * @param {string} v
 */
function isEmail(v) {
	const at = v.lastIndexOf('@');
	if (at <= 0 || at === v.length - 1) return false;
	const local = v.slice(0, at);
	const domain = v.slice(at + 1);
	if (local.length > 64 || v.length > 254) return false;
	if (!LOCAL.test(local)) return false;
	const labels = domain.split('.');
	return labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

/**
 * A OneRoster GUID: 1–255 characters from 0-9, A-Z, a-z, dot, hyphen, underscore, slash and the at
 * sign (roster-export-formats.md §2.4, R9).
 * @param {string} v
 */
function isGuid(v) {
	return /^[0-9A-Za-z.\-_/@]{1,255}$/.test(v);
}

module.exports = { isDate, isIsoDateOrDateTime, isYear, isEmail, isGuid };
