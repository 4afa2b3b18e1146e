import { setFlagsFromString } from 'node:v8';

const PRETENURING_FLAG = /^--(no-)?allocation-site-pretenuring$/;

/**
 * Turns off V8's allocation-site pretenuring for a serving process. Calls that wait for the check
 * worker are still in flight when the young generation is collected, so V8 learns to allocate their
 * objects straight into the old generation; there they die soon, but until the next full collection
 * they keep every young object they point to alive through each scavenge (the measurements are in
 * docs/architecture.md). `warden serve` calls this before any other module loads (set later, it
 * helps less), and only it: V8's flags are process-wide. A flag on Node's command line wins.
 */
export function tuneHeapForServing(): void {
  if (process.execArgv.some((flag) => PRETENURING_FLAG.test(flag))) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
