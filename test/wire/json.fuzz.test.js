/**
 * Differential fuzzing of the Partner API's JSON reader against JSON.parse (test/fuzz/json-fuzz.js):
 * documents read in one piece, in character chunks and as UTF-8 bytes through the transport's
 * decoder; disagreements only for the reasons listed there. Long runs: `npm run fuzz -- --only json`.
 */
const { runJsonFuzz } = require('../fuzz/json-fuzz');

test('4,000 documents against JSON.parse, three ways each: same rows and members, or an explained refusal', () => {
	// A fixed seed keeps `npm test` reproducible; BROMCOM_FUZZ_SEED replays another one here.
	const stats = runJsonFuzz({
		cases: 2000,
		seed: Number(process.env.BROMCOM_FUZZ_SEED || 20261206),
	});
	expect(stats.generated).toBe(2000);
	expect(stats.mutated).toBe(2000);
	// Every kind of outcome was reached, so none of the checks above is idle.
	expect(stats.outcomes.accepted).toBeGreaterThan(1000);
	expect(stats.outcomes.notAnEnvelope).toBeGreaterThan(50);
	expect(stats.outcomes.dataNotRows).toBeGreaterThan(20);
	expect(stats.outcomes.duplicateData).toBeGreaterThan(20);
	expect(stats.mutatedOutcomes.refused).toBeGreaterThan(500);
	expect(stats.cutOff).toBeGreaterThan(100);
}, 300000);
