/**
 * Differential fuzzing of the DataSet extractor against fast-xml-parser: 10,000 cases on every
 * `npm test` (5,000 generated, 5,000 mutated; each read in one shot and in random chunks from 1 byte
 * up). Long runs: `npm run fuzz -- --cases 200000`. See test/fuzz/dataset-fuzz.js.
 */
const { runFuzz } = require('../fuzz/dataset-fuzz');

test('10,000 documents: same rows as the oracle, chunked = one shot, typed errors only, none over 1 s', () => {
	// A fixed seed keeps `npm test` reproducible; `npm run fuzz` explores new seeds (BROMCOM_FUZZ_SEED
	// replays one here). Seed 849229055, reported as a counterexample in an earlier session, passes its
	// 40,000 cases now (`npm run fuzz -- --seed 849229055`, 2026-12-01).
	const stats = runFuzz({ cases: 5000, seed: Number(process.env.BROMCOM_FUZZ_SEED || 20261201) });
	expect(stats.generated).toBe(5000);
	expect(stats.mutated).toBe(5000);
	expect(stats.typedErrors).toBeGreaterThan(500);
	expect(stats.mutatedAgreed).toBeGreaterThan(250);
	expect(stats.slowest).toBeLessThan(1000);
}, 600000);
