/**
 * Minimal XML text helpers for the SOAP wire. Pure and dependency-free: the package ships with no
 * runtime dependencies (n8n verification), so escaping and entity decoding live here.
 */

// XML 1.0 forbids these code points even as character references, so a value carrying one can
// never reach Bromcom intact. Tab, LF and CR are allowed.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function hasInvalidXmlChars(value: string): boolean {
	return INVALID_XML_CHARS.test(value);
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
	// A literal CR would be normalised to LF by the server's XML reader; a reference survives.
	'\r': '&#xD;',
};

/** Escapes text for an element body or an attribute value. */
export function escapeXml(value: string): string {
	return value.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and numeric character references. Unknown named entities
 * are an error in XML; they are returned as `undefined` so the caller can raise a typed error.
 */
export function decodeEntities(text: string): string | undefined {
	if (text.indexOf('&') === -1) return text;
	let failed = false;
	const out = text.replace(
		/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g,
		(whole, body: string | undefined) => {
			if (body === undefined) {
				failed = true;
				return whole;
			}
			if (body.charCodeAt(0) === 35 /* # */) {
				const code =
					body.charCodeAt(1) === 120 /* x */
						? parseInt(body.slice(2), 16)
						: parseInt(body.slice(1), 10);
				if (!Number.isFinite(code) || code > 0x10ffff) {
					failed = true;
					return whole;
				}
				return String.fromCodePoint(code);
			}
			const named = NAMED[body];
			if (named === undefined) failed = true;
			return named ?? whole;
		},
	);
	return failed ? undefined : out;
}

/**
 * Decodes a .NET XmlConvert-encoded name: `First_x0020_Name` → `First Name`. DataSet column
 * names that are not valid XML names (spaces, leading digits, punctuation) travel encoded.
 */
export function decodeXmlName(name: string): string {
	if (name.indexOf('_x') === -1) return name;
	// A code point past U+10FFFF (or a lone surrogate) is no character: the name stays as sent.
	return name.replace(/_x([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})_/g, (whole, hex: string) => {
		const code = parseInt(hex, 16);
		return code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
			? whole
			: String.fromCodePoint(code);
	});
}
