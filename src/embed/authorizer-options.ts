import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DecisionCacheOptions, PolicyCompiler } from '../engine/index.js';
import type { ProtectionConfigInput } from '../protection/protection-config.js';
import type { InputLimits } from './authorize-input.js';
import type { DecisionLogOption } from './decision-sink-of.js';
import { EmbedError } from './errors.js';

/** Options of `createAuthorizer`. One of `policies` and `bundle` is required. */
export interface AuthorizerOptions {
  /** A policy directory in OPA's bundle layout (`*.rego`, `data.json` / `data.yaml`). */
  policies?: string;
  /** An OPA bundle file (`.tar.gz`); wins over `policies`. */
  bundle?: string;
  /** The decision entrypoint (default `warden/authz/decision`), returning `{allow, reasons}`. */
  decision?: string;
  /** Decision cache size and lifetime (defaults 10,000 entries, 60 s, 64 MiB), as `warden serve`'s `cache:`. */
  cache?: DecisionCacheOptions;
  /** Countermeasures, as in `warden serve`'s config file: `rateLimits`, `ipDeny`, `ipDenyFile`, `autoBan`, `alerts` (docs/protection.md). */
  config?: ProtectionConfigInput;
  /** Where decisions are logged: a DecisionSink, a function given each redacted record, or `false` (the default). */
  decisionLog?: DecisionLogOption;
  /** Extra dotted paths to redact from records handed to a `decisionLog` function. */
  redactPaths?: string[];
  /** A prom-client Registry to register Warden's metrics into (`warden_decisions_total{api="inprocess"}`...); `false` (default) for none. */
  metrics?: Registry | false;
  /** Watch the policy source and reload on change (default true). */
  watch?: boolean;
  /** How often the watched source is fingerprinted, in ms (default 1000): the bound on how late a change is seen. */
  policyPollIntervalMs?: number;
  /** An evaluation that took longer than this (ms, default 100) is a deny, "evaluation budget exceeded". */
  budgetMs?: number;
  /** How deep and long inputs may be (defaults: 32 levels, 8 KiB strings). */
  inputLimits?: Partial<InputLimits>;
  /** Compiles Rego (default: Warden's compiler; reloads compile on a worker thread). */
  compiler?: PolicyCompiler;
  /** Operational log (reloads, failures); default pino at `info` on stderr. */
  logger?: Logger;
}

const KEYS = new Set<string>(['policies', 'bundle', 'decision', 'cache', 'config', 'decisionLog', 'redactPaths', 'metrics', 'watch', 'policyPollIntervalMs', 'budgetMs', 'inputLimits', 'compiler', 'logger']);

function invalid(message: string): EmbedError {
  return new EmbedError('embed_invalid_options', message);
}

/**
 * Checks what the types cannot (a JavaScript caller, a config read from a file).
 *
 * @throws EmbedError `embed_invalid_options` naming the first bad option
 */
export function checkAuthorizerOptions(options: AuthorizerOptions): void {
  if (typeof options !== 'object' || options === null) throw invalid('createAuthorizer needs an options object');
  const unknown = Object.keys(options).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) throw invalid(`unknown options ${unknown.join(', ')} (known: ${[...KEYS].join(', ')})`);
  if (options.bundle === undefined && options.policies === undefined) throw invalid('one of policies (a directory) or bundle (a file) is required');
  for (const key of ['policies', 'bundle', 'decision'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw invalid(`${key} must be a non-empty string, not ${JSON.stringify(v)}`);
  }
  for (const key of ['budgetMs', 'policyPollIntervalMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw invalid(`${key} must be a positive number of milliseconds, not ${JSON.stringify(v)}`);
  }
  const log = options.decisionLog;
  if (log !== undefined && log !== false && typeof log !== 'function' && typeof (log as { write?: unknown }).write !== 'function') {
    throw invalid('decisionLog must be a DecisionSink ({write, flush, close}), a function or false');
  }
  const registry = options.metrics;
  if (registry !== undefined && registry !== false && typeof (registry as { registerMetric?: unknown }).registerMetric !== 'function') {
    throw invalid('metrics must be a prom-client Registry or false');
  }
  for (const [key, v] of Object.entries(options.inputLimits ?? {})) {
    if (!(Number.isInteger(v) && (v as number) > 0)) throw invalid(`inputLimits.${key} must be a positive integer, not ${JSON.stringify(v)}`);
  }
}
