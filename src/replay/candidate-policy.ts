import { Engine, EngineError, loadRevision, type PolicyRevision } from '../engine/index.js';
import { compile } from '../rego/compile.js';
import { ReplayError } from './errors.js';
import type { RebuiltInput } from './replay-input.js';

/** Where the candidate revision comes from, as `warden serve` names it. */
export interface CandidateSource {
  /** A policy directory in OPA's bundle layout. */
  policies?: string;
  /** An OPA bundle `.tar.gz` (Rego, Wasm or plan); wins over `policies`. */
  bundle?: string;
  /** Entrypoints the records need (`warden/authz/decision`, and whatever OPA REST records asked for). */
  entrypoints: string[];
  regoVersion?: 0 | 1;
}

/** A candidate's decision on a rebuilt input: allowed or not, and why. */
export interface CandidateDecision {
  allowed: boolean;
  reasons: string[];
}

/**
 * A candidate revision compiled once and evaluated in this thread, with a decision cache keyed by
 * the input's canonical JSON: logs repeat the same few inputs many times over.
 */
export interface CandidatePolicy {
  readonly revision: string;
  decide(rebuilt: Extract<RebuiltInput, { replayable: true }>): CandidateDecision;
}

/**
 * Compiles (or loads) the candidate revision.
 *
 * @throws ReplayError `replay_policy_failed` when it does not load or lacks an entrypoint, saying why
 */
export async function loadCandidate(source: CandidateSource): Promise<CandidatePolicy> {
  let revision: PolicyRevision;
  try {
    revision = await loadRevision({
      policies: source.policies,
      bundle: source.bundle,
      entrypoints: source.entrypoints,
      compiler: (modules, entrypoints) => compile({ modules, entrypoints, regoVersion: source.regoVersion ?? 1 }),
    });
  } catch (e) {
    const details = e instanceof EngineError && e.details.length > 0 ? `\n${e.details.join('\n')}` : '';
    throw new ReplayError('replay_policy_failed', `candidate policy: ${(e as Error).message}${details}`, { cause: e });
  }
  // Bounded (LRU): repeats in a log come close together (a client polling, retries), and a log of
  // millions of distinct inputs must not hold them all in memory.
  const engine = new Engine({ maxEntries: 50_000 });
  engine.swap(revision);
  return {
    revision: revision.id,
    decide(rebuilt) {
      // Evaluation errors, undefined results and wrong shapes come back as denies saying why.
      const { decision } = engine.decide(rebuilt.input, rebuilt.entrypoint, rebuilt.shape);
      return { allowed: decision.allow, reasons: decision.reasons };
    },
  };
}
