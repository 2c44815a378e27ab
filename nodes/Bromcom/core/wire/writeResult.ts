/**
 * What Bromcom answered to a write, on either route: the SOAP write service's `<opResult>` and the
 * Partner API's JSON (actions/write.ts acts on it).
 */
import { elementContent, findOpenTag } from './fault';
import { decodeEntities } from './xml';

/**
 * The write service's return types are UNKNOWN (docs/bromcom-facts.md, Operations and parameters): read `<opResult>` as boolean, number or text,
 * whatever it is. `recognised` is false when the body holds no `<opResponse>` element at all (a login
 * page, a proxy's page, junk): such an answer proves nothing about the write. Linear in the body.
 */
export function parseWriteResult(
	body: string,
	operation: string,
): { value: boolean | number | string | null; raw: string; recognised: boolean } {
	const recognised = findOpenTag(body, `${operation}Response`) !== undefined;
	const content = elementContent(body, `${operation}Result`);
	if (content === undefined) return { value: null, raw: '', recognised };
	const raw = (decodeEntities(content) ?? content).trim();
	if (raw === 'true' || raw === 'false') return { value: raw === 'true', raw, recognised };
	if (/^-?\d+(\.\d+)?$/.test(raw)) return { value: Number(raw), raw, recognised };
	return { value: raw === '' ? null : raw.slice(0, 500), raw: raw.slice(0, 500), recognised };
}

/**
 * The Partner API's answer to a write is UNKNOWN (the one public client that writes ignores the body
 * and requires only a 2xx): any 2xx whose body is empty or JSON counts as Bromcom's answer. `value` is
 * the record's id where the JSON holds one (`data.eventRecordId`, `eventRecordId`, `data.id`, `id`),
 * `false` for `"success": false`, else null. A 2xx that is not JSON (a proxy's page) proves nothing.
 */
export function parseRestWriteResult(body: string): {
	value: boolean | number | string | null;
	raw: string;
	recognised: boolean;
} {
	const text = body.trim();
	if (text === '') return { value: null, raw: '', recognised: true };
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return { value: null, raw: text.slice(0, 500), recognised: false };
	}
	const raw = text.slice(0, 500);
	if (typeof parsed === 'number' || typeof parsed === 'string')
		return { value: parsed, raw, recognised: true };
	if (parsed === null || typeof parsed !== 'object') return { value: null, raw, recognised: true };
	const top = parsed as Record<string, unknown>;
	if (top.success === false) {
		const said = [top.message, top.error].find((v) => typeof v === 'string');
		return { value: false, raw: String(said ?? raw).slice(0, 500), recognised: true };
	}
	const data =
		top.data !== null && typeof top.data === 'object' ? (top.data as Record<string, unknown>) : {};
	for (const candidate of [
		data.eventRecordId,
		data.eventRecordID,
		top.eventRecordId,
		data.id,
		top.id,
		top.data,
	]) {
		if (typeof candidate === 'number' || (typeof candidate === 'string' && candidate !== ''))
			return { value: candidate, raw, recognised: true };
	}
	return { value: null, raw, recognised: true };
}
