import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Logger } from 'pino';
import type { PolicyCompiler } from '../engine/index.js';
import type { JwtVerifierOptions } from '../identity/index.js';
import type { BundleVerificationOptions } from '../bundle/index.js';
import { EVALUATION_DEFAULTS } from './check-worker/evaluation-pool.js';
import type { ProtectionCheck } from './check-route/protection-stage.js';
import { parseCredentialRules } from '../credentials/credential-rules.js';
import { ServiceError } from './errors.js';
import { hostNames, httpSettings, type HttpServeConfig } from './http/http-config.js';
import { opaApiAdmins, opaApiEntrypoints, type OpaApiServeConfig } from './http/opa-config.js';
import { parseProtectionConfig, PROTECTION_KEYS, type ProtectionConfigInput } from '../protection/protection-config.js';
import { parseDuration } from '../protection/duration.js';
import { parseRedisConfig, type RedisConfigInput, type RedisSettings } from '../protection/redis-config.js';
import { parseRotationSchedule, ROTATION_DEFAULTS, type RotationSchedule } from '../audit/rotation-schedule.js';
import { checkLogServiceConfig, type LogServiceConfig, type LogServiceSettings } from '../audit/log-service-config.js';
import { resolveTlsFilesBeside } from '../outbound/outbound-tls.js';
import { instanceLabels } from '../audit/instance-labels.js';
import { bundleServiceSettings, resolveBundleServicePaths, type BundleServiceServeConfig } from './bundle-service-settings.js';
import { parseShadowConfig, type ShadowConfig } from '../shadow/shadow-source.js';
import type { ConsoleConfig } from '../console/console-config.js';

/**
 * Limits that turn malformed or oversized requests into INVALID_ARGUMENT / RESOURCE_EXHAUSTED (the
 * Warden API), or into a denying `CheckResponse` with an HTTP 4xx (the Envoy API).
 */
export interface RequestLimits {
  /** Largest request message, in bytes (default 1 MiB; larger → RESOURCE_EXHAUSTED). */
  maxMessageBytes: number;
  /** Most checks in one CheckBatch (default 100; more → RESOURCE_EXHAUSTED). */
  maxBatchChecks: number;
  /** Longest action, service, HTTP method, host or header name (default 256). */
  maxNameLength: number;
  /** Longest path, SPIFFE ID, attribute value or HTTP header value (default 8 KiB). */
  maxValueLength: number;
  /** Longest subject token (default 16 KiB). */
  maxTokenLength: number;
  /** Most resource attributes or HTTP headers (default 256). */
  maxEntries: number;
  /** Deepest nesting of `context` and of an Envoy check's JSON body (default 32). */
  maxDepth: number;
  /**
   * Largest HTTP body of an Envoy check, in bytes (default 512 KiB; larger → denied with HTTP 413).
   * Kept below `maxMessageBytes`, so a check carrying a body just over it still arrives to be
   * denied: a message over `maxMessageBytes` is refused by gRPC itself (RESOURCE_EXHAUSTED).
   */
  maxBodyBytes: number;
  /** The HTTP listener: largest request head (request line and headers), in bytes (default 16 KiB; larger → 431). */
  maxHeaderBytes: number;
  /**
   * The HTTP listener: longest time to receive a request, and to decide it (default 10 s); a
   * request not received in time is answered 408, one not decided in time 403.
   */
  requestTimeoutMs: number;
  /** A connection that has not finished its TLS handshake by then is closed (default 10 s). */
  handshakeTimeoutMs: number;
  /** Most open TCP connections, handshaking or not; more are closed at once (default 10,000). */
  maxConnections: number;
  /** A connection is sent GOAWAY after this long, ±10% (default 30 min), so none lives for ever. */
  maxConnectionAgeMs: number;
  /** Time calls in flight get after that GOAWAY before the connection is closed (default 30 s). */
  maxConnectionAgeGraceMs: number;
  /**
   * Most calls in flight on one gRPC connection (HTTP/2 `SETTINGS_MAX_CONCURRENT_STREAMS`, default
   * 1,000): clients queue or open another connection past it, and a client that opens more anyway
   * has them refused, so one caller cannot hold unbounded calls and their buffers on one connection.
   */
  maxConcurrentStreams: number;
}

