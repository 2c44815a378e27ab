#!/usr/bin/env node
// npm run sandbox -- --port 8085 --size medium --seed 1 [--schools N] [--trust] [--now 2026-11-18T10:30:00Z] [--offset uk-local|utc] [--dateformat mdy|dmy]
const { createSandbox } = require('../sandbox/server');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : process.argv[i + 1];
}

(async () => {
	const size = arg('size', 'medium');
	const started = Date.now();
	const sandbox = createSandbox({
		size,
		seed: Number(arg('seed', 1)),
		now: arg('now'),
		offsetMode: arg('offset'),
		dateFormat: arg('dateformat'),
		// A trust of N schools (20001 upwards, at most 50); --trust adds the people schools share.
		...(arg('schools') ? { schools: Number(arg('schools')) } : {}),
		trust: process.argv.includes('--trust'),
	});
	for (const id of sandbox.schoolIds) sandbox.school(id);
	const url = await sandbox.start(Number(arg('port', 8085)));
	const read = `${url}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx`;
	console.log(
		`Bromcom sandbox (${size}, seed ${arg('seed', 1)}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
	);
	console.log(`  Base URL (credential "Custom Base URL"): ${url}`);
	console.log(`  Read service:  ${read}   (WSDL: ${read}?wsdl)`);
	console.log(`  Write service: ${url}/Nucleus/WebServices/ThirdParty/TPWriteDataService.asmx`);
	console.log(`  School IDs:    ${sandbox.schoolIds.join(', ')}`);
	console.log('  Accounts (same in every school):');
	for (const a of sandbox.accounts) console.log(`    ${a.username} / ${a.password}  — ${a.note}`);
	console.log(
		`  Admin (loopback only): POST ${url}/__sandbox/change {"action":"addStudent","schoolId":20001}`,
	);
	console.log('\nTry:');
	console.log(
		`  curl -s -d 'schoolID=20001&username=sandbox&password=sandbox' ${read}/findEntitiesBySchoolID`,
	);
	const stop = () => sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})().catch((e) => {
	console.error(e.message);
	process.exit(1);
});
