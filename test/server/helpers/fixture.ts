/** Starts a Warden server on an ephemeral port with generated certificates, and makes mTLS clients. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { pino } from 'pino';
import { startServer, LOADER_OPTIONS, SERVED_PROTOS, type ServeConfig, type WardenServer } from '../../../src/server/index.js';
import { createCa, type Issued, type TestCa } from './pki.js';
import { testCompiler } from './test-policy.js';
import { temporaryDirectory } from '../../helpers/temp-dir.js';

export const REQUESTER = 'spiffe://example.org/ns/shop/sa/frontend';

export const DEFAULT_GRANTS = {
  [REQUESTER]: { read: true },
  'spiffe://example.org/ns/shop/sa/orders': { write: true, GET: true },
  'system:serviceaccount:shop:billing': { read: true },
};

type Ctor = grpc.ServiceClientConstructor;

/** The server certificate names localhost; connecting by IP would otherwise send an IP as SNI. */
export const CHANNEL_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
const def = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS);
const pkg = grpc.loadPackageDefinition(def) as unknown as {
  warden: { authz: { v1: { Authorizer: Ctor } } };
  envoy: { service: { auth: { v3: { Authorization: Ctor } } } };
};
const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');
const reflectionDef = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', {
  includeDirs: [join(process.cwd(), 'node_modules/@grpc/reflection/build/proto')],
  keepCase: true,
});
const ReflectionClient = (grpc.loadPackageDefinition(reflectionDef) as unknown as { grpc: { reflection: { v1: { ServerReflection: Ctor } } } }).grpc.reflection.v1.ServerReflection;

/** Promisified unary call. */
export function unary<Res = Record<string, unknown>>(client: grpc.Client, method: string, request: unknown, options: grpc.CallOptions = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: unknown, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[method]!(
      request,
      new grpc.Metadata(),
      options,
      (e, v) => (e ? reject(e) : resolve(v)),
    );
  });
}

export interface Clients {
  authz: grpc.Client;
  envoy: grpc.Client;
  health: grpc.Client;
  reflection: grpc.Client;
  close(): void;
}

export interface Fixture {
  server: WardenServer;
  dir: string;
  policies: string;
  ca: TestCa;
  serverCert: Issued;
  decisionLogFile: string;
  opsLog: Array<Record<string, unknown>>;
  compileCalls: { count: number };
  /** Clients over mTLS with a certificate for `spiffeId` (or no SPIFFE SAN when null). */
  clients(spiffeId?: string | null, opts?: { ca?: TestCa; cert?: Issued }): Clients;
  /** Raw channel credentials for a client certificate. */
  credentials(spiffeId: string | null, issuer?: TestCa): grpc.ChannelCredentials;
  /** Decision log lines, waiting until at least `min` are there (and, given one, `decisionId` is). */
  decisions(min: number, decisionId?: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  config?: Partial<ServeConfig>;
  grants?: Record<string, Record<string, boolean>>;
  /** Start without writing a policy directory (a server then refuses to start). */
  emptyPolicies?: boolean;
  /** Files for the policy directory instead of the test module and grants (path → content). */
  policyFiles?: Record<string, string>;
  /** TLS settings over the generated files (`config.tls` replaces them all). */
  tls?: Partial<ServeConfig['tls']>;
  /** The CA to issue the server's and clients' certificates with (a test that talks to the server before it has started makes it). */
  ca?: TestCa;
}

async function waitFor<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes the policy directory: one module and the grants mounted at data.grants. */
export function writePolicies(dir: string, grants: Record<string, unknown>, extraSource = ''): void {
  mkdirSync(join(dir, 'grants'), { recursive: true });
  writeFileSync(join(dir, 'authz.rego'), `package warden.authz\n\n# test module ${extraSource}\n`);
  writeFileSync(join(dir, 'grants', 'data.json'), JSON.stringify(grants));
}

export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const dir = temporaryDirectory('warden-test-');
  const ca = options.ca ?? createCa();
  const serverCert = ca.issue({ cn: 'warden', dns: ['localhost'], ips: ['127.0.0.1'], uris: ['spiffe://example.org/ns/warden/sa/warden'] });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'server.pem'), serverCert.cert);
  writeFileSync(join(dir, 'server-key.pem'), serverCert.key);
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  if (options.policyFiles) for (const [path, content] of Object.entries(options.policyFiles)) writeFileSync(join(policies, path), content);
  else if (!options.emptyPolicies) writePolicies(policies, options.grants ?? DEFAULT_GRANTS);
  const decisionLogFile = join(dir, 'decisions.log');
  const opsLog: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void opsLog.push(JSON.parse(line) as Record<string, unknown>) });
  const compileCalls = { count: 0 };
  const server = await startServer({
    listen: '127.0.0.1:0',
    metrics: '127.0.0.1:0',
    policies,
    tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), clientCa: join(dir, 'ca.pem'), ...options.tls },
    decisionLog: decisionLogFile,
    compiler: testCompiler(compileCalls),
    logger,
    // A loaded CI box can stall a thread for longer than the default 100 ms: only budget tests set a tight one.
    evaluation: { budgetMs: 5_000 },
    ...options.config,
  });
  const open: grpc.Client[] = [];
  const credentials = (spiffeId: string | null, issuer: TestCa = ca) => {
    const leaf = issuer.issue({ cn: 'client', uris: spiffeId ? [spiffeId] : [] });
    return grpc.credentials.createSsl(Buffer.from(ca.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
  };
  return {
    server,
    dir,
    policies,
    ca,
    serverCert,
    decisionLogFile,
    opsLog,
    compileCalls,
    credentials,
    clients(spiffeId = REQUESTER, opts = {}) {
      const leaf = opts.cert ?? (opts.ca ?? ca).issue({ cn: 'client', uris: spiffeId ? [spiffeId] : [] });
      const creds = grpc.credentials.createSsl(Buffer.from(ca.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
      const make = (C: Ctor) => new C(server.address, creds, CHANNEL_OPTIONS);
      const c = {
        authz: make(pkg.warden.authz.v1.Authorizer),
        envoy: make(pkg.envoy.service.auth.v3.Authorization),
        health: new HealthClient(server.address, creds, CHANNEL_OPTIONS),
        reflection: make(ReflectionClient),
        close() {
          for (const x of [c.authz, c.envoy, c.health, c.reflection]) x.close();
        },
      };
      open.push(c.authz, c.envoy, c.health, c.reflection);
      return c;
    },
    async decisions(min, decisionId) {
      return waitFor(() => {
        if (!existsSync(decisionLogFile)) return undefined;
        const text = readFileSync(decisionLogFile, 'utf8');
        const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
        if (lines.length < min) return undefined;
        const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        return decisionId === undefined || parsed.some((l) => l.decision_id === decisionId) ? parsed : undefined;
      });
    },
    async close() {
      for (const c of open) c.close();
      await server.close();
    },
  };
}

export { waitFor };
