/**
 * What every benchmark of `npm run bench` shares: the run loop (`repeat`), medians, the figures'
 * format, the log, the fresh-process measurement and the SOAP request the captures and peers send.
 */
const { execFile } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const CAPTURES = path.join(__dirname, 'captures');

const log = (m) => process.stderr.write(`[bench] ${m}\n`);

/** @param {number[]} xs */
const median = (xs) => {
	const s = xs.slice().sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** @param {number} bytes */
const mb = (bytes) => bytes / (1024 * 1024);
/** @param {number | undefined | null} n @param {number} [d] */
const fmt = (n, d = 1) =>
	n === undefined || n === null || Number.isNaN(n)
		? '–'
		: n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * The run loop: `runs` runs of `once(r)` one after the other (never two measurements at once), each
 * logged as done, their samples in run order.
 * @template T
 * @param {number} runs
 * @param {string} label what the log calls a run ("memory", "limit", …)
 * @param {(r: number) => Promise<T> | T} once
 * @returns {Promise<T[]>}
 */
async function repeat(runs, label, once) {
	const samples = [];
	for (let r = 0; r < runs; r++) {
		samples.push(await once(r));
		log(`${label}: run ${r + 1}/${runs} done`);
	}
	return samples;
}

/**
 * The contenders of run `r` in turn: each run starts one further along, so none always runs first.
 * @template T
 * @param {T[]} contenders
 * @param {number} r
 */
const alternated = (contenders, r) =>
	contenders.slice(r % contenders.length).concat(contenders.slice(0, r % contenders.length));

/**
 * One measurement by a bench script in a fresh process, which prints one JSON object. Asynchronous:
 * the child may read from a sandbox that runs in this process.
 * @param {string} script a file of bench/
 * @param {string[]} args
 * @param {{ reject?: boolean }} [options] reject: a JSON `error` rejects (default) or is returned
 * @returns {Promise<any>}
 */
function fresh(script, args, { reject: rejectError = true } = {}) {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			['--expose-gc', '--max-old-space-size=8192', path.join(__dirname, script), ...args],
			{ encoding: 'utf8', maxBuffer: 1 << 20 },
			(error, stdout) => {
				if (error && !stdout) return reject(error);
				const out = JSON.parse(stdout);
				return out.error && rejectError ? reject(new Error(out.error)) : resolve(out);
			},
		);
	});
}

/** The `getEntityDataBySchoolID` request the sandbox's captures and the HTTP Request peer send. */
function soapEnvelope(entity, filter) {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getEntityDataBySchoolID xmlns="http://tempuri.org/"><schoolID>20001</schoolID><entityName>${entity}</entityName><entityFilter>${filter.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</entityFilter><username>sandbox</username><password>sandbox</password></getEntityDataBySchoolID></soap:Body></soap:Envelope>`;
}

module.exports = {
	ROOT,
	RESULTS,
	CAPTURES,
	log,
	median,
	mb,
	fmt,
	repeat,
	alternated,
	fresh,
	soapEnvelope,
};
