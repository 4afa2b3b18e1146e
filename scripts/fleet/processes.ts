/** Child processes on loopback ports: a free port, waiting for it to listen, starting and stopping a server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer as createNetServer } from 'node:net';

/** A port free on 127.0.0.1 now (the proxy binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`; rejects after `ms` or when `child` exits first. */
export async function waitForPort(port: number, child: RunningProcess, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exited) throw new Error(`${child.name} exited before listening on ${port}:\n${child.output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`${child.name} is not listening on ${port} after ${ms} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningProcess {
  readonly name: string;
  readonly exited: boolean;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Starts `command` with `args`; its output is kept for failure messages. */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): RunningProcess {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let exited = false;
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void done.then(() => (exited = true));
  child.once('error', (e) => {
    text += `\n${String(e)}`;
    exited = true;
  });
  return {
    name,
    get exited() {
      return exited;
    },
    output: () => text,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}
