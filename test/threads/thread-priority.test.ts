import test from 'ava';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { kernelThreadId, lowerThreadPriority } from '../../src/threads/thread-priority.js';

test('a worker thread lowers its own priority only: the process and its main thread keep theirs', async (t) => {
  if (kernelThreadId() === undefined) {
    t.log('no /proc/thread-self here: threads cannot be told apart, nothing is changed');
    t.is(lowerThreadPriority(5), undefined);
    return;
  }
  t.is(kernelThreadId(), process.pid, 'the main thread is the process');
  t.is(lowerThreadPriority(5), undefined, 'the main thread is never lowered (that would lower the process)');
  const before = getPriority(process.pid);
  const url = new URL('../../src/threads/thread-priority.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); }).then((m) => {
    const tid = m.kernelThreadId();
    require('node:worker_threads').parentPort.postMessage({ tid, nice: m.lowerThreadPriority(5) });
  });`;
  const worker = new Worker(code, { eval: true });
  const reply = await new Promise<{ tid: number; nice: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  t.not(reply.tid, process.pid);
  t.is(reply.nice, Math.min(19, before + 5));
  t.is(getPriority(process.pid), before, 'the main thread is untouched');
});
