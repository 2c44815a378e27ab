/**
 * Typed Bromcom errors and the one table that classifies SOAP fault text.
 *
 * The exact fault strings of the live service are UNKNOWN (docs/bromcom-facts.md, Errors; the S tags in the evidence below are its sources): nobody has
 * published them. So the classifier is defensive: every pattern below carries the evidence it rests
 * on, the order matters (first match wins), and anything unmatched falls back to `serviceFault`,
 * which still shows Bromcom's own text.
 */

export type BromcomErrorKind =
	| 'credentials'
	| 'school'
	| 'entityNotPermitted'
	| 'unknownEntity'
	| 'badFilter'
	| 'writeNotPermitted'
	| 'badRequest'
	| 'serviceFault'
	| 'transient'
	| 'unexpectedPayload'
	| 'invalidInput'
	| 'notFound'
	| 'unknownOutcome';

/** Kinds that a retry can fix. Credential, permission and filter errors never are. */
export const RETRYABLE: ReadonlySet<BromcomErrorKind> = new Set<BromcomErrorKind>(['transient']);

export interface BromcomErrorDetails {
	kind: BromcomErrorKind;
	/** What happened, in one sentence, without secrets. */
	message: string;
	/** Bromcom's own fault text (redacted), when there was one. */
	faultText?: string;
	faultCode?: string;
	httpCode?: number;
	/** `false` when the request may have reached Bromcom (matters for writes). */
	notSent?: boolean;
	/** The server's Retry-After, in milliseconds, when it sent one. */
	retryAfterMs?: number;
	/** The route the request took: the fix for a login or permission error differs between them. */
	route?: 'soap' | 'rest';
}

export class BromcomError extends Error {
	readonly kind: BromcomErrorKind;
	readonly faultText?: string;
	readonly faultCode?: string;
	readonly httpCode?: number;
	readonly notSent: boolean;
	readonly retryAfterMs?: number;
	readonly route: 'soap' | 'rest';

	constructor(details: BromcomErrorDetails) {
		super(details.message);
		this.name = 'BromcomError';
		this.kind = details.kind;
		this.faultText = details.faultText;
		this.faultCode = details.faultCode;
		this.httpCode = details.httpCode;
		this.notSent = details.notSent ?? false;
		this.retryAfterMs = details.retryAfterMs;
		this.route = details.route ?? 'soap';
	}

	/** The same error with `edit` applied to every text it carries (for redaction). */
	mapText(edit: (text: string) => string): BromcomError {
		return new BromcomError({
			kind: this.kind,
			message: edit(this.message),
			faultText: this.faultText === undefined ? undefined : edit(this.faultText),
			faultCode: this.faultCode === undefined ? undefined : edit(this.faultCode),
			httpCode: this.httpCode,
			notSent: this.notSent,
			retryAfterMs: this.retryAfterMs,
			route: this.route,
		});
	}

	/** The same error, marked as coming from `route`. */
	onRoute(route: 'soap' | 'rest'): BromcomError {
		const copy = this.mapText((text) => text);
		return route === copy.route
			? copy
			: new BromcomError({
					kind: copy.kind,
					message: copy.message,
					faultText: copy.faultText,
					faultCode: copy.faultCode,
					httpCode: copy.httpCode,
					notSent: copy.notSent,
					retryAfterMs: copy.retryAfterMs,
					route,
				});
	}

	get retryable(): boolean {
		return RETRYABLE.has(this.kind);
	}
}

/** The user's input is wrong: nothing was sent. Messages say which field and how to fix it. */
export function invalid(message: string): BromcomError {
	return new BromcomError({ kind: 'invalidInput', message, notSent: true });
}

interface FaultRule {
	kind: BromcomErrorKind;
	/**
	 * 1 = specific: the fault names what it is about (an entity, write-back, a SQL error, the school).
	 * 2 = generic: a login or "denied" wording that says nothing about what was refused.
	 * Bromcom's exact texts are unknown, so a specific match always outranks a generic one.
	 */
	tier: 1 | 2;
	pattern: RegExp;
	evidence: string;
}

const DENIED = String.raw`not (been )?(permitted|allowed|authori[sz]ed|granted|enabled)|no (access|permission|rights?)|permission denied|access (is |was )?denied|denied|forbidden|disabled|not licen[cs]ed`;

