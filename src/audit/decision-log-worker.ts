import { parentPort, workerData } from 'node:worker_threads';
import { DecisionLog, type DecisionLogOptions, type DecisionRecord } from './decision-log.js';

// The thread behind OffThreadDecisionLog: redacts, serialises and writes batches of records.
export type ToLogWorker = { type: 'records'; bytes: ArrayBuffer; length: number; count: number } | { type: 'flush'; id: number } | { type: 'close'; id: number };
export type FromLogWorker = { type: 'written'; count: number; dropped: number } | { type: 'done'; id: number; dropped: number };

const log = new DecisionLog(workerData as DecisionLogOptions);
const decoder = new TextDecoder();
parentPort!.on('message', async (m: ToLogWorker) => {
  if (m.type === 'records') {
    const lines = decoder.decode(new Uint8Array(m.bytes, 0, m.length));
    let from = 0;
    for (let i = 0; i < m.count; i++) {
      const end = lines.indexOf('\n', from);
      log.write(JSON.parse(lines.slice(from, end)) as DecisionRecord);
      from = end + 1;
    }
    parentPort!.postMessage({ type: 'written', count: m.count, dropped: log.dropped } satisfies FromLogWorker);
    return;
  }
  if (m.type === 'flush') await log.flush();
  else await log.close();
  parentPort!.postMessage({ type: 'done', id: m.id, dropped: log.dropped } satisfies FromLogWorker);
});
