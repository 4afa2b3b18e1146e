import { listenPreflight } from './listen-preflight.js';
import { parseCredentialRules } from '../credentials/credential-rules.js';
import { credentialSetup, type CredentialSetup } from './credential-setup.js';
import { Server, type ServerOptions } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { pino, type Logger } from 'pino';
import { instanceLabels, type InstanceLabels } from '../audit/instance-labels.js';
import { DecisionLog, LogShipper, OffThreadDecisionLog, splitHostPort, startMetricsServer, teeSinks, WardenMetrics, type MetricsServer } from '../audit/index.js';
import { Engine, PolicyManager, type PolicyRevision, type ReloadResult, type SourceEvent } from '../engine/index.js';
import { JwtVerifier } from '../identity/index.js';
import { Countermeasures } from '../protection/countermeasures.js';
import { parseProtectionConfig } from '../protection/protection-config.js';
import { authorizerService } from './authorizer-service.js';
import { checkConnectionLimits, decisionLogRotation, decisionLogService, DEFAULT_LIMITS, evaluationSettings, redisSettings, SERVE_DEFAULTS, type RequestLimits, type ServeConfig } from './config.js';
import { EvaluationPool } from './check-worker/evaluation-pool.js';
import { InlineEvaluator } from './check-worker/inline-evaluator.js';
import { envoyAuthorizationService } from './envoy-service.js';
import { CheckPipeline } from './check-route/check-pipeline.js';
import { loadPackageDefinition, rawRequestService } from './protos.js';
import { Lifecycle, RELEASE_STEP_MS } from './lifecycle.js';
import { ServiceError } from './errors.js';
import { guardConnections } from './connection-guard.js';
import { mtlsCredentials } from './tls.js';
import { CREDENTIAL_READERS } from './http/credential-readers.js';
import { forwardAuthRoute } from './http/forward-auth-route.js';
import { hostNames, httpSettings } from './http/http-config.js';
import { hostCheck } from './http/host-check.js';
import { startHttpListener, type HttpListener } from './http/http-listener.js';
import { opaApiAdmins, opaApiEntrypoints } from './http/opa-config.js';
import { opaDataWriteRoute } from './http/opa-data-write-route.js';
import { DataWriter } from './data-writer.js';
import { opaDataRoutes } from './http/opa-data-route.js';
import { opaHealthRoute } from './http/opa-health-route.js';
import { opaPoliciesRoute } from './http/opa-policies-route.js';
import { bundleServiceSettings } from './bundle-service-settings.js';
import { BundleServiceSource } from './bundle-service-source.js';
import { shadowSetup } from './shadow-setup.js';
import type { ShadowEvaluator } from '../shadow/shadow-evaluator.js';
import { statusReport } from './status-report.js';
import { consoleSettings, type ConsoleSettings } from '../console/console-config.js';
import { DecisionFeed } from '../console/decision-feed.js';
import { startConsole } from '../console/console-setup.js';
import type { ConsoleServer } from '../console/console-server.js';

/** A running Warden service. */
export interface WardenServer {
  /** `host:port` the gRPC server listens on. */
  readonly address: string;
  readonly port: number;
  /** `host:port` of the HTTP listener (forward auth for proxies, OPA's REST API), when `http` is set. */
  readonly httpAddress: string | undefined;
  /** The metrics scrape URL, when metrics are served. */
  readonly metricsUrl: string | undefined;
  /** `https://host:port` of the web console, when `console` is set. */
  readonly consoleUrl: string | undefined;
  /** The console's one-time login link (`--dev` only). */
  readonly consoleLoginLink: string | undefined;
  readonly engine: Engine;
  readonly metrics: WardenMetrics;
  /** Longest a stop waits for calls in flight (`shutdownTimeoutMs`). */
  readonly shutdownTimeoutMs: number;
  /** The workers that evaluate policy, unless the serving thread does (`checkWorker: false`). */
  readonly evaluation: EvaluationPool | undefined;
  /** Reloads the policy now (the watcher does this on change). */
  reload(): Promise<ReloadResult>;
  /**
   * Applies the countermeasure keys of a reloaded config file (rate limits, deny lists, bans,
   * alerts), keeping their state; a config that is not usable leaves the one in force.
   *
   * @throws ServiceError `invalid_config` saying what is wrong
   */
  reconfigure(config: Partial<ServeConfig>): void;
  /** The countermeasures in force (see docs/protection.md). */
  readonly countermeasures: Countermeasures;
  /** The candidate evaluated beside the live revision (`--shadow`): its counts and recent disagreements in `view()`. */
  readonly shadow: ShadowEvaluator | undefined;
  /**
   * Re-reads the TLS files now (a timer does this every `tls.refreshIntervalMs`) and reloads the
   * policy and the shadow candidate (`--shadow`): what `warden serve` does on SIGHUP.
   */
  reloadAll(): Promise<ReloadResult>;
  /**
   * Stops accepting calls, lets those in flight finish (for at most `shutdownTimeoutMs`), and
   * releases everything, each step bounded in time. Idempotent.
   */
  close(): Promise<void>;
}

