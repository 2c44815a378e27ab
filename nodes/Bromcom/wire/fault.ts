/**
 * SOAP 1.1 / 1.2 faults and other non-DataSet answers, turned into typed errors.
 * ASMX sends faults with HTTP 500 (bromcom-soap-api.md §3); n8n's HTTP helper would swallow the body,
 * so the transport reads it with `ignoreHttpStatusErrors` and hands it here.
 */
import { BromcomError, classifyFault, stripAsmxPrefix } from './errors';
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

function innerText(xml: string, local: string): string | undefined {
	const m = new RegExp(`<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}>`).exec(xml);
	if (!m) return undefined;
	return decodeEntities(m[1].replace(/<[^>]*>/g, '').trim()) ?? m[1].trim();
}

/** Reads a SOAP 1.1 (`faultcode`/`faultstring`) or 1.2 (`Code/Value`, `Reason/Text`) fault. */
export function parseFault(body: string): SoapFault | undefined {
	const m = /<([\w.-]+:)?Fault[\s>]/.exec(body);
	if (!m) return undefined;
	const fault = body.slice(m.index);
	const faultString = innerText(fault, 'faultstring');
	if (faultString !== undefined) {
		return { version: '1.1', code: innerText(fault, 'faultcode') ?? '', text: faultString, detail: innerText(fault, 'detail') || undefined };
	}
	const reason = innerText(fault, 'Reason');
	const codeBlock = /<(?:[\w.-]+:)?Code[\s>][\s\S]*?<\/(?:[\w.-]+:)?Code>/.exec(fault)?.[0] ?? '';
	return {
		version: '1.2',
		code: innerText(codeBlock, 'Value') ?? '',
		text: reason ?? '',
		detail: innerText(fault, 'Detail') || undefined,
	};
}

export function faultToError(fault: SoapFault, httpCode?: number): BromcomError {
	const text = stripAsmxPrefix(fault.text);
	const kind = classifyFault(fault.text + ' ' + (fault.detail ?? ''));
	return new BromcomError({ kind, message: text || 'Bromcom returned a SOAP fault without a message.', faultText: fault.text, faultCode: fault.code, httpCode });
}

/** A body that carries no DataSet: say what it is instead. */
export function notADataSet(body: string): BromcomError {
	const fault = parseFault(body);
	if (fault) return faultToError(fault);
	const trimmed = body.trimStart();
	if (trimmed.length === 0) return payloadError('Bromcom returned an empty response.');
	if (/^<(!doctype\s+html|html)[\s>]/i.test(trimmed) || /<html[\s>]/i.test(trimmed.slice(0, 2000))) {
		const login = /log\s?in|sign\s?in|password/i.test(trimmed);
		return payloadError(
			login
				? 'The server answered with a web login page instead of SOAP data: the Base URL probably points at the Bromcom web application rather than its third-party web services.'
				: 'The server answered with a web page instead of SOAP data.',
		);
	}
	if (/<([\w.-]+:)?Envelope[\s>]/.test(trimmed)) {
		return payloadError('The Bromcom response had no DataSet in it (the SOAP body was empty or cut off).');
	}
	return payloadError('The Bromcom response was not a SOAP DataSet (malformed or cut-off XML).');
}