/** How Envoy checks are answered. */
export interface EnvoyOptions {
  /**
   * Put the decision's reasons in the denied response's body and in `status.message`
   * (`--envoy-expose-reasons`). Default false: the downstream client gets a generic body naming
   * the decision id, and the reasons stay in the decision log.
   */
  exposeReasons?: boolean;
}

/** TLS versions Warden can be told to accept at the least. */
export type TlsMinVersion = 'TLSv1.3' | 'TLSv1.2';

/** How long evaluations may take, and how many threads evaluate. */
export interface EvaluationConfig {
  /**
   * Longest a decision may wait for and run its evaluation, in ms (default 100): past it the
   * decision is a deny, "evaluation budget exceeded", and the worker running it is replaced.
   */
  budgetMs?: number;
  /** Worker threads that evaluate (default 2). */
  workers?: number;
  /** Workers kept loaded and idle to replace one stopped for its budget at once (default 1). */
  spares?: number;
  /**
   * Decide cache misses on the serving thread first, each within a slice of work, when the policy
   * allows it (default true; see InlineEvaluator): the workers then take only what outlasts a slice.
   */
  inline?: boolean;
}

/** `warden serve` configuration: every flag of the CLI, plus what tests and embedders inject. */
export interface ServeConfig extends ProtectionConfigInput, HttpServeConfig, OpaApiServeConfig, BundleServiceServeConfig {
  /** Policy directory in OPA's bundle layout (`--policies`, default `policies/`). */
  policies?: string;
  /** OPA bundle file (`--bundle`); wins over `policies`. */
  bundle?: string;
  /**
   * Serve only bundles signed with this key (`--verification-key`, `--verification-key-id`):
   * unsigned bundles, files that do not match the signature and other keys' signatures are refused.
   */
  bundleVerification?: BundleVerificationOptions;
  /** `HOST:PORT` to serve gRPC on (`--listen`, default `127.0.0.1:9191`; port 0 for an ephemeral one). */
  listen?: string;
  /** Server certificate, its key, and the CA that client certificates must chain to (PEM files). */
  tls: {
    cert: string;
    key: string;
    clientCa: string;
    /** How often the files are re-read so rotated certificates apply without restart (default 60 s). */
    refreshIntervalMs?: number;
    /** Oldest TLS version accepted (default `TLSv1.3`); `TLSv1.2` allows 1.2 with ECDHE AEAD suites only. */
    minVersion?: TlsMinVersion;
  };
  /** Service-account JWT verification (`--jwks`, `--jwt-issuer`, `--jwt-audience`); without it tokens are rejected. */
  jwt?: JwtVerifierOptions;
  /** Decision entrypoint (`--decision`, default `warden/authz/decision`). */
  decision?: string;
  /** Entrypoint for Envoy checks (`--envoy-decision`, default: `decision`). */
  envoyDecision?: string;
  /** Metrics endpoint `HOST:PORT` (`--metrics`, default `127.0.0.1:9464`), or `false` for none. */
  metrics?: string | false;
  /** Host names, besides its address, that requests to the metrics endpoint may carry in `Host` (DNS rebinding check). */
  metricsHosts?: string[];
  /** Decision log file (`--decision-log`); default stdout; `false` for none. */
  decisionLog?: string | false | NodeJS.WritableStream;
  /**
   * When a decision log file is rotated (stdout never is): `daily` (default) or `hourly`, at UTC
   * boundaries, or `size:<number><unit>` with KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers
   * of 1024), such as `size:100MB`. The live file keeps its name; rotated files are named
   * `<file>.<UTC time it was closed>` beside it (docs/credentials.md).
   */
  decisionLogRotate?: string;
  /**
   * How long rotated decision log files are kept (default `7d`): a duration as elsewhere in the
   * config (`12h`, `30d`), but always with its unit. Older ones are deleted at start, after each
   * rotation and at least hourly; only files named as this log's rotations are ever deleted.
   */
  decisionLogRetention?: string;
  /**
   * A decision-log service to ship records to as well, as OPA does: gzipped batches POSTed to
   * `<url>/logs` (docs/operating.md). The local decision log keeps working beside it.
   */
  decisionLogService?: LogServiceConfig;
  /** Labels of this instance on every shipped decision event, as OPA's `labels` (`id` defaults to a fresh UUID at each start). */
  labels?: Record<string, string>;
  /**
   * Countermeasure state shared by a fleet in Redis (`--redis`): `redis://HOST:PORT`, or
   * `{url, password?, tls?: {caFile, certFile, keyFile}, keyPrefix?, budgetMs?}` (docs/fleet.md).
   */
  redis?: RedisConfigInput;
  /** Extra dotted paths to redact from decision logs. */
  redactPaths?: string[];
  /** Decision cache size and lifetime. */
  cache?: { maxEntries?: number; ttlMs?: number; maxBytes?: number };
  /**
   * Evaluate policy on the evaluation pool's worker threads, off the thread that answers every call
   * (default true). False evaluates on the serving thread: the budget is then judged only after an
   * evaluation ends (it cannot be interrupted there), and a runaway holds up every other call.
   */
  checkWorker?: boolean;
  /**
   * Longest a stop waits for calls in flight before cancelling them (default 5 s); every other
   * step of a stop is bounded too, so a stop never hangs.
   */
  shutdownTimeoutMs?: number;
  /** Evaluation budget and pool size (defaults in {@link EvaluationConfig}). */
  evaluation?: EvaluationConfig;
  /** Watch the policy source and reload on change (default true). */
  watch?: boolean;
  /** How often the watched policy source is fingerprinted, in ms (default 1000): the bound on how late a change is seen. */
  policyPollIntervalMs?: number;
  /**
   * How long the watched policy source may stay gone or unreadable before health turns NOT_SERVING,
   * in ms (default 30000; `false`: never). The last good revision keeps answering either way.
   */
  policySourceGraceMs?: number | false;
  /** Request limits (defaults in {@link RequestLimits}). */
  limits?: Partial<RequestLimits>;
  /** How Envoy checks are answered (see {@link EnvoyOptions}). */
  envoy?: EnvoyOptions;
  /** Compiles Rego; `compile` from `src/rego` in production. */
  compiler?: PolicyCompiler;
  /**
   * Checks every check goes through before the cache, in order (see protectionStage): the first
   * reason given denies it, and a check that throws denies it too. None by default.
   */
  protection?: readonly ProtectionCheck[];
  /** Operational log (reloads, errors); default pino at `info` on stderr. */
  logger?: Logger;
  /**
   * How old and how long-lived credentials may be (`maxCertificateAge`, `maxCertificateLifetime`,
   * `maxTokenAge`, `maxApiKeyAge`, `expiryWarning`; see docs/credentials.md), as written in the file.
   */
  credentials?: unknown;
  /** The API key store file (`warden keys … --store FILE`); re-read when it changes. Without it, API keys are refused. */
  apiKeys?: string;
  /**
   * A candidate revision evaluated beside the live one, after each answer (`--shadow DIR|FILE`,
   * `shadow: {source, sample}`); its disagreements are logged and counted (docs/replay-and-advise.md).
   */
  shadow?: ShadowConfig;
  /** The web console (`--console HOST:PORT`, `console: {listen, admins, hosts, sessionIdleMinutes, sessionMaxHours}`; docs/console.md). */
  console?: ConsoleConfig | string;
  /** Development mode (`--dev`): the console prints a one-time login link at start. */
  devLogin?: boolean;
}

