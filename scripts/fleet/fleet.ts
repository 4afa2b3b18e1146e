/**
 * A fleet of Wardens on one machine, as a platform team runs one: a real Redis for shared state, a
 * real bundle server (nginx) publishing signed bundles, a decision-log collector, and N `warden
 * serve` replicas configured alike, each with its own bundle cache and decision log.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkOnce, type CheckAnswer } from '../../src/server/check-client.js';
import { buildSignedBundle, publish, tamperedCopy } from './bundles.js';
import { startLogCollector, type LogCollector } from './log-collector.js';
import { freePort } from './processes.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { startReplica, type Replica } from './replica.js';
import { startStaticServer, type StaticServer } from './static-server.js';
import { runWarden } from './warden-command.js';

/** The callers the fleet is exercised with (all in the bundled policies' trust domain). */
export const CALLERS = {
  /** May call orders.read: the steady traffic. */
  frontend: 'spiffe://warden.local/ns/shop/sa/frontend',
  /** May call payments.charge, under the fleet-wide limit. */
  checkout: 'spiffe://warden.local/ns/shop/sa/checkout',
  /** Granted nothing: its calls are denied, and enough of them ban it. */
  intruder: 'spiffe://warden.local/ns/shop/sa/intruder',
  /** A second intruder, for after Redis comes back. */
  prowler: 'spiffe://warden.local/ns/shop/sa/prowler',
} as const;
export type Caller = keyof typeof CALLERS;

export interface FleetOptions {
  replicas?: number;
  /** The bundle poll interval's bounds, in seconds (default 1 and 2). */
  pollMinSeconds?: number;
  pollMaxSeconds?: number;
  /** The fleet-wide limit on checkout's payments.charge calls: this many, then (almost) none. */
  sharedBurst?: number;
  /** Denials within a minute that ban a subject (default 5). */
  banAfter?: number;
  /** How long a decision may wait on Redis before it falls back to local state (default 5 ms, Warden's). */
  redisBudgetMs?: number;
}

const BUNDLE_FILE = 'bundle.tar.gz';

export class Fleet {
  private revisionCount = 0;
  /** The decision id of every answer the fleet gave through {@link Fleet.check}. */
  readonly decisionIds: string[] = [];

  private constructor(
    readonly dir: string,
    readonly redis: RedisServer,
    readonly bundleServer: StaticServer,
    readonly collector: LogCollector,
    readonly replicas: Replica[],
    readonly options: Required<FleetOptions>,
  ) {}

  /** Starts everything, publishes revision `fleet-1`, and resolves once every replica serves it. */
  static async start(options: FleetOptions = {}): Promise<Fleet> {
    const settings: Required<FleetOptions> = { replicas: 3, pollMinSeconds: 1, pollMaxSeconds: 2, sharedBurst: 30, banAfter: 5, redisBudgetMs: 5, ...options };
    const dir = mkdtempSync(join(tmpdir(), 'warden-fleet-'));
    cpSync(fileURLOf('../../policies'), join(dir, 'policies'), { recursive: true });
    mkdirSync(join(dir, 'www'));
    mkdirSync(join(dir, 'callers'));
    await Promise.all(['ours', 'theirs'].map((k) => writeKeyPair(dir, k)));
    for (const caller of Object.keys(CALLERS) as Caller[]) await runWarden(['dev-cert', CALLERS[caller], '--out', `callers/${caller}`], dir);
    const started: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
    try {
      const redis = await startRedis(await freePort());
      started.push(redis);
      const bundleServer = await startStaticServer(join(dir, 'www'), join(dir, 'nginx'), await freePort());
      started.push(bundleServer);
      const collector = await startLogCollector();
      started.push(collector);
      await buildSignedBundle(dir, 'fleet-1.tar.gz', 'fleet-1', 'keys/ours.key.pem');
      publish(join(dir, 'fleet-1.tar.gz'), join(dir, 'www', BUNDLE_FILE));
      const names = Array.from({ length: settings.replicas }, (_, i) => `replica-${i + 1}`);
      for (const name of names) mkdirSync(join(dir, name));
      for (const name of names) writeFileSync(join(dir, `${name}.yaml`), stringify(replicaConfig(name, settings, redis, bundleServer, collector)));
      const replicas = await Promise.all(names.map((name) => startReplica(name, dir, `${name}.yaml`)));
      started.push(...replicas);
      const fleet = new Fleet(dir, redis, bundleServer, collector, replicas, settings);
      fleet.revisionCount = 1;
      return fleet;
    } catch (e) {
      await Promise.allSettled(started.map((s) => ('stop' in s ? s.stop() : s.close())));
      throw e;
    }
  }

