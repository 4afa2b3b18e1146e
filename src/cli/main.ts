#!/usr/bin/env node
import { tuneHeapForServing } from '../server/serving-heap.js';

// V8's settings for the service take best before any other module has loaded (see
// tuneHeapForServing), so the commands are imported after them.
if (process.argv[2] === 'serve') tuneHeapForServing();
const { runCli } = await import('./run-cli.js');
process.exitCode = await runCli(process.argv.slice(2));