/** Defaults of {@link ServeConfig}. */
export const SERVE_DEFAULTS = {
  policies: 'policies',
  listen: '127.0.0.1:9191',
  decision: 'warden/authz/decision',
  metrics: '127.0.0.1:9464',
  shutdownTimeoutMs: 5_000,
} as const;

/** Defaults of {@link RequestLimits}. */
export const DEFAULT_LIMITS: RequestLimits = {
  maxMessageBytes: 1024 * 1024,
  maxBatchChecks: 100,
  maxNameLength: 256,
  maxValueLength: 8192,
  maxTokenLength: 16384,
  maxEntries: 256,
  maxDepth: 32,
  maxBodyBytes: 512 * 1024,
  maxHeaderBytes: 16 * 1024,
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  maxConnections: 10_000,
  maxConnectionAgeMs: 30 * 60_000,
  maxConnectionAgeGraceMs: 30_000,
  maxConcurrentStreams: 1000,
};

/**
 * Checks the connection limits of {@link RequestLimits}: each must be a positive number (a zero
 * handshake timeout or connection age would mean "none" or "at once" to the layers below).
 *
 * @throws ServiceError `invalid_config` naming the first bad limit
 */
export function checkConnectionLimits(limits: RequestLimits): void {
  for (const key of ['handshakeTimeoutMs', 'maxConnections', 'maxConnectionAgeMs', 'maxConnectionAgeGraceMs', 'maxHeaderBytes', 'requestTimeoutMs', 'maxConcurrentStreams'] as const) {
    const value = limits[key];
    const integer = key === 'maxConnections' || key === 'maxHeaderBytes' || key === 'maxConcurrentStreams';
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new ServiceError('invalid_config', `limits.${key} must be a positive ${integer ? 'integer' : 'number of milliseconds'}, not ${JSON.stringify(value)}`);
    }
  }
}

