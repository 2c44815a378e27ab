'use strict';
/**
 * Fault injection: rules queued by a test (`injectFault`), each matched against a request by service,
 * operation, entity, school and a piece of its filter (`filterIncludes`), used `times` times (0 = for ever), and the canned bodies a broken
 * Bromcom or IIS front end sends (an IIS 500 page, a 503, the MIS login page at HTTP 200).
 */

const KINDS = [
	'delay',
	'drip',
	'html500',
	'status503',
	'malformed',
	'truncate',
	'reset',
	'resetAfterApply',
	'loginPageAfterApply',
	'loginPage',
	'fault',
	// Any HTTP status (with Retry-After, both routes); Partner API only: a redirect, page 0 sent again for a later
	// page, a next-page link to another host.
	'status',
	'redirect',
	'repeatPage',
	'foreignNext',
];

const IIS_500 =
	'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>500 - Internal server error.</title></head><body><div id="header"><h1>Server Error</h1></div><div id="content"><div class="content-container"><fieldset><h2>500 - Internal server error.</h2><h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3></fieldset></div></div></body></html>';
const IIS_503 =
	'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd"><HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>';
const LOGIN_PAGE =
	'<!DOCTYPE html><html lang="en"><head><title>Bromcom - Log In</title></head><body><form method="post" action="/Nucleus/Account/Login"><label>School ID</label><input name="SchoolID"><label>Username</label><input name="Username"><label>Password</label><input type="password" name="Password"><button>Log In</button></form></body></html>';

function createFaults() {
	let rules = [];
	return {
		inject(rule) {
			if (!KINDS.includes(rule.kind))
				throw new Error(`Unknown fault kind "${rule.kind}". Known: ${KINDS.join(', ')}`);
			rules.push({ times: 1, ...rule });
			return { ok: true, pending: rules.length };
		},
		clear() {
			rules = [];
			return { ok: true };
		},
		get pending() {
			return rules.length;
		},
		/** The first rule matching this request, counted down (and dropped when used up). */
		take(ctx) {
			const i = rules.findIndex((f) => {
				const m = f.match || {};
				if (m.service && m.service.toLowerCase() !== ctx.service.toLowerCase()) return false;
				if (m.operation && m.operation !== ctx.operation) return false;
				if (m.entity && String(ctx.entity || '').toLowerCase() !== m.entity.toLowerCase())
					return false;
				if (m.schoolId !== undefined && m.schoolId !== ctx.schoolId) return false;
				if (m.filterIncludes && !String(ctx.filter || '').includes(m.filterIncludes)) return false;
				if (m.page !== undefined && m.page !== ctx.page) return false;
				return true;
			});
			if (i === -1) return undefined;
			const rule = rules[i];
			if (rule.times !== 0) {
				rule.times = (rule.times ?? 1) - 1;
				if (rule.times === 0) rules.splice(i, 1);
			}
			return rule;
		},
	};
}

module.exports = { createFaults, KINDS, IIS_500, IIS_503, LOGIN_PAGE };
