#!/usr/bin/env node
// Build: clean dist, compile TypeScript, copy icons (gulpfile.js). The package has no runtime
// dependencies, so there is nothing to bundle: zod and n8n-workflow come from n8n itself.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('gulp'), ['build:icons', '--silent'], { cwd: root, stdio: 'inherit' });
