import { Server, type ServerOptions } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { pino, type Logger } from 'pino';
import { DecisionLog, OffThreadDecisionLog, startMetricsServer, WardenMetrics, type MetricsServer } from '../audit/index.js';
import { Engine, PolicyManager, type ReloadResult } from '../engine/index.js';
import { JwtVerifier } from '../identity/index.js';
import { authorizerService } from './authorizer-service.js';
import { DEFAULT_LIMITS, SERVE_DEFAULTS, type RequestLimits, type ServeConfig } from './config.js';
import { EVALUATION_DEFAULTS, EvaluationPool } from './check-worker/evaluation-pool.js';
import { envoyAuthorizationService } from './envoy-service.js';
import { loadPackageDefinition, rawRequestService } from './protos.js';
import { ServiceError } from './service-error.js';
import { mtlsCredentials } from './tls.js';

/** A running Warden service. */
export interface WardenServer {
  /** `host:port` the gRPC server listens on. */
  readonly address: string;
  readonly port: number;
  /** The metrics scrape URL, when metrics are served. */
  readonly metricsUrl: string | undefined;
  readonly engine: Engine;
  readonly metrics: WardenMetrics;
  /** The workers that evaluate policy, unless the serving thread does (`checkWorker: false`). */
  readonly evaluation: EvaluationPool | undefined;
  /** Reloads the policy now (the watcher does this on change). */
  reload(): Promise<ReloadResult>;
  /** Stops accepting calls, finishes those in flight, and releases everything. */
  close(): Promise<void>;
}

/** Longest startup waits for an evaluation worker to load the first revision (tsx in tests is slow). */
const POOL_READY_MS = 30_000;
/** Longest stop waits for decisions in flight in the pool. */
const POOL_DRAIN_MS = 1_000;

/** The evaluation budget and pool size, checked. */
function evaluationSettings(config: ServeConfig): { budgetMs: number; workers: number; spares: number } {
  const { budgetMs = EVALUATION_DEFAULTS.budgetMs, workers = EVALUATION_DEFAULTS.workers, spares = EVALUATION_DEFAULTS.spares } = config.evaluation ?? {};
  if (typeof budgetMs !== 'number' || !(budgetMs > 0) || !Number.isFinite(budgetMs)) throw new ServiceError('invalid_config', `evaluation.budgetMs must be a positive number of milliseconds, got ${String(budgetMs)}`);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new ServiceError('invalid_config', `evaluation.workers must be an integer from 1 to 64, got ${String(workers)}`);
  if (!Number.isInteger(spares) || spares < 0 || spares > 8) throw new ServiceError('invalid_config', `evaluation.spares must be an integer from 0 to 8, got ${String(spares)}`);
  return { budgetMs, workers, spares };
}

/** Services whose health follows policy readiness ('' is the server as a whole). */
const HEALTH_SERVICES = ['', 'warden.authz.v1.Authorizer', 'envoy.service.auth.v3.Authorization'];

function logReload(logger: Logger, result: ReloadResult): void {
  if (result.ok) {
    if (result.changed) logger.info({ revision: result.revision.id, source: result.revision.source }, 'policy revision serving');
    return;
  }
  const e = result.error;
  logger.error({ code: e.code, errors: e.details.length > 0 ? e.details : undefined }, `policy reload failed, last good revision keeps serving: ${e.message}`);
}

/**
 * Starts `warden serve`: loads the policy, then serves `warden.authz.v1.Authorizer`,
 * `envoy.service.auth.v3.Authorization`, `grpc.health.v1.Health` and server reflection on one mTLS
 * port, the metrics endpoint, and the decision log; the policy is watched and reloaded on change.
 * Health is SERVING once a revision is loaded; until then checks fail with UNAVAILABLE.
 *
 * @example
 * const server = await startServer({ listen: '127.0.0.1:0', tls: { cert, key, clientCa }, compiler });
 * console.log(server.address);
 * await server.close();
 * @throws ServiceError `invalid_config` for unreadable TLS files, a bad listen address or JWT settings
 */
/** The grpc-js server options Warden serves with (the bench's echo server takes the same). */
export function grpcServerOptions(limits: RequestLimits): ServerOptions {
  // Warden serves no channelz service: tracking every call for one would be work for nothing.
  return { 'grpc.max_receive_message_length': limits.maxMessageBytes, 'grpc.enable_channelz': 0 };
}