  /** One Check on `replica` as `caller`. */
  async check(replica: Replica, caller: Caller, service: string, action: string): Promise<CheckAnswer> {
    const files = join(this.dir, 'callers', caller);
    const answer = await checkOnce({ address: replica.address, cert: `${files}.pem`, key: `${files}-key.pem`, ca: join(this.dir, '.warden', 'ca.pem'), service, action, timeoutMs: 10_000 });
    this.decisionIds.push(answer.decision_id);
    return answer;
  }

  /** Builds, signs and publishes the next revision (`fleet-N`); resolves with its name. */
  async publishNextRevision(): Promise<string> {
    const revision = `fleet-${++this.revisionCount}`;
    await buildSignedBundle(this.dir, `${revision}.tar.gz`, revision, 'keys/ours.key.pem');
    publish(join(this.dir, `${revision}.tar.gz`), join(this.dir, 'www', BUNDLE_FILE));
    return revision;
  }

  /** Publishes the next revision with its data changed after signing (a grant for the intruder). */
  async publishTampered(): Promise<string> {
    const revision = `fleet-${++this.revisionCount}`;
    await buildSignedBundle(this.dir, `${revision}.tar.gz`, revision, 'keys/ours.key.pem');
    await tamperedCopy(join(this.dir, `${revision}.tar.gz`), join(this.dir, `${revision}-tampered.tar.gz`), 'data.json', (text) => {
      const data = JSON.parse(text) as { warden: { config: { grants: unknown[] } } };
      data.warden.config.grants.unshift({ service: 'orders', caller: { namespace: 'shop', service_account: 'intruder' }, actions: ['orders.read'] });
      return JSON.stringify(data);
    });
    publish(join(this.dir, `${revision}-tampered.tar.gz`), join(this.dir, 'www', BUNDLE_FILE));
    return revision;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.replicas.map((r) => r.stop()));
    await Promise.allSettled([this.redis.stop(), this.bundleServer.stop(), this.collector.close()]);
    if (!process.env['WARDEN_FLEET_KEEP']) rmSync(this.dir, { recursive: true, force: true });
  }
}

function fileURLOf(relative: string): URL {
  return new URL(relative, import.meta.url);
}

async function writeKeyPair(dir: string, name: string): Promise<void> {
  const { generateKeyPairSync } = await import('node:crypto');
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', `${name}.key.pem`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'keys', `${name}.pub.pem`), pair.publicKey.export({ type: 'spki', format: 'pem' }));
}

/** The config every replica runs with: only its name, cache and local log differ. */
function replicaConfig(name: string, settings: Required<FleetOptions>, redis: RedisServer, bundles: StaticServer, collector: LogCollector): Record<string, unknown> {
  return {
    labels: { id: name },
    bundleService: { url: bundles.urlOf(BUNDLE_FILE), pollMinSeconds: settings.pollMinSeconds, pollMaxSeconds: settings.pollMaxSeconds },
    bundleCacheDir: `${name}/bundle-cache`,
    bundleVerification: { keyFile: 'keys/ours.pub.pem' },
    redis: { url: redis.url, budgetMs: settings.redisBudgetMs },
    decisionLog: `${name}/decisions.log`,
    decisionLogService: { url: collector.url, maxDelaySeconds: 1 },
    rateLimits: [{ name: 'fleet-payments', by: 'subject', perSecond: 0.001, burst: settings.sharedBurst, services: ['payments'] }],
    autoBan: [{ by: 'subject', after: settings.banAfter, within: '60s', banFor: '10m' }],
  };
}
