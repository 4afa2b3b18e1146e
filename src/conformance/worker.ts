import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { CaseRef, ConformanceCase, Mode } from './case-types.js';
import { runCase } from './run-case.js';

// Runs cases sent by the pool one at a time, so that a case that hangs or crashes takes only
// this worker down; the pool replaces it.
const files = new Map<string, ConformanceCase[]>();

function load(file: string): ConformanceCase[] {
  let cases = files.get(file);
  if (!cases) {
    cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: ConformanceCase[] }).cases;
    files.clear();
    files.set(file, cases);
  }
  return cases;
}

parentPort!.on('message', async (msg: { ref: CaseRef; mode: Mode }) => {
  const c = load(msg.ref.file)[msg.ref.index]!;
  const wantsError = c.want_error_code !== undefined || c.want_error !== undefined;
  let result;
  try {
    result = await runCase(c, msg.mode);
  } catch (e) {
    result = { pass: false, reason: `runner: ${String(e)}` };
  }
  parentPort!.postMessage({ ...msg.ref, note: c.note, wantsError, status: result.pass ? 'pass' : 'fail', reason: result.reason });
});
