import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { canonicalJson } from './canonical-json.js';
import { composeDataText, dataSyntaxError, type DataDocument } from '../bundle/data-documents.js';
import { replayOperations } from './data-writes/apply-operations.js';
import type { DataOperation } from './data-writes/data-operation.js';
import { EngineError } from './errors.js';
import { moduleInputReads, type ReadTree } from './input-projection.js';
import { exactJsonBytes } from './exact-json.js';

/**
 * Rego source → Wasm with OPA's ABI, one entrypoint per rule path (`warden/authz/decision`).
 * The real one is `compile` from `src/rego`; tests inject their own.
 */
export type PolicyCompiler = (modules: Array<{ path: string; source: string }>, entrypoints: string[]) => Promise<Uint8Array>;

/** A loaded policy ready to evaluate: immutable once built. */
export interface PolicyRevision {
  /** Content hash (or the bundle manifest's revision). */
  readonly id: string;
  /** The instance that evaluates on this thread; none where other threads evaluate (see BuildOptions). */
  readonly policy?: LoadedPolicy;
  /** Entrypoint names the module exports. */
  readonly entrypoints: readonly string[];
  /** Where it came from (directory or bundle path). */
  readonly source: string;
  readonly loadedAt: Date;
  /** What it was built from, with its id: another thread builds the same revision from these. */
  readonly parts: RevisionParts & { id: string };
  /** The Rego modules it was compiled from (none for a bundle that carries Wasm or a plan). */
  readonly modules: readonly PolicyModule[];
  /** Batches of `parts.operations` the data did not take (a journal made again on new data), with why. */
  readonly skippedOperations?: ReadonlyArray<{ index: number; reason: string }>;
  /** What of the input each entrypoint's decisions depend on, where the module says (see moduleInputReads): that alone keys the decision cache. */
  readonly inputReads?: ReadonlyMap<string, ReadTree>;
}

/** A Rego module as loaded: its path in the policy directory or bundle, and its source. */
export interface PolicyModule {
  readonly path: string;
  readonly source: string;
}

/** The parts a revision is built from. */
export interface RevisionParts {
  wasm: Uint8Array;
  /** The data as a value (embedders, tests); `dataDocuments` wins over it. */
  data?: Record<string, unknown>;
  /** The data as its files' JSON texts, loaded into each instance without being parsed in JS. */
  dataDocuments?: readonly DataDocument[];
  /** Data writes made since the data was read, batch by batch, each all of it or none (see applyOperations). */
  operations?: ReadonlyArray<readonly DataOperation[]>;
  source: string;
  /** Overrides the content hash (a bundle manifest's revision). */
  id?: string;
  /** The Rego modules compiled into `wasm`; kept on the revision, not handed to other threads. */
  modules?: readonly PolicyModule[];
}

/** The bytes a revision's instance is loaded from: its module and its data texts. */
export function revisionBytes(parts: RevisionParts): number {
  let n = parts.wasm.byteLength;
  for (const d of parts.dataDocuments ?? []) n += d.json.byteLength;
  return n;
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

/** Options of {@link buildRevision}. */
export interface BuildOptions {
  /**
   * Load the data into an instance kept on the revision (default true). False where other threads
   * evaluate: the module is instantiated only to list its entrypoints, and the data is not touched.
   */
  instantiate?: boolean;
}

function loadData(policy: LoadedPolicy, parts: RevisionParts): void {
  if (!parts.dataDocuments) {
    policy.setData(exactJsonBytes(parts.data ?? {}));
    return;
  }
  try {
    policy.setData(composeDataText(parts.dataDocuments));
  } catch (e) {
    throw dataSyntaxError(parts.dataDocuments, e);
  }
}

/**
 * Loads Wasm into `@open-policy-agent/opa-wasm` with Warden's host builtins, sets its data and makes
 * the data writes of `parts.operations` in it.
 *
 * @example
 * const rev = await buildRevision({ wasm, data: { roles: {} }, source: 'policies/' });
 * rev.policy!.evaluate(input, 'warden/authz/decision');
 * @throws EngineError `engine_load_failed`
 */
export async function buildRevision(parts: RevisionParts, options: BuildOptions = {}): Promise<PolicyRevision> {
  let policy: LoadedPolicy;
  let skippedOperations: Array<{ index: number; reason: string }> | undefined;
  try {
    policy = await loadPolicy(parts.wasm, undefined, hostBuiltins);
    if (options.instantiate !== false) {
      loadData(policy, parts);
      if (parts.operations?.length) skippedOperations = replayOperations(policy, parts.operations);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new EngineError('engine_load_failed', `policy from ${parts.source} does not load: ${message}`, { cause: e });
  }
  const entrypoints = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
  const inputReads = moduleInputReads(parts.wasm);
  const id = parts.id ?? contentRevisionId('', parts.wasm, canonicalJson(parts.data ?? {}));
  const { modules: _modules, ...carried } = parts;
  return {
    id,
    ...(options.instantiate !== false ? { policy } : {}),
    entrypoints,
    source: parts.source,
    loadedAt: new Date(),
    parts: { ...carried, id },
    modules: parts.modules ?? [],
    ...(skippedOperations?.length ? { skippedOperations } : {}),
    ...(inputReads ? { inputReads } : {}),
  };
}
