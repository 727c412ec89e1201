const path = require('path');
const { task, src, dest } = require('gulp');

// n8n loads node and credential icons from next to the built files.
task('build:icons', copyIcons);

/** Resolves when the stream has written every file (gulp then knows the task is done). */
function finished(stream) {
	return new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
}

function copyIcons() {
	const nodes = src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
	const credentials = src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(dest(path.resolve('dist', 'credentials')));
	// Both copies, not only the last: the task used to return just the credentials' stream.
	return Promise.all([finished(nodes), finished(credentials)]);
}
