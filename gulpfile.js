// Copies the node and credential icons next to the compiled JavaScript, where n8n resolves
// `file:` icons. tsc does not copy non-TypeScript files.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

function nodeIcons() {
	return src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
}

function sharedIcons() {
	return src(path.resolve('icons', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'icons')),
	);
}

task('build:icons', parallel(nodeIcons, sharedIcons));