/** Longest stop waits for decisions in flight in the pool. */
const POOL_DRAIN_MS = 1_000;

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

/** Logs and counts what the policy watcher saw; health is the caller's. */
function recordSourceEvent(logger: Logger, metrics: WardenMetrics, event: SourceEvent): void {
  switch (event.kind) {
    case 'checked':
      metrics.recordSourceCheck(event.healthy, event.at);
      return;
    case 'unreadable':
      metrics.recordWatchFailure('source_unreadable');
      logger.error({ code: event.error.code }, `policy source unreadable, last good revision keeps serving: ${event.error.message}`);
      return;
    case 'stale':
      logger.error({ code: event.error.code, down_ms: event.downMs }, `policy source unreadable for ${Math.round(event.downMs / 1000)} s: health is NOT_SERVING until it returns`);
      return;
    case 'restored':
      logger.info({ down_ms: event.downMs }, 'policy source readable again');
      return;
    case 'watch_failed':
      metrics.recordWatchFailure('watch_error');
      logger.warn({ path: event.path }, `cannot watch policy folder, polling continues: ${event.error.message}`);
  }
}

/** The grpc-js server options Warden serves with (the bench's echo server takes the same). */
export function grpcServerOptions(limits: RequestLimits): ServerOptions {
  // Warden serves no channelz service: tracking every call for one would be work for nothing.
  return {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.enable_channelz': 0,
    'grpc.max_connection_age_ms': limits.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs,
    'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
  };
}

/** A start that cannot serve: what was wrong, for the operator (exit non-zero with it). */
function refuse(message: string, cause?: unknown): ServiceError {
  return new ServiceError('invalid_config', message, { cause });
}

/**
 * Starts `warden serve`: loads the policy, then serves `warden.authz.v1.Authorizer`,
 * `envoy.service.auth.v3.Authorization`, `grpc.health.v1.Health` and server reflection on one mTLS
 * port, the metrics endpoint, and the decision log; the policy is watched and reloaded on change.
 * It refuses to start — releasing whatever it had started — when it cannot listen, when the policy
 * cannot be loaded (missing directory or bundle, compile errors, a decision entrypoint the policy
 * lacks) or the configuration is wrong: a server that is up always has a revision to decide with.
 * Later reload failures keep the last good revision serving; a watched source that stays gone or
 * unreadable for longer than `policySourceGraceMs` turns health NOT_SERVING (the last good revision
 * still answers) until it is readable again.
 *
 * @example
 * const server = await startServer({ listen: '127.0.0.1:0', tls: { cert, key, clientCa }, compiler });
 * console.log(server.address);
 * await server.close();
 * @throws ServiceError `invalid_config` for unreadable TLS files, a bad or busy listen address,
 *   JWT settings, or a policy that cannot be served
 */
export async function startServer(config: ServeConfig): Promise<WardenServer> {
  const logger = config.logger ?? pino({ level: 'info' }, pino.destination(2));
  const lifecycle = new Lifecycle(logger);
  try {
    return await start(config, logger, lifecycle);
  } catch (e) {
    await lifecycle.release();
    throw e instanceof ServiceError ? e : refuse((e as Error).message ?? String(e), e);
  }
}

