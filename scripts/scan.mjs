// Runs the n8n community-package scanner's lint rules (the same config n8n's verification uses,
// inline eslint-disable comments ignored) on a source tree and/or an unpacked npm tarball.
// Usage: node scripts/scan.mjs --source <repo> --dist <unpacked package dir>
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const args = process.argv.slice(2);
const targets = [];
for (let i = 0; i < args.length; i += 2) targets.push([args[i], args[i + 1]]);
let failed = false;
for (const [kind, dir] of targets) {
	const result = await analyzePackage(
		dir,
		kind === '--source' ? SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'],
	);
	console.log(
		`scanner ${kind.slice(2)} (${dir}): ${result.passed ? 'passed' : 'FAILED'}${result.message ? ` — ${result.message}` : ''}`,
	);
	if (!result.passed) {
		failed = true;
		if (result.details) console.log(result.details);
	}
}
process.exit(failed ? 1 : 0);
