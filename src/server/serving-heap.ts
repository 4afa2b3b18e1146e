import { setFlagsFromString } from 'node:v8';

const PRETENURING_FLAG = /^--(no-)?allocation-site-pretenuring$/;

/**
 * Turns off V8's allocation-site pretenuring for a serving process. Calls that wait for the check
 * worker are still in flight when the young generation is collected, so V8 learns to allocate their
 * objects straight into the old generation; there they die soon, but until the next full collection
 * they keep every young object they point to alive through each scavenge. Under a cache-miss load
 * the serving thread promoted ~7 KB per call that died soon after and spent 3x as long in
 * scavenges; without pretenuring a miss took 82–93 µs of CPU instead of 125–129 (scratch load, C++
 * driver). `warden serve` calls this before any other module loads (set later, a miss still cost up
 * to 45 % more), and only it: V8's flags are process-wide. A flag on Node's command line wins.
 */
export function tuneHeapForServing(): void {
  if (process.execArgv.some((flag) => PRETENURING_FLAG.test(flag))) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
