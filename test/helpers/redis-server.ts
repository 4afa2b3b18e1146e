/** A real Redis (Debian's `redis-server`) for tests, on a free loopback port, no persistence. */
import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './alertmanager.js';

export const REDIS_BINARY = '/usr/bin/redis-server';

/** A running redis-server that a test can stop (SIGSTOP), kill (SIGKILL) and start again on the same port. */
export interface RedisUnderTest {
  url: string;
  port: number;
  /** SIGSTOP: the connection stays open and nothing answers (a "slow" Redis). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGKILL: down, connections refused. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
}

/** Whether something answers RESP on `port` (a PONG, or NOAUTH from a Redis that wants a password). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

async function launch(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const child = spawn(REDIS_BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) throw new Error(`redis-server not ready in 20 s: ${stderr}`);
    await sleep(50);
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.kill(signal);
  await Promise.race([exited, sleep(5000)]);
}

/** Starts redis-server on a free loopback port (`extraArgs` such as `--requirepass PW`); stopped in the test's teardown. */
export async function startRedis(t: ExecutionContext | { teardown(fn: () => Promise<void>): void }, extraArgs: readonly string[] = []): Promise<RedisUnderTest> {
  const port = await freePort();
  let child = await launch(port, extraArgs);
  t.teardown(async () => {
    await stop(child, 'SIGTERM');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: () => stop(child, 'SIGKILL'),
    restart: async () => {
      child = await launch(port, extraArgs);
    },
  };
}
