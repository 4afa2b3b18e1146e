/** A real `redis-server` (Debian's) on a loopback port, with no persistence, that can be stopped and started again on the same port. */
import { startProcess, waitForPort, type RunningProcess } from './processes.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (its state is lost: nothing is saved). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** Starts `redis-server` on 127.0.0.1:`port`; resolves once it accepts connections. */
export async function startRedis(port: number): Promise<RedisServer> {
  let running: RunningProcess | undefined;
  const start = async () => {
    running = startProcess('redis-server', REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']);
    await waitForPort(port, running);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
    start,
  };
}
