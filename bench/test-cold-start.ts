// `warden test` on the bundled policies/ from a cold start (a new process each run), as a policy
// author runs it: through tsx from source, and from the built CLI in dist/ when it exists.
// Usage: npm run bench:test [-- RUNS]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 5);
const root = new URL('..', import.meta.url).pathname;

function measure(label: string, args: string[]): void {
  const times: number[] = [];
  let last = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    times.push(performance.now() - t0);
    last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label}: median ${(median / 1000).toFixed(2)} s, worst ${(times[times.length - 1]! / 1000).toFixed(2)} s over ${runs} runs (${last}); target < 2 s`);
}

measure('warden test policies (tsx, from source)', ['--import', 'tsx', 'src/cli/main.ts', 'test', 'policies']);
if (existsSync(`${root}dist/cli/main.js`)) measure('warden test policies (dist/, after npm run build)', ['dist/cli/main.js', 'test', 'policies']);
else console.log('dist/ not built: run `npm run build` to measure the installed CLI');
