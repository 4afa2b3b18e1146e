/** One `warden serve` of the fleet: a real process, its address, its metrics and what it logged. */
import { spawn } from 'node:child_process';
import { wardenArgs } from './warden-command.js';

export interface Replica {
  readonly name: string;
  /** gRPC `host:port`. */
  readonly address: string;
  readonly metricsUrl: string;
  /** Everything it wrote to stderr (the operational log) so far. */
  log(): string;
  /** The sum of the samples of metric `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Its status report (OPA's shape) from the metrics listener's `/status`. */
  status(): Promise<{ labels: Record<string, string>; bundles: Record<string, Record<string, string>>; plugins: Record<string, { state: string }> }>;
  stop(): Promise<void>;
}

/** Starts `warden serve --dev --config CONFIG` in `dir` on ephemeral ports; resolves once it serves. */
export async function startReplica(name: string, dir: string, config: string, timeoutMs = 90_000): Promise<Replica> {
  const child = spawn(process.execPath, wardenArgs(['serve', '--dev', '--config', config, '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']), {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  let serving: RegExpExecArray | null;
  while (!(serving = /serving on ([^\s,]+).*metrics at (\S+)\n/.exec(err))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const metricsUrl = serving[2]!;
  return {
    name,
    address: serving[1]!,
    metricsUrl,
    log: () => err,
    async metric(metricName, labels = {}) {
      const text = await (await fetch(metricsUrl)).text();
      return sumSamples(text, metricName, labels);
    },
    async status() {
      return (await fetch(metricsUrl.replace(/\/metrics$/, '/status'))).json() as ReturnType<Replica['status']>;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sums the samples of `name` in Prometheus text whose labels include every one of `labels`. */
export function sumSamples(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
