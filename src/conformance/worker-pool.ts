import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CaseOutcome, CaseRef, ConformanceCase, Mode } from './case-types.js';

const workerUrl = new URL('./worker-entry.mjs', import.meta.url);

function noteOf(ref: CaseRef): { note: string; wantsError: boolean } {
  const c = (JSON.parse(readFileSync(ref.file, 'utf8')) as { cases: ConformanceCase[] }).cases[ref.index]!;
  return { note: c.note, wantsError: c.want_error_code !== undefined || c.want_error !== undefined };
}

/** Runs cases on `size` worker threads; a case over `timeoutMs` or crashing its worker fails alone. */
export async function runPool(refs: CaseRef[], mode: Mode, size: number, timeoutMs: number): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    while (next < refs.length) {
      const ref = refs[next++]!;
      worker ??= new Worker(workerUrl, { execArgv: process.execArgv, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
      const w: Worker = worker;
      const outcome = await new Promise<CaseOutcome>((resolve) => {
        const fail = (reason: string) => {
          cleanup();
          void w.terminate();
          worker = undefined;
          resolve({ ...ref, ...noteOf(ref), status: 'fail', reason });
        };
        const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
        const onMessage = (o: CaseOutcome) => {
          cleanup();
          resolve(o);
        };
        const onError = (e: Error) => fail(`worker crashed: ${e.message}`);
        const onExit = (code: number) => fail(`worker exited with code ${code}`);
        const cleanup = () => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ ref, mode });
      });
      outcomes.push(outcome);
    }
    await worker?.terminate();
  };
  await Promise.all(Array.from({ length: size }, lane));
  return outcomes;
}
