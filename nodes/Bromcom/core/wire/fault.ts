/**
 * SOAP 1.1 / 1.2 faults and other non-DataSet answers, turned into typed errors.
 * ASMX sends faults with HTTP 500 (docs/bromcom-facts.md, Errors); n8n's HTTP helper would swallow the body,
 * so the transport reads it with `ignoreHttpStatusErrors` and hands it here.
 */
import { BromcomError, classifyFault, faultDetails, meaningfulSentence } from './errors';
import { decodeEntities } from './xml';

function payloadError(message: string): BromcomError {
	return new BromcomError({ kind: 'unexpectedPayload', message });
}

export interface SoapFault {
	code: string;
	text: string;
	detail?: string;
	version: '1.1' | '1.2';
}

/** Longest fault text kept: a verbose .NET trace is trimmed, never passed on whole. */
const FAULT_TEXT_CAP = 8000;

/**
 * Where the first element named `local` (any prefix) opens and its content starts, in linear time:
 * one pass over the `<` positions, with the next `>` remembered so that many unclosed tags never
 * make it rescan (a hostile body must not cost more than its length).
 */
export function findOpenTag(
	xml: string,
	local: string,
	from = 0,
): { at: number; contentStart: number; selfClosing: boolean } | undefined {
	let nextGt = -1;
	let lt = xml.indexOf('<', from);
	while (lt !== -1) {
		const { name, end: p } = localNameAt(xml, lt + 1);
		if (name === local && p < xml.length) {
			const c = xml.charCodeAt(p);
			if (c === 62 /* > */ || c === 47 /* / */ || c === 32 || c === 9 || c === 10 || c === 13) {
				if (nextGt < p) nextGt = xml.indexOf('>', p);
				if (nextGt === -1) return undefined;
				return { at: lt, contentStart: nextGt + 1, selfClosing: xml.charCodeAt(nextGt - 1) === 47 };
			}
		}
		lt = xml.indexOf('<', Math.max(p, lt + 1));
	}
	return undefined;
}

/** The element name starting at `from`, without its prefix, and where it ends. */
function localNameAt(xml: string, from: number): { name: string; end: number } {
	let end = from;
	while (end < xml.length && isNameChar(xml.charCodeAt(end))) end++;
	const qname = xml.slice(from, end);
	const colon = qname.indexOf(':');
	return { name: colon === -1 ? qname : qname.slice(colon + 1), end };
}

function isNameChar(c: number): boolean {
	return (
		(c >= 97 && c <= 122) ||
		(c >= 65 && c <= 90) ||
		(c >= 48 && c <= 57) ||
		c === 95 ||
		c === 45 ||
		c === 46 ||
		c === 58 ||
		c > 127
	);
}

/** Where the first close tag of `local` (any prefix) at or after `from` starts, in linear time. */
function findCloseTag(xml: string, local: string, from: number): number {
	let at = xml.indexOf('</', from);
	while (at !== -1) {
		const { name, end } = localNameAt(xml, at + 2);
		if (name === local) return at;
		at = xml.indexOf('</', Math.max(end, at + 2));
	}
	return -1;
}

/** The raw (undecoded) content of the first `local` element, or undefined. Linear in the text. */
export function elementContent(xml: string, local: string): string | undefined {
	const open = findOpenTag(xml, local);
	if (open === undefined) return undefined;
	if (open.selfClosing) return '';
	const close = findCloseTag(xml, local, open.contentStart);
	if (close === -1) return undefined;
	return xml.slice(open.contentStart, close);
}

function innerText(xml: string, local: string): string | undefined {
	const raw = elementContent(xml, local);
	if (raw === undefined) return undefined;
	const text = raw.replace(/<[^>]*>/g, '').trim();
	const decoded = decodeEntities(text) ?? text;
	return decoded.length > FAULT_TEXT_CAP ? `${decoded.slice(0, FAULT_TEXT_CAP)}…` : decoded;
}

/** Reads a SOAP 1.1 (`faultcode`/`faultstring`) or 1.2 (`Code/Value`, `Reason/Text`) fault. */
export function parseFault(body: string): SoapFault | undefined {
	const open = findOpenTag(body, 'Fault');
	if (open === undefined) return undefined;
	const fault = body.slice(open.at);
	const faultString = innerText(fault, 'faultstring');
	if (faultString !== undefined) {
		return {
			version: '1.1',
			code: innerText(fault, 'faultcode') ?? '',
			text: faultString,
			detail: innerText(fault, 'detail') || undefined,
		};
	}
	const reason = innerText(fault, 'Reason');
	const codeBlock = elementContent(fault, 'Code') ?? '';
	return {
		version: '1.2',
		code: innerText(codeBlock, 'Value') ?? '',
		text: reason ?? '',
		detail: innerText(fault, 'Detail') || undefined,
	};
}

export function faultToError(fault: SoapFault, httpCode?: number): BromcomError {
	const text = meaningfulSentence(fault.text);
	// Classified on the meaningful sentence first: an outer "Server was unable to process request" or a
	// stack frame's method name must not decide what the fault is about.
	const primary = classifyFault(text);
	const kind =
		primary !== 'serviceFault' ? primary : classifyFault(`${fault.text} ${fault.detail ?? ''}`);
	const verbose = fault.text.length > text.length + 80 || /--->|\sat [\w.]+\(/.test(fault.text);
	return new BromcomError({
		kind,
		message: text || 'Bromcom returned a SOAP fault without a message.',
		faultText: verbose ? faultDetails(fault.text) : fault.text,
		faultCode: fault.code,
		httpCode,
	});
}

/** A body that carries no DataSet: say what it is instead. */
export function notADataSet(body: string): BromcomError {
	const fault = parseFault(body);
	if (fault) return faultToError(fault);
	const trimmed = body.trimStart();
	if (trimmed.length === 0) return payloadError('Bromcom returned an empty response.');
	const head = trimmed.slice(0, 64 * 1024);
	if (head.startsWith('{') || head.startsWith('[')) {
		return payloadError(
			"The server answered with JSON instead of SOAP data: the Base URL points at a REST API, not Bromcom's third-party web services (for the Partner API use its own credential).",
		);
	}
	if (/^<(!doctype\s+html|html)[\s>]/i.test(head) || /<html[\s>]/i.test(head.slice(0, 2000))) {
		const login = /log\s?in|sign\s?in|password/i.test(head);
		return payloadError(
			login
				? 'The server answered with a web login page instead of SOAP data: the Base URL probably points at the Bromcom web application rather than its third-party web services.'
				: 'The server answered with a web page instead of SOAP data.',
		);
	}
	if (findOpenTag(head, 'Envelope') !== undefined) {
		return payloadError(
			'The Bromcom response had no DataSet in it (the SOAP body was empty or cut off).',
		);
	}
	return payloadError('The Bromcom response was not a SOAP DataSet (malformed or cut-off XML).');
}
