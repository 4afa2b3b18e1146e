import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { canonicalJson } from './canonical-json.js';
import { EngineError } from './errors.js';

/**
 * Rego source → Wasm with OPA's ABI, one entrypoint per rule path (`warden/authz/decision`).
 * The real one is `compile` from `src/rego`; tests inject their own.
 */
export type PolicyCompiler = (modules: Array<{ path: string; source: string }>, entrypoints: string[]) => Promise<Uint8Array>;

/** A loaded policy ready to evaluate: immutable once built. */
export interface PolicyRevision {
  /** Content hash (or the bundle manifest's revision). */
  readonly id: string;
  readonly policy: LoadedPolicy;
  /** Entrypoint names the module exports. */
  readonly entrypoints: readonly string[];
  /** Where it came from (directory or bundle path). */
  readonly source: string;
  readonly loadedAt: Date;
  /** What it was built from, with its id: another thread builds the same revision from these. */
  readonly parts: RevisionParts & { id: string };
  /** The Rego modules it was compiled from (none for a bundle that carries Wasm or a plan). */
  readonly modules: readonly PolicyModule[];
}

/** A Rego module as loaded: its path in the policy directory or bundle, and its source. */
export interface PolicyModule {
  readonly path: string;
  readonly source: string;
}

/** The parts a revision is built from. */
export interface RevisionParts {
  wasm: Uint8Array;
  data: Record<string, unknown>;
  source: string;
  /** Overrides the content hash (a bundle manifest's revision). */
  id?: string;
  /** What the id hashes besides the Wasm (sources), so equal sources give equal ids. */
  hashInput?: string;
  /** The Rego modules compiled into `wasm`; kept on the revision, not handed to other threads. */
  modules?: readonly PolicyModule[];
}

/** A short content hash: the revision id when the source names none. */
export function contentRevisionId(...parts: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/**
 * Loads Wasm into `@open-policy-agent/opa-wasm` with Warden's host builtins and sets its data.
 *
 * @example
 * const rev = await buildRevision({ wasm, data: { roles: {} }, source: 'policies/' });
 * rev.policy.evaluate(input, 'warden/authz/decision');
 * @throws EngineError `engine_load_failed`
 */
export async function buildRevision(parts: RevisionParts): Promise<PolicyRevision> {
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(parts.wasm, undefined, hostBuiltins);
    policy.setData(parts.data);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new EngineError('engine_load_failed', `policy from ${parts.source} does not load: ${message}`, { cause: e });
  }
  const entrypoints = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
  const id = parts.id ?? contentRevisionId(parts.hashInput ?? '', parts.wasm, canonicalJson(parts.data));
  return { id, policy, entrypoints, source: parts.source, loadedAt: new Date(), parts: { wasm: parts.wasm, data: parts.data, source: parts.source, id }, modules: parts.modules ?? [] };
}