/** Within a tier, first match wins. */
export const FAULT_RULES: readonly FaultRule[] = [
	{
		kind: 'writeNotPermitted',
		tier: 1,
		pattern: new RegExp(
			String.raw`(write|writeback|write-back|write back).{0,60}(licen[cs]e|permission|${DENIED})|(licen[cs]e|permission|${DENIED}).{0,60}(write|writeback|write-back|write back)`,
			'i',
		),
		evidence:
			'S1/S2: writes need a paid Third Party Write Licence and explicit write permissions; wording unknown, so any fault naming write-back with a licence, permission, denial or "not enabled".',
	},
	{
		kind: 'entityNotPermitted',
		tier: 1,
		pattern: new RegExp(
			String.raw`(entity|table|view|data ?set)\b.{0,80}(${DENIED}|permission)|(${DENIED}|permission).{0,80}\b(entity|table|view)\b`,
			'i',
		),
		evidence:
			'S2/S8: accounts have no entity permissions by default and findEntitiesBySchoolID lists only granted ones; a read of an ungranted entity must fail, text unknown: a denial that names an entity.',
	},
	{
		kind: 'unknownEntity',
		tier: 1,
		pattern:
			/invalid object name|entity.{0,40}(not found|unknown|does not exist|not recogni[sz]ed|invalid)|(unknown|invalid) entity/i,
		evidence:
			'docs/bromcom-facts.md, entityFilter: the entity name selects a SQL view, so an unknown name surfaces as SqlException "Invalid object name" unless Bromcom checks it first.',
	},
	{
		kind: 'badFilter',
		tier: 1,
		pattern:
			/incorrect syntax|invalid column name|conversion failed|syntax error|must declare the scalar|non-boolean type|unclosed quotation|could not be bound|error converting|arithmetic overflow|invalid filter|filter.{0,40}invalid/i,
		evidence:
			'docs/bromcom-facts.md, Errors/docs/bromcom-facts.md, entityFilter: entityFilter is injected into a T-SQL WHERE; SqlException texts "Incorrect syntax near", "Invalid column name", "Conversion failed when converting …".',
	},
	{
		kind: 'school',
		tier: 1,
		pattern:
			/school.{0,40}(not found|invalid|does not exist|unknown|not recogni[sz]ed)|(invalid|unknown) school/i,
		evidence:
			'S1: schoolID selects the school database on a multi-tenant host; a wrong ID must fail, text unknown.',
	},
	{
		kind: 'badRequest',
		tier: 1,
		pattern:
			/unable to read request|error in xml document|did not recogni[sz]e the value of http header soapaction|missing parameter|request format is invalid/i,
		evidence:
			'docs/bromcom-facts.md, Errors: standard ASMX framework faults (soap:Client) for unparseable bodies, non-integer schoolID, unknown SOAPAction, missing form fields.',
	},
	{
		kind: 'transient',
		tier: 1,
		pattern:
			/timeout expired|timed out|deadlock|transport-level error|server is (busy|unavailable)|service unavailable|try again later|connection (was )?(reset|closed)/i,
		evidence:
			'SQL Server/ASP.NET transient wordings ("Timeout expired", "deadlock victim", "transport-level error").',
	},
	{
		kind: 'credentials',
		tier: 2,
		pattern:
			/invalid (user ?name|login|credential|password)|(user ?name|password|credential)s?.{0,40}(invalid|incorrect|wrong|not valid)|authenticat|login failed|log ?in (is )?(invalid|failed)|unauthori[sz]ed|not authori[sz]ed|access (is )?denied|account (is )?(locked|disabled|expired)|password (has )?expired/i,
		evidence:
			'S1/S3: authentication is only the username/password body parameters; typical ASP.NET/Bromcom wordings ("Invalid username or password", "Login failed", "Access denied") that name no entity.',
	},
	{
		kind: 'entityNotPermitted',
		tier: 2,
		pattern: /permission/i,
		evidence:
			'S2: a fault about a missing permission that names nothing else; the entity permissions are the ones a new account lacks.',
	},
];

export function classifyFault(text: string): BromcomErrorKind {
	const sample = text.length > 8000 ? text.slice(0, 8000) : text;
	for (const tier of [1, 2])
		for (const rule of FAULT_RULES)
			if (rule.tier === tier && rule.pattern.test(sample)) return rule.kind;
	return 'serviceFault';
}