/**
 * The evaluation budget and pool size of `config`, with defaults, checked.
 *
 * @throws ServiceError `invalid_config` naming the first bad setting
 */
export function evaluationSettings(config: ServeConfig): { budgetMs: number; workers: number; spares: number; inline: boolean } {
  const { budgetMs = EVALUATION_DEFAULTS.budgetMs, workers = EVALUATION_DEFAULTS.workers, spares = EVALUATION_DEFAULTS.spares, inline = true } = config.evaluation ?? {};
  if (typeof budgetMs !== 'number' || !(budgetMs > 0) || !Number.isFinite(budgetMs)) throw new ServiceError('invalid_config', `evaluation.budgetMs must be a positive number of milliseconds, got ${String(budgetMs)}`);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new ServiceError('invalid_config', `evaluation.workers must be an integer from 1 to 64, got ${String(workers)}`);
  if (!Number.isInteger(spares) || spares < 0 || spares > 8) throw new ServiceError('invalid_config', `evaluation.spares must be an integer from 0 to 8, got ${String(spares)}`);
  if (typeof inline !== 'boolean') throw new ServiceError('invalid_config', `evaluation.inline must be true or false, got ${String(inline)}`);
  return { budgetMs, workers, spares, inline };
}

/** How a decision log file is rotated and how long its rotated files are kept (see `RotatingFile`). */
export interface DecisionLogRotation {
  schedule: RotationSchedule;
  retentionMs: number;
}

/**
 * The decision log's rotation and retention of `config`, with defaults, checked.
 *
 * @throws ServiceError `invalid_config` naming the key and its bad value
 */
