import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Logger } from 'pino';
import type { PolicyCompiler } from '../engine/index.js';
import type { JwtVerifierOptions } from '../identity/index.js';
import { ServiceError } from './service-error.js';

/** Limits that turn malformed or oversized requests into INVALID_ARGUMENT / RESOURCE_EXHAUSTED. */
export interface RequestLimits {
  /** Largest request message, in bytes (default 1 MiB; larger → RESOURCE_EXHAUSTED). */
  maxMessageBytes: number;
  /** Most checks in one CheckBatch (default 100; more → RESOURCE_EXHAUSTED). */
  maxBatchChecks: number;
  /** Longest action, service or header name (default 256). */
  maxNameLength: number;
  /** Longest path, SPIFFE ID or attribute value (default 8 KiB). */
  maxValueLength: number;
  /** Longest subject token (default 16 KiB). */
  maxTokenLength: number;
  /** Most resource attributes or HTTP headers (default 256). */
  maxEntries: number;
  /** Deepest nesting of `context` (default 32). */
  maxDepth: number;
}

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
}

/** `warden serve` configuration: every flag of the CLI, plus what tests and embedders inject. */
export interface ServeConfig {
  /** Policy directory in OPA's bundle layout (`--policies`, default `policies/`). */
  policies?: string;
  /** OPA bundle file (`--bundle`); wins over `policies`. */
  bundle?: string;
  /** `HOST:PORT` to serve gRPC on (`--listen`, default `127.0.0.1:9191`; port 0 for an ephemeral one). */
  listen?: string;
  /** Server certificate, its key, and the CA that client certificates must chain to (PEM files). */
  tls: {
    cert: string;
    key: string;
    clientCa: string;
    /** How often the files are re-read so rotated certificates apply without restart (default 60 s). */
    refreshIntervalMs?: number;
  };
  /** Service-account JWT verification (`--jwks`, `--jwt-issuer`, `--jwt-audience`); without it tokens are rejected. */
  jwt?: JwtVerifierOptions;
  /** Decision entrypoint (`--decision`, default `warden/authz/decision`). */
  decision?: string;
  /** Entrypoint for Envoy checks (`--envoy-decision`, default: `decision`). */
  envoyDecision?: string;
  /** Metrics endpoint `HOST:PORT` (`--metrics`, default `127.0.0.1:9464`), or `false` for none. */
  metrics?: string | false;
  /** Decision log file (`--decision-log`); default stdout; `false` for none. */
  decisionLog?: string | false | NodeJS.WritableStream;
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
  /** Evaluation budget and pool size (defaults in {@link EvaluationConfig}). */
  evaluation?: EvaluationConfig;
  /** Watch the policy source and reload on change (default true). */
  watch?: boolean;
  /** Request limits (defaults in {@link RequestLimits}). */
  limits?: Partial<RequestLimits>;
  /** Compiles Rego; `compile` from `src/rego` in production. */
  compiler?: PolicyCompiler;
  /** Operational log (reloads, errors); default pino at `info` on stderr. */
  logger?: Logger;
}

/** Defaults of {@link ServeConfig}. */
export const SERVE_DEFAULTS = {
  policies: 'policies',
  listen: '127.0.0.1:9191',
  decision: 'warden/authz/decision',
  metrics: '127.0.0.1:9464',
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
};

const KEYS = new Set(['policies', 'bundle', 'listen', 'tls', 'jwt', 'decision', 'envoyDecision', 'metrics', 'decisionLog', 'redactPaths', 'cache', 'checkWorker', 'evaluation', 'watch', 'limits']);

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
  return parsed as Partial<ServeConfig>;
}
