import type { ChildProcess } from 'node:child_process';
import type { ServerMessage } from './protocol.js';

export type Usage = Extract<ServerMessage, { type: 'cpu' }>;

/** Asks a benchmarked server process (see serveForBench) for the CPU time it has used so far. */
export function cpuOf(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    const onMessage = (m: ServerMessage) => {
      if (m.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}
