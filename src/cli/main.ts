#!/usr/bin/env node
import { tuneHeapForServing } from '../server/serving-heap.js';

// V8's settings for the service take best before any other module has loaded (see
// tuneHeapForServing), so the commands are imported after them.
if (process.argv[2] === 'serve') tuneHeapForServing();
const { runCli } = await import('./run-cli.js');
const code = await runCli(process.argv.slice(2));
// A server that has stopped (or could not start) ends its process even if a thread is still stuck,
// e.g. in a write to a stdout nobody reads: it has nothing left to do.
if (process.argv[2] === 'serve') process.exit(code);
process.exitCode = code;