export function decisionLogRotation(config: Pick<ServeConfig, 'decisionLogRotate' | 'decisionLogRetention'>): DecisionLogRotation {
  const retention: unknown = config.decisionLogRetention ?? ROTATION_DEFAULTS.retention;
  // Elsewhere a bare number is milliseconds; here `7` would delete every rotated file at once.
  if (typeof retention !== 'string') {
    throw new ServiceError('invalid_config', `decisionLogRetention must be a duration with a unit, such as 12h or 7d (a bare number would be milliseconds), not ${JSON.stringify(retention)}`);
  }
  try {
    return {
      schedule: parseRotationSchedule(config.decisionLogRotate ?? ROTATION_DEFAULTS.rotate, 'decisionLogRotate'),
      retentionMs: parseDuration(retention, 'decisionLogRetention'),
    };
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}

/**
 * The checked `decisionLogService` of `config`, with defaults, or `undefined` when none is set.
 *
 * @throws ServiceError `invalid_config` naming the field and what is wrong with it
 */
export function decisionLogService(config: Pick<ServeConfig, 'decisionLogService'>): LogServiceSettings | undefined {
  if (config.decisionLogService === undefined) return undefined;
  try {
    return checkLogServiceConfig(config.decisionLogService);
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}

/**
 * The checked `redis` of `config`, with defaults and its TLS files read, or `undefined` when none is set.
 *
 * @throws ServiceError `invalid_config` naming the field and what is wrong with it
 */
export function redisSettings(config: Pick<ServeConfig, 'redis'>): RedisSettings | undefined {
  try {
    return parseRedisConfig(config.redis);
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}

const KEYS = new Set([
  'policies',
  'bundle',
  'bundleVerification',
  'bundleService',
  'bundleCacheDir',
  'listen',
  'tls',
  'jwt',
  'decision',
  'envoyDecision',
  'metrics',
  'metricsHosts',
  'decisionLog',
  'decisionLogRotate',
  'decisionLogRetention',
  'decisionLogService',
  'labels',
  'redactPaths',
  'cache',
  'checkWorker',
  'evaluation',
  'watch',
  'policyPollIntervalMs',
  'policySourceGraceMs',
  'limits',
  'shutdownTimeoutMs',
  'envoy',
  'credentials',
  'apiKeys',
  'http',
  'httpPlaintext',
  'hosts',
  'opaApi',
  'redis',
  'shadow',
  'console',
  ...PROTECTION_KEYS,
]);

/**
 * Reads a `--config` file (JSON or YAML) holding {@link ServeConfig} fields; flags given on the
 * command line should be merged over it by the caller.
 *
 * @example
 * const config = { ...readServeConfigFile('warden.yaml'), ...flags, compiler };
 * @throws ServiceError `invalid_config`
 */
export function readServeConfigFile(file: string): Partial<ServeConfig> {
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ServiceError('invalid_config', `cannot read config ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ServiceError('invalid_config', `config ${file} must hold an object`);
  const unknown = Object.keys(parsed).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) throw new ServiceError('invalid_config', `config ${file}: unknown keys ${unknown.join(', ')}`);
  const config = parsed as Partial<ServeConfig>;
  // A deny-list file is found beside the config that names it, wherever the server was started.
  if (typeof config.ipDenyFile === 'string' && !isAbsolute(config.ipDenyFile)) config.ipDenyFile = resolve(dirname(file), config.ipDenyFile);
  if (config.apiKeys !== undefined && (typeof config.apiKeys !== 'string' || config.apiKeys === '')) throw new ServiceError('invalid_config', `config ${file}: apiKeys must be the path of an API key store file`);
  if (typeof config.apiKeys === 'string' && !isAbsolute(config.apiKeys)) config.apiKeys = resolve(dirname(file), config.apiKeys);
  if (config.bundleVerification !== undefined) config.bundleVerification = bundleVerificationSettings(config.bundleVerification, file);
  resolveBundleServicePaths(config, file);
  resolveTlsFilesBeside((config.decisionLogService as { tls?: unknown } | undefined)?.tls, file);
  if (typeof config.redis === 'object' && config.redis !== null) resolveTlsFilesBeside((config.redis as { tls?: unknown }).tls, file);
  try {
    // The file may leave the URL (and with it, bundleCacheDir's need) to --bundle-url: the start checks the merged settings.
    if ((config.bundleService as { url?: unknown } | undefined)?.url !== undefined) bundleServiceSettings(config);
    parseProtectionConfig(config);
    parseCredentialRules(config.credentials);
    httpSettings(config);
    hostNames(config.metricsHosts, 'metricsHosts');
    opaApiEntrypoints(config);
    opaApiAdmins(config);
    decisionLogRotation(config);
    decisionLogService(config);
    instanceLabels(config.labels);
    redisSettings(config);
    if (config.shadow !== undefined) config.shadow = shadowBeside(parseShadowConfig(config.shadow), file);
  } catch (e) {
    throw new ServiceError('invalid_config', `config ${file}: ${(e as Error).message}`, { cause: e });
  }
  return config;
}

/** A relative shadow source is found beside the config file that names it. */
function shadowBeside(shadow: Required<ShadowConfig>, file: string): Required<ShadowConfig> {
  return isAbsolute(shadow.source) ? shadow : { ...shadow, source: resolve(dirname(file), shadow.source) };
}

/**
 * The config file's `bundleVerification`, checked, with a relative `keyFile` found beside the config.
 *
 * @throws ServiceError `invalid_config` naming the bad field
 */
export function bundleVerificationSettings(value: unknown, file: string): BundleVerificationOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServiceError('invalid_config', `config ${file}: bundleVerification must be an object {keyFile, keyId?, scope?}`);
  const { keyFile, keyId, scope, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ServiceError('invalid_config', `config ${file}: bundleVerification: unknown keys ${unknown.join(', ')}`);
  if (typeof keyFile !== 'string' || keyFile === '') throw new ServiceError('invalid_config', `config ${file}: bundleVerification.keyFile must be the path of a key file`);
  for (const [name, v] of [['keyId', keyId], ['scope', scope]] as const) {
    if (v !== undefined && typeof v !== 'string') throw new ServiceError('invalid_config', `config ${file}: bundleVerification.${name} must be a string`);
  }
  return {
    keyFile: isAbsolute(keyFile) ? keyFile : resolve(dirname(file), keyFile),
    ...(keyId !== undefined ? { keyId: keyId as string } : {}),
    ...(scope !== undefined ? { scope: scope as string } : {}),
  };
}
