#!/usr/bin/env node
import { tuneHeapForServing } from '../server/serving-heap.js';

// V8's settings for the service take best before any other module has loaded (see
// tuneHeapForServing), so the commands are imported after them.
if (process.argv[2] === 'serve') tuneHeapForServing();
const { runCli } = await import('./run-cli.js');
const code = await runCli(process.argv.slice(2));
// A server that has stopped (or could not start) ends its process even if a thread is still stuck,
// e.g. in a write to a stdout nobody reads: it has nothing left to do.
// A probe ends when its answer or its deadline is in, even if grpc-js still holds a connection attempt
// to a server that never completed the TLS handshake.
if (process.argv[2] === 'serve' || process.argv[2] === 'health') process.exit(code);
process.exitCode = code;