async function start(config: ServeConfig, logger: Logger, lifecycle: Lifecycle): Promise<WardenServer> {
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...config.limits };
  checkConnectionLimits(limits);
  const { budgetMs, workers, spares, inline } = evaluationSettings(config);
  const rotation = decisionLogRotation(config);
  const logService = decisionLogService(config);
  const decision = config.decision ?? SERVE_DEFAULTS.decision;
  const envoyDecision = config.envoyDecision ?? decision;
  const listen = config.listen ?? SERVE_DEFAULTS.listen;
  const shutdownMs = config.shutdownTimeoutMs ?? SERVE_DEFAULTS.shutdownTimeoutMs;
  let http: ReturnType<typeof httpSettings>;
  let metricsHosts: string[];
  let opaEntrypoints: string[];
  let admins: string[];
  let labels: InstanceLabels;
  let bundleService: ReturnType<typeof bundleServiceSettings>;
  let consoleSetup: ConsoleSettings | undefined;
  try {
    consoleSetup = config.console === undefined ? undefined : consoleSettings(config.console, { devLogin: config.devLogin === true });
    labels = instanceLabels(config.labels);
    http = httpSettings(config);
    metricsHosts = hostNames(config.metricsHosts, 'metricsHosts');
    opaEntrypoints = opaApiEntrypoints(config);
    admins = opaApiAdmins(config);
    bundleService = bundleServiceSettings(config);
  } catch (e) {
    throw refuse((e as Error).message, e);
  }

  // Ports that cannot be had fail the start at once, before the policy is compiled and threads start.
  const metricsListen = config.metrics ?? SERVE_DEFAULTS.metrics;
  const ports: Array<[string | false | undefined, string]> = [
    [listen, `cannot listen on ${listen}`],
    [http?.listen, `cannot listen for HTTP on ${http?.listen}`],
    [metricsListen, `cannot serve metrics on ${metricsListen}`],
    [consoleSetup?.listen, `cannot serve the console on ${consoleSetup?.listen}`],
  ];
  for (const [address, refusal] of ports) {
    if (typeof address !== 'string') continue;
    await listenPreflight(address).catch((e: Error) => {
      throw refuse(`${refusal}: ${e.message}`, e);
    });
  }

  // Settings are checked before anything starts (the TLS watcher's timer would outlive a throw).
  let jwt: JwtVerifier | undefined;
  if (config.jwt) {
    try {
      jwt = new JwtVerifier(config.jwt);
    } catch (e) {
      throw refuse((e as Error).message, e);
    }
  }
  const metrics = new WardenMetrics();
  let countermeasures: Countermeasures;
  try {
    const redis = redisSettings(config);
    countermeasures = new Countermeasures(parseProtectionConfig(config), { logger, metrics: metrics.protection, ...(redis ? { redis } : {}) });
  } catch (e) {
    throw refuse((e as Error).message, e);
  }
  lifecycle.hold('countermeasures', () => countermeasures.close());
  let credentialParts: CredentialSetup;
  try {
    credentialParts = credentialSetup(config, { logger, metrics, countermeasures });
  } catch (e) {
    throw refuse((e as Error).message, e);
  }
  const { credentials } = credentialParts;
  lifecycle.hold('API key store watcher', () => credentialParts.close());
  const tls = mtlsCredentials(config.tls, { handshakeTimeoutMs: limits.handshakeTimeoutMs, logger, metrics });
  lifecycle.hold('TLS certificate watcher', () => tls.close());
  // Keys can still arrive later (first token, or unknown kid), so a missing JWKS only warns.
  await jwt?.start().catch((e: Error) => logger.warn({ jwks: config.jwt!.jwks }, `JWKS not loaded yet: ${e.message}`));

  // stdout and files are written by a worker thread; streams (embedders, tests) stay in-process.
  const destination = config.decisionLog ?? 'stdout';
  const localLog =
    typeof destination === 'string'
      ? new OffThreadDecisionLog({ destination, redactPaths: config.redactPaths, metrics, logger, rotation })
      : new DecisionLog({ destination, redactPaths: config.redactPaths, metrics, logger });
  const rotationAsked = config.decisionLogRotate !== undefined || config.decisionLogRetention !== undefined;
  if (rotationAsked && (typeof destination !== 'string' || destination === 'stdout')) {
    logger.warn('decisionLogRotate and decisionLogRetention apply to a decision log file only: this decision log is not rotated');
  }
  lifecycle.hold('decision log', () => localLog.close());
  // The service's close waits up to 5 s for the collector: its release step is given a little more.
  const shipper = logService && new LogShipper({ ...logService, labels, redactPaths: config.redactPaths, decisionPath: decision, metrics, logger });
  if (shipper) lifecycle.hold('decision-log service', () => shipper.close(), 6_000);
  // The console sees the records the decision log writes, redacted the same way.
  const feed = consoleSetup ? new DecisionFeed({ redactPaths: config.redactPaths }) : undefined;
  const decisionLog = shipper || feed ? teeSinks(...[localLog, shipper, feed].filter((s) => s !== undefined)) : localLog;
  const engine = new Engine(config.cache, { budgetMs });
  const pool =
    config.checkWorker === false
      ? undefined
      : new EvaluationPool({ cache: config.cache ?? {}, limits, decision, budgetMs, workers, spares, onProblem: (message) => logger.warn(message), onBudgetExceeded: (stage) => metrics.recordBudgetExceeded(stage) });
  const inlineEvaluator =
    pool && inline
      ? new InlineEvaluator({
          budgetMs,
          onDecided: () => metrics.recordServingThreadEvaluation(),
          onSliceUsedUp: (revision) => {
            metrics.recordSliceUsedUp();
            logger.info({ revision }, 'an evaluation outlasted its slice on the serving thread: misses go to the evaluation workers for a while');
          },
        })
      : undefined;
  if (pool) lifecycle.hold('evaluation workers', () => pool.stop());
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING' as const])));

  const entrypoints = [...new Set([decision, envoyDecision, ...opaEntrypoints])];
  const dataWriter = new DataWriter({ engine, pool, logger, ...(bundleService ? { ownedBy: `the bundle service ${bundleService.settings.url}` } : {}) });
  const onReload = (result: ReloadResult): void => {
    // A first load that fails is not a reload: the start is refused with its reason instead.
    if (!result.ok && !engine.revision) return;
    logReload(logger, result);
    if (result.ok && result.changed) {
      metrics.recordReload(result.revision.id);
      if (!manager.sourceStale) setHealth('SERVING');
    } else if (!result.ok) metrics.recordReloadFailure();
  };
  // The evaluation threads load each revision beside the serving one, and take over in one step.
  const activate = (revision: PolicyRevision): Promise<PolicyRevision> => dataWriter.activate(revision);
  const manager = new PolicyManager(engine, {
    policies: config.bundle || bundleService ? undefined : (config.policies ?? SERVE_DEFAULTS.policies),
    bundle: config.bundle,
    ...(config.bundleVerification && !bundleService ? { verification: config.bundleVerification } : {}),
    entrypoints,
    compiler: config.compiler,
    // Where threads evaluate, this one never holds the data.
    instantiate: pool === undefined,
    activate,
    pollIntervalMs: config.policyPollIntervalMs,
    sourceGraceMs: config.policySourceGraceMs,
    onReload,
    onSourceEvent: (event) => {
      recordSourceEvent(logger, metrics, event);
      if (event.kind === 'stale') setHealth('NOT_SERVING');
      else if (event.kind === 'restored' && engine.revision) setHealth('SERVING');
    },
  });
  let bundleSource: BundleServiceSource | undefined;
  if (bundleService) {
    const loading = { entrypoints, compiler: config.compiler, instantiate: pool === undefined, ...(config.bundleVerification ? { verification: config.bundleVerification } : {}) };
    try {
      bundleSource = new BundleServiceSource({ ...bundleService, loading, engine, logger, metrics, onReload, deltas: dataWriter, activate });
    } catch (e) {
      throw refuse((e as Error).message, e);
    }
    const source = bundleSource;
    lifecycle.hold('bundle downloader', () => source.close());
  }
  // Only the policy manager or the bundle downloader brings revisions in (the manager watches nothing without a path).
  const policySource = bundleSource ?? manager;
  function setHealth(status: 'SERVING' | 'NOT_SERVING'): void {
    for (const s of HEALTH_SERVICES) health.setStatus(s, status);
  }
  lifecycle.hold('policy watcher', () => manager.close());
  const shadowParts = await shadowSetup(config, { entrypoints, budgetMs, metrics, logger });
  const shadow = shadowParts?.evaluator;
  if (shadowParts) {
    lifecycle.hold('shadow evaluation', async () => {
      shadowParts.evaluator.stop();
      await shadowParts.reloader.close();
    });
  }

  const server = new Server(grpcServerOptions(limits));
  const packageDefinition = loadPackageDefinition([healthProtoPath]);
  const authorizer = rawRequestService(packageDefinition, 'warden.authz.v1.Authorizer');
  const encodeCheckResponse = authorizer.Check!.responseSerialize as (response: unknown) => Buffer;
  const deps = { logger, decisionLog, metrics, trust: tls.trust, engine, jwt, limits, decision, envoyDecision, encodeCheckResponse, pool, inline: inlineEvaluator, envoy: config.envoy, protection: config.protection ?? [], countermeasures, credentials, shadow };
  // One pipeline, one list of stages, for every route to a Check answer.
  const pipeline = new CheckPipeline(deps);
  server.addService(authorizer, authorizerService(deps, pipeline));
  server.addService(rawRequestService(packageDefinition, 'envoy.service.auth.v3.Authorization'), envoyAuthorizationService(deps, pipeline));
  health.addToServer(server);
  new ReflectionService(packageDefinition).addToServer(server);
  let releaseConnections: (() => void) | undefined;
  let httpListener: HttpListener | undefined;
  // Calls in flight on both ports finish before the workers and the log go; those waiting for a
  // worker get a bounded time, then a deny: none is decided twice.
  lifecycle.hold(
    'gRPC and HTTP servers',
    async () => {
      const shutdown = Promise.all([drain(server, shutdownMs), httpListener?.close(shutdownMs)]);
      await pool?.drain(POOL_DRAIN_MS);
      await shutdown;
      releaseConnections?.();
    },
    shutdownMs + RELEASE_STEP_MS,
  );

  let port: number;
  try {
    await tls.ready;
    port = await new Promise<number>((resolve, reject) => server.bindAsync(listen, tls.credentials, (err, p) => (err ? reject(err) : resolve(p))));
  } catch (e) {
    throw refuse(`cannot listen on ${listen}: ${(e as Error).message}`, e);
  }
  releaseConnections = guardConnections(server, { maxConnections: limits.maxConnections, trust: tls.trust, metrics, logger });
  // The port is open while the first revision loads (health NOT_SERVING; a check is UNAVAILABLE, no
  // revision yet): a large data set takes seconds, and orchestrators probe health meanwhile.
  const first = await policySource.load();
  if (!first.ok) {
    const details = first.error.details.length > 0 ? `\n${first.error.details.join('\n')}` : '';
    throw refuse(`no policy to serve: ${first.error.message}${details}`, first.error);
  }
  const host = listen.slice(0, listen.lastIndexOf(':'));
  if (http) {
    const route = forwardAuthRoute({
      ...deps,
      pipeline,
      hosts: http.hosts,
      readers: CREDENTIAL_READERS,
      trust: tls.trust,
      decisionTimeoutMs: limits.requestTimeoutMs,
    });
    const opaRoutes = opaDataRoutes({ ...deps, pipeline, decisionTimeoutMs: limits.requestTimeoutMs, maxBodyBytes: limits.maxBodyBytes, maxDepth: limits.maxDepth });
    const writes = opaDataWriteRoute({ writer: dataWriter, admins, logger, maxBodyBytes: limits.maxBodyBytes, maxDepth: limits.maxDepth, protection: countermeasures.protection });
    const routes = [route, ...opaRoutes, writes, opaHealthRoute(engine), opaPoliciesRoute(engine)];
    try {
      httpListener = await startHttpListener({ listen: http.listen, routes, tls: http.plaintext ? undefined : tls, limits, logger, allowedHosts: http.allowedHosts, corsOrigins: http.corsOrigins });
    } catch (e) {
      throw refuse(`cannot listen for HTTP on ${http.listen}: ${(e as Error).message}`, e);
    }
    if (http.plaintext) logger.warn({ http: httpListener.address }, 'HTTP listener in plaintext (development only): requests are not authenticated as coming from a proxy');
  }

  let metricsServer: MetricsServer | undefined;
  if (metricsListen !== false) {
    try {
      const bundles = bundleSource;
      const status = () =>
        statusReport({
          labels,
          revision: () => engine.revision,
          ...(bundles && bundleService ? { bundleService: { url: bundleService.settings.url, lastSuccessAt: () => bundles.lastSuccessAt } } : {}),
          ...(countermeasures.sharedStateUp !== undefined ? { sharedStateUp: () => countermeasures.sharedStateUp } : {}),
          ...(shipper ? { decisionLogDrops: () => shipper.dropped } : {}),
        });
      metricsServer = await startMetricsServer(metrics.registry, metricsListen, { status, checkHost: hostCheck(splitHostPort(metricsListen).host, metricsHosts) });
    } catch (e) {
      throw refuse(`cannot serve metrics on ${metricsListen}: ${(e as Error).message}`, e);
    }
    const served = metricsServer;
    lifecycle.hold('metrics endpoint', () => served.close());
  }
  let consoleServer: ConsoleServer | undefined;
  if (consoleSetup && feed) {
    try {
      consoleServer = await startConsole({
        settings: consoleSetup,
        feed,
        tls,
        logger,
        registry: metrics.registry,
        countermeasures,
        revision: () => engine.revision,
        origin: bundleService
          ? { kind: 'bundle_service', url: bundleService.settings.url, ...(config.bundleVerification ? { verification: { keyId: config.bundleVerification.keyId } } : {}) }
          : config.bundle
            ? { kind: 'bundle', ...(config.bundleVerification ? { verification: { keyId: config.bundleVerification.keyId } } : {}) }
            : { kind: 'directory' },
        ...(config.bundle || bundleService ? {} : { policyDir: config.policies ?? SERVE_DEFAULTS.policies }),
        ...(shadow ? { shadow } : {}),
        decision,
        envoyDecision,
      });
    } catch (e) {
      throw refuse(`cannot serve the console on ${consoleSetup.listen}: ${(e as Error).message}`, e);
    }
    const served = consoleServer;
    lifecycle.hold('console', () => served.close());
  }
  if (config.watch !== false) {
    try {
      manager.watch();
      shadowParts?.reloader.watch();
    } catch (e) {
      throw refuse((e as Error).message, e);
    }
  }
  logger.info({ address: `${host}:${port}`, http: httpListener?.address, metrics: metricsServer?.url, console: consoleServer?.url, revision: engine.revision?.id ?? null, instance: labels.id }, 'warden serving');

  return {
    address: `${host}:${port}`,
    port,
    httpAddress: httpListener?.address,
    metricsUrl: metricsServer?.url,
    consoleUrl: consoleServer?.url,
    consoleLoginLink: consoleServer?.loginLink,
    engine,
    metrics,
    evaluation: pool,
    shutdownTimeoutMs: shutdownMs,
    reload: () => policySource.load(),
    countermeasures,
    shadow,
    reconfigure: (changed) => {
      try {
        const rules = parseCredentialRules(changed.credentials);
        countermeasures.reconfigure(parseProtectionConfig(changed));
        credentials.reconfigure(rules);
      } catch (e) {
        throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
      }
      logger.info('countermeasures and credential rules reconfigured');
    },
    reloadAll: async () => {
      tls.refresh();
      // The shadow candidate follows SIGHUP as the live policy does; its result is logged, not returned.
      const [live] = await Promise.all([policySource.load(), shadowParts?.reloader.reload()]);
      return live;
    },
    close: async () => {
      if (!lifecycle.stopping) logger.info({ shutdownMs }, 'warden stopping: draining calls in flight');
      await lifecycle.release();
    },
  };
}

/** Stops taking calls and lets those in flight finish, for at most `ms`; then cancels the rest. */
function drain(server: Server, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, ms);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
