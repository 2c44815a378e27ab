// n8n-core creates $N8N_USER_FOLDER/.n8n/config (an encryption key) when first imported: keep it
// out of the developer's home folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!process.env.N8N_USER_FOLDER || !process.env.N8N_USER_FOLDER.includes('bromcom-jest-')) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-jest-'));
}
process.env.N8N_ENCRYPTION_KEY = process.env.N8N_ENCRYPTION_KEY || 'bromcom-test-key-not-secret';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

// Property tests (fast-check) run with a fixed seed so a CI run is reproducible; set
// BROMCOM_FC_SEED to explore another one.
try {
	require('fast-check').configureGlobal({ seed: Number(process.env.BROMCOM_FC_SEED || 20261201) });
} catch {
	// fast-check not installed: no property tests to configure
}