/** ASMX prefixes unhandled exceptions; the useful part is after the last arrow. */
export function stripAsmxPrefix(text: string): string {
	return meaningfulSentence(text);
}

/**
 * The one meaningful sentence of a .NET fault text. A verbose server sends the whole exception: the
 * outer exception, `--->` inner exceptions, `at …` stack frames and `--- End of inner exception
 * stack trace ---` markers. The innermost exception's message is what happened (for example the SQL
 * error naming the column); its type name (`System.Data.SqlClient.SqlException:`) is dropped.
 */
export function meaningfulSentence(text: string): string {
	const parts = text.split('--->');
	let last = '';
	for (let k = parts.length - 1; k >= 0 && last === ''; k--) last = firstMessageLine(parts[k]);
	if (last === '') return text.trim().slice(0, 500);
	return last.length > 500 ? `${last.slice(0, 500)}…` : last;
}

function firstMessageLine(part: string): string {
	// Stack frames start with "at " on their own line (or after whitespace), the markers with "---".
	const cut = part.search(/\s+at [\w.<>`$]+[.(]|\r?\n\s*---|\s---\s*End of/);
	let message = (cut === -1 ? part : part.slice(0, cut)).trim();
	message = message.replace(/^(?:[A-Z][\w]*\.)*[A-Z]\w*(?:Exception|Error):\s*/, '').trim();
	return message.replace(/\s+/g, ' ');
}

/** The rest of a verbose fault, for the details: trimmed, frames collapsed, capped. */
export function faultDetails(text: string, cap = 2000): string {
	const compact = text
		.replace(/[ \t]+/g, ' ')
		.replace(/\s*\r?\n\s*/g, '\n')
		.trim();
	return compact.length > cap ? `${compact.slice(0, cap)}…` : compact;
}

/**
 * Removes every occurrence of the given secrets from a text, in every form a server could echo them
 * in: as typed, XML-escaped, as decimal or hexadecimal character references, URL-encoded (with `%20`
 * or `+` for spaces, either hex case) and JSON-escaped. Defence in depth: a fault that echoes a
 * parameter back must not carry the password into an error, a log line or execution data.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < 3) continue;
		const forms = secretForms(secret).sort((a, b) => b.length - a.length);
		for (const form of forms) if (out.indexOf(form) !== -1) out = out.split(form).join('***');
	}
	return out;
}

/** The spellings of a secret that `redact` removes. */
export function secretForms(secret: string): string[] {
	const chars = [...secret];
	const url = encodeURIComponent(secret).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	const forms = new Set<string>([
		secret,
		escapeForRedaction(secret),
		escapeForRedaction(secret)
			.replace(/&apos;/g, '&#39;')
			.replace(/&quot;/g, '&#34;'),
		chars.map((c) => `&#${c.codePointAt(0)};`).join(''),
		chars.map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
		chars.map((c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`).join(''),
		encodeURIComponent(secret),
		url,
		url.replace(/%20/g, '+'),
		url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
		JSON.stringify(secret).slice(1, -1),
	]);
	return [...forms].filter((f) => f.length >= 3);
}

function escapeForRedaction(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/**
 * Socket error codes in words. n8n's NodeApiError replaces any message that merely contains a code
 * such as ECONNRESET with its own generic text, so codes never appear in our messages.
 */
export const CODE_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection was aborted',
	ESOCKETTIMEDOUT: 'the connection timed out',
	EPIPE: 'the connection broke',
	EAI_AGAIN: 'the DNS lookup failed',
	ENOTFOUND: 'the host name was not found',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
	EADDRNOTAVAIL: 'the address is not available',
	GETADDRINFO: 'the host name lookup failed',
	UND_ERR_SOCKET: 'the connection failed',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the connection timed out',
	// The rest of n8n's list (n8n-workflow errors/abstract/node.error.js COMMON_ERRORS).
	ERRADDRINUSE: 'the address is in use',
	ENOENT: 'a file was not found',
	EISDIR: 'a path is a directory',
	ENOTDIR: 'a path is not a directory',
	EACCES: 'access was denied',
	EEXIST: 'it already exists',
	EPERM: 'the operation was not permitted',
};

export function withoutErrorCodes(text: string): string {
	return text.replace(
		/\b(?:read |write |connect |getaddrinfo )?([A-Z][A-Z_]{3,})\b/g,
		(whole, code: string) => CODE_WORDS[code] ?? whole,
	);
}
