#!/usr/bin/env node
// The `gust` command: runs the compiled CLI (npm run build) against this process.
import { runCli } from '../dist/src/cli/main.js';

// A closed pipe (`gust logs fn | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
// Let buffered output drain before exiting; exiting explicitly also ends `gust up` promptly even if
// a library left a handle open after stop().
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