export async function startServer(config: ServeConfig): Promise<WardenServer> {
  const { budgetMs, workers, spares } = evaluationSettings(config);
  const logger = config.logger ?? pino({ level: 'info' }, pino.destination(2));
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...config.limits };
  const decision = config.decision ?? SERVE_DEFAULTS.decision;
  const envoyDecision = config.envoyDecision ?? decision;
  const listen = config.listen ?? SERVE_DEFAULTS.listen;
  const tls = mtlsCredentials(config.tls);
  const { credentials } = tls;

  let jwt: JwtVerifier | undefined;
  if (config.jwt) {
    try {
      jwt = new JwtVerifier(config.jwt);
    } catch (e) {
      throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
    }
    // Keys can still arrive later (first token, or unknown kid), so a missing JWKS only warns.
    await jwt.start().catch((e: Error) => logger.warn({ jwks: config.jwt!.jwks }, `JWKS not loaded yet: ${e.message}`));
  }

  const metrics = new WardenMetrics();
  // stdout and files are written by a worker thread; streams (embedders, tests) stay in-process.
  const destination = config.decisionLog ?? 'stdout';
  const decisionLog =
    typeof destination === 'string'
      ? new OffThreadDecisionLog({ destination, redactPaths: config.redactPaths })
      : new DecisionLog({ destination, redactPaths: config.redactPaths });
  const engine = new Engine(config.cache, { budgetMs });
  const pool =
    config.checkWorker === false
      ? undefined
      : new EvaluationPool({ cache: config.cache ?? {}, limits, decision, budgetMs, workers, spares, onProblem: (message) => logger.warn(message), onBudgetExceeded: (stage) => metrics.recordBudgetExceeded(stage) });
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING' as const])));

  const manager = new PolicyManager(engine, {
    policies: config.bundle ? undefined : (config.policies ?? SERVE_DEFAULTS.policies),
    bundle: config.bundle,
    entrypoints: [...new Set([decision, envoyDecision])],
    compiler: config.compiler,
    onReload: (result) => {
      logReload(logger, result);
      if (result.ok && result.changed) {
        pool?.serve(result.revision);
        metrics.recordReload(result.revision.id);
        for (const s of HEALTH_SERVICES) health.setStatus(s, 'SERVING');
      } else if (!result.ok) metrics.recordReloadFailure();
    },
  });
  await manager.load();
  // The serving thread does not evaluate while the pool exists: it serves once a worker can.
  if (pool && engine.revision && !(await pool.whenReady(POOL_READY_MS, { workers }))) logger.warn(`evaluation workers not all ready after ${POOL_READY_MS} ms: checks wait for one, within their budget`);

  const server = new Server(grpcServerOptions(limits));
  const packageDefinition = loadPackageDefinition([healthProtoPath]);
  const authorizer = rawRequestService(packageDefinition, 'warden.authz.v1.Authorizer');
  const encodeCheckResponse = authorizer.Check!.responseSerialize as (response: unknown) => Buffer;
  const deps = { logger, decisionLog, metrics, engine, jwt, limits, decision, envoyDecision, encodeCheckResponse, pool };
  server.addService(authorizer, authorizerService(deps));
  server.addService(rawRequestService(packageDefinition, 'envoy.service.auth.v3.Authorization'), envoyAuthorizationService(deps));
  health.addToServer(server);
  new ReflectionService(packageDefinition).addToServer(server);

  let port: number;
  try {
    await tls.ready;
    port = await new Promise<number>((resolve, reject) => server.bindAsync(listen, credentials, (err, p) => (err ? reject(err) : resolve(p))));
  } catch (e) {
    tls.close();
    pool?.stop();
    await manager.close();
    await decisionLog.close();
    throw new ServiceError('invalid_config', `cannot listen on ${listen}: ${(e as Error).message}`, { cause: e });
  }
  const host = listen.slice(0, listen.lastIndexOf(':'));

  let metricsServer: MetricsServer | undefined;
  const metricsListen = config.metrics ?? SERVE_DEFAULTS.metrics;
  if (metricsListen !== false) {
    try {
      metricsServer = await startMetricsServer(metrics.registry, metricsListen);
    } catch (e) {
      server.forceShutdown();
      tls.close();
      pool?.stop();
      await manager.close();
      await decisionLog.close();
      throw new ServiceError('invalid_config', `cannot serve metrics on ${metricsListen}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (config.watch !== false) manager.watch();
  logger.info({ address: `${host}:${port}`, metrics: metricsServer?.url, revision: engine.revision?.id ?? null }, 'warden serving');

  let closing: Promise<void> | undefined;
  return {
    address: `${host}:${port}`,
    port,
    metricsUrl: metricsServer?.url,
    engine,
    metrics,
    evaluation: pool,
    reload: () => manager.load(),
    close: () =>
      (closing ??= (async () => {
        await manager.close();
        // New calls are refused from here; those in flight finish.
        const shutdown = new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 5_000);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        // Calls waiting for a worker get a bounded time, then a deny: never decided twice.
        await pool?.drain(POOL_DRAIN_MS);
        await shutdown;
        tls.close();
        await metricsServer?.close();
        await decisionLog.close();
      })()),
  };
}
