/**
 * One measurement, in a fresh process: parse a captured getEntityDataBySchoolID response with one
 * contender and report time, rows and peak-RSS growth as JSON on stdout.
 * Usage: node bench/parse-one.js <contender> <capture.xml> <warmup.xml> [wsdl.xml]
 */
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const [contender, file, warmupFile, wsdlFile] = process.argv.slice(2);
const dist = path.resolve(
	__dirname,
	'..',
	'dist',
	'nodes',
	'Bromcom',
	'core',
	'wire',
	'dataset.js',
);

async function contenders() {
	const { parseDataSet, DataSetReader } = require(dist);
	const { XMLParser } = require('fast-xml-parser');
	let soapClient;
	if (contender === 'soap') soapClient = await require('soap').createClientAsync(wsdlFile);
	const dig = (obj, keys) => keys.reduce((o, k) => (o == null ? o : o[k]), obj);
	return {
		// This package: the whole response to row objects (what the node does today).
		ours: (xml) => parseDataSet(xml).rows.length,
		// This package, streaming: rows produced 1 MB at a time from the file and dropped (memory bound).
		oursStream: () => {
			const reader = new DataSetReader();
			const fd = fs.openSync(file, 'r');
			const buffer = Buffer.alloc(1 << 20);
			// The node's own streaming UTF-8 decoder (what a streamed read uses).
			const { Utf8StreamDecoder } = require(
				path.join(path.dirname(dist), '..', '..', 'transport', 'utf8.js'),
			);
			const decoder = new Utf8StreamDecoder();
			let n = 0;
			let read;
			while ((read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0)
				n += reader.write(decoder.decode(buffer.subarray(0, read), { stream: true })).length;
			fs.closeSync(fd);
			reader.end();
			return n;
		},
		// The soap package's client parsing the same body with the sandbox's WSDL (its response path).
		soap: (xml) => {
			const obj = soapClient.wsdl.xmlToObject(xml);
			const result =
				dig(obj, ['Body', 'getEntityDataBySchoolIDResponse', 'getEntityDataBySchoolIDResult']) ??
				obj;
			const table = dig(result, ['diffgram', 'NewDataSet', 'Table']);
			return Array.isArray(table) ? table.length : table ? 1 : 0;
		},
		// fast-xml-parser with minimal options.
		fxp: (xml) => {
			const obj = new XMLParser().parse(xml);
			const table = dig(obj, [
				'soap:Envelope',
				'soap:Body',
				'getEntityDataBySchoolIDResponse',
				'getEntityDataBySchoolIDResult',
				'diffgr:diffgram',
				'NewDataSet',
				'Table',
			]);
			return Array.isArray(table) ? table.length : table ? 1 : 0;
		},
		// The floor: count the rows with indexOf, no values.
		indexOf: (xml) => {
			let n = 0;
			for (let i = xml.indexOf('<Table '); i !== -1; i = xml.indexOf('<Table ', i + 7)) n++;
			return n;
		},
	};
}

(async () => {
	const all = await contenders();
	const fn = all[contender];
	if (!fn) throw new Error(`unknown contender ${contender}`);
	fn(fs.readFileSync(warmupFile, 'utf8')); // JIT warm-up on a small document
	const xml = contender === 'oursStream' ? '' : fs.readFileSync(file, 'utf8');
	if (global.gc) global.gc();
	// Reading the file raised the peak (bytes and text at once): reset the kernel's high-water mark so
	// the peak below is the parse's own (Linux: writing 5 to clear_refs resets VmHWM).
	const status = () => fs.readFileSync('/proc/self/status', 'utf8');
	const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status())[1]);
	fs.writeFileSync('/proc/self/clear_refs', '5');
	const before = kb('VmRSS');
	const started = performance.now();
	const rows = fn(xml);
	const ms = performance.now() - started;
	const peak = kb('VmHWM');
	process.stdout.write(
		JSON.stringify({
			contender,
			rows,
			ms,
			rssDeltaMB: (peak - before) / 1024,
			baselineMB: before / 1024,
			bytes: fs.statSync(file).size,
		}),
	);
})().catch((e) => {
	process.stdout.write(JSON.stringify({ contender, error: e.message }));
});
