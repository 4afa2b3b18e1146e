import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folder } from '../helpers/cli.js';

const main = join(process.cwd(), 'src/cli/main.ts');

/** Resolves with the output so far once `done(output)` holds (no time limit: ava's timeout bounds a hang). */
function waitFor(output: { text: string; listeners: Array<() => void> }, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done(output.text)) return;
      output.listeners = output.listeners.filter((l) => l !== check);
      resolve(output.text);
    };
    output.listeners.push(check);
    check();
  });
}

/** The output holds `n` finished runs; the last ends with `summary` (stdout and stderr interleave freely, so errors are checked apart). */
function runs(n: number, summary?: string): (text: string) => boolean {
  return (text) => {
    const ends = text.split('Watching for changes (Ctrl-C to stop)...\n');
    return ends.length > n && (summary === undefined || ends[n - 1]!.trimEnd().endsWith(summary));
  };
}

test('--watch: runs, runs again after a file changes (a compile error is shown and watching goes on), until killed', async (t) => {
  const dir = folder({ 'p/p.rego': 'package p\nallow if input.ok\n', 'p/p_test.rego': 'package p_test\nimport data.p\ntest_allow if p.allow with input as {"ok": false}\n' });
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'test', 'p', '--watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill());
  // Should the test runner itself be stopped (its timeout), the watching process must not outlive it.
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  t.teardown(() => process.off('exit', stopChild));
  const output = { text: '', listeners: [] as Array<() => void> };
  const append = (d: Buffer) => {
    output.text += d.toString();
    for (const l of [...output.listeners]) l();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  await waitFor(output, runs(1, '0 passed, 1 failed'));
  writeFileSync(join(dir, 'p/p.rego'), 'package p\nallow if not input.ok\n');
  await waitFor(output, runs(2, '1 passed, 0 failed'));
  writeFileSync(join(dir, 'p/p.rego'), 'package p\nallow if {\n');
  await waitFor(output, (text) => runs(3)(text) && /p\/p\.rego:\d+:\d+: rego_parse_error/.test(text));
  writeFileSync(join(dir, 'p/p.rego'), 'package p\nallow if input.ok\n');
  const text = await waitFor(output, runs(4, '0 passed, 1 failed'));
  t.is(text.match(/Watching for changes/g)?.length, 4);
  t.is(child.exitCode, null, 'still running until killed');
  child.kill();
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  t.is(code, null);
  t.is(signal, 'SIGTERM');
});
