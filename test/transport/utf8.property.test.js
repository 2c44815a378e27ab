/**
 * The fast streaming UTF-8 decoder against TextDecoder (the oracle, one shot): any byte stream —
 * valid text of every width, a byte-order mark, and broken sequences (lone continuation bytes,
 * overlong and surrogate encodings, truncated characters, bytes that are never UTF-8) — cut into
 * chunks anywhere, down to one byte, decodes to exactly TextDecoder's text. Then a body in any
 * chunking reads through the node's transport as the same rows.
 */
const fc = require('fast-check');

const { Utf8StreamDecoder } = require('../../nodes/Bromcom/transport/utf8');
const { decoderFor } = require('../../nodes/Bromcom/transport/http');

const encoder = new TextEncoder();
const oracle = (bytes) => new TextDecoder('utf-8').decode(bytes);

/** Valid text pieces and broken byte runs, concatenated. */
const piece = fc.oneof(
	fc.string({ unit: 'grapheme' }).map((s) => encoder.encode(s)),
	fc.string({ unit: 'binary' }).map((s) => encoder.encode(s)),
	fc
		.constantFrom(
			[0xef, 0xbb, 0xbf], // BOM
			[0x80],
			[0xbf, 0x80],
			[0xc0, 0xaf], // overlong '/'
			[0xc1, 0xbf],
			[0xe0, 0x80, 0xaf], // overlong
			[0xed, 0xa0, 0x80], // UTF-16 surrogate
			[0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
			[0xf5, 0x80],
			[0xff],
			[0xfe],
			[0xe2, 0x82], // truncated €
			[0xf0, 0x9f, 0x98], // truncated emoji
			[0xc3], // truncated é
		)
		.map((b) => Uint8Array.from(b)),
);

const stream = fc.array(piece, { maxLength: 12 }).map((parts) => {
	const total = parts.reduce((n, p) => n + p.length, 0);
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
});

function cutAt(bytes, cuts) {
	const points = [...new Set(cuts.map((c) => Math.floor(c * (bytes.length + 1))))].sort(
		(a, b) => a - b,
	);
	const chunks = [];
	let from = 0;
	for (const p of points) {
		chunks.push(bytes.subarray(from, p));
		from = p;
	}
	chunks.push(bytes.subarray(from));
	return chunks;
}

function decodeChunks(decoder, chunks) {
	let text = '';
	for (const c of chunks) text += decoder.decode(c, { stream: true });
	return text + decoder.decode();
}

test('any bytes, cut anywhere, decode exactly as TextDecoder decodes them whole', () => {
	fc.assert(
		fc.property(
			stream,
			fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
			(bytes, cuts) => {
				expect(decodeChunks(new Utf8StreamDecoder(), cutAt(bytes, cuts))).toBe(oracle(bytes));
			},
		),
		{ numRuns: 3000 },
	);
});

test('one byte at a time, and a decoder reused for a second stream', () => {
	fc.assert(
		fc.property(stream, stream, (a, b) => {
			const d = new Utf8StreamDecoder();
			expect(
				decodeChunks(
					d,
					[...a].map((x) => Uint8Array.of(x)),
				),
			).toBe(oracle(a));
			// After the final decode() a new stream starts: its BOM is dropped again.
			expect(decodeChunks(d, [b])).toBe(oracle(b));
		}),
		{ numRuns: 500 },
	);
});

test('the transport uses it for UTF-8 and for no charset, TextDecoder for others', () => {
	expect(decoderFor({ 'content-type': 'text/xml; charset=utf-8' })).toBeInstanceOf(
		Utf8StreamDecoder,
	);
	expect(decoderFor({ 'content-type': 'text/xml' })).toBeInstanceOf(Utf8StreamDecoder);
	const latin = decoderFor({ 'content-type': 'text/xml; charset=iso-8859-1' });
	expect(latin).not.toBeInstanceOf(Utf8StreamDecoder);
	expect(latin.decode(Uint8Array.of(0xe9))).toBe('é');
});
