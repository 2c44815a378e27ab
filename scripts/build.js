#!/usr/bin/env node
// Build: clean dist, compile TypeScript, copy icons (gulpfile.js). The package has no runtime
// dependencies, so there is nothing to bundle: zod and n8n-workflow come from n8n itself.
//
// Why not `n8n-node build` (@n8n/node-cli 0.48.3)? It does the same tsc run, but then copies every
// `**/*.{png,svg}` outside dist/ and node_modules/ into dist/, which here would put the README's
// screenshot (docs/) and the browser test's screenshots (test/browser/screenshots/) into the published
// package. gulpfile.js copies the icons only; test/package.test.js checks the tarball's file list.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
// tsc also writes its incremental build cache (the template's tsconfig sets `incremental`; every build
// here starts from an empty dist/, so it saves nothing) and a copy of package.json (the template's
// tsconfig includes it for resolveJsonModule; nothing imports it, and npm ships the real one): neither
// belongs in the package (test/package.test.js lists what does).
for (const file of ['tsconfig.tsbuildinfo', 'package.json'])
	fs.rmSync(path.join(root, 'dist', file), { force: true });
execFileSync(bin('gulp'), ['build:icons', '--silent'], { cwd: root, stdio: 'inherit' });
