import { statSync } from 'node:fs';
import { loadCandidate } from '../replay/candidate-policy.js';
import type { ShadowDecide } from './shadow-evaluator.js';
import { ShadowError } from './errors.js';

/** The `shadow` setting as written: `--shadow DIR|FILE`, or `shadow: {source, sample}` in the config file. */
export interface ShadowConfig {
  /** A policy directory in OPA's bundle layout, or an OPA bundle file. */
  source: string;
  /** Share of live decisions shadowed, 0–1 (default 1). */
  sample?: number;
}

/** A compiled candidate revision, ready to decide. */
export interface ShadowCandidate {
  revision: string;
  decide: ShadowDecide;
}

/**
 * `shadow` as given, checked: an object with a non-empty `source` and a `sample` from 0 to 1.
 *
 * @throws ShadowError `shadow_config` naming the key that is wrong
 */
export function parseShadowConfig(value: unknown): Required<ShadowConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShadowError('shadow_config', `shadow must be an object {source, sample}, got ${JSON.stringify(value)}`);
  const { source, sample = 1, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ShadowError('shadow_config', `shadow: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: source, sample)`);
  if (typeof source !== 'string' || source === '') throw new ShadowError('shadow_config', `shadow.source must be a policy directory or a bundle file, got ${JSON.stringify(source)}`);
  if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1)) throw new ShadowError('shadow_config', `shadow.sample must be a number from 0 to 1, got ${JSON.stringify(sample)}`);
  return { source, sample };
}

/**
 * Compiles the candidate once, as `--policies` (a directory) or `--bundle` (a file) would be, with
 * the live entrypoints.
 *
 * @throws ShadowError `shadow_policy_failed` when it is missing, does not compile or lacks an entrypoint
 */
export async function loadShadowCandidate(source: string, entrypoints: string[]): Promise<ShadowCandidate> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(source).isDirectory();
  } catch (e) {
    throw new ShadowError('shadow_policy_failed', `shadow ${source}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const candidate = await loadCandidate(isDirectory ? { policies: source, entrypoints } : { bundle: source, entrypoints });
    return {
      revision: candidate.revision,
      decide: (input, entrypoint, shape) => candidate.decide({ replayable: true, input: input as Record<string, unknown>, entrypoint, shape, partial: false }),
    };
  } catch (e) {
    throw new ShadowError('shadow_policy_failed', `shadow ${source}: ${(e as Error).message.replace(/^candidate policy: /, '')}`, { cause: e });
  }
}
