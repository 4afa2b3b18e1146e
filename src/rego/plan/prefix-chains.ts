import type { IndexValue } from './rule-index.js';

/**
 * What a prefix index's search does once it has found, among a run's distinct constants sorted
 * by their UTF-8 bytes, the greatest one at most the key (`candidate`). Every constant the key
 * starts with is at most the key and sorts at or before the candidate, and any string between a
 * prefix of the key and the key itself starts with that prefix too; so the constants the key
 * starts with are the candidate's own prefixes among the constants (its `alternatives`), the
 * longest that the key starts with included, and every shorter one. Trying the alternatives
 * longest first, the first that the key starts with selects its chain: its own definitions and
 * those of every shorter alternative, in source order.
 */
export interface PrefixCandidate {
  value: IndexValue;
  /** The candidate and the constants that are its proper prefixes, longest first. */
  alternatives: PrefixAlternative[];
}

export interface PrefixAlternative {
  value: IndexValue;
  /** Positions in the run of the definitions to run when this alternative is the longest match, ascending. */
  chain: number[];
}

/** The run's distinct prefixes, sorted by bytes, with the alternatives to try for each. */
export function prefixCandidates(run: ReadonlyArray<IndexValue[] | undefined>): PrefixCandidate[] {
  const byBytes = new Map<string, { value: IndexValue; defs: number[] }>();
  run.forEach((values, position) => {
    const value = values?.[0];
    if (!value) return;
    const id = value.bytes!.toString('latin1');
    const entry = byBytes.get(id) ?? { value, defs: [] };
    entry.defs.push(position);
    byBytes.set(id, entry);
  });
  const lengths = [...new Set([...byBytes.values()].map((e) => e.value.bytes!.length))].sort((a, b) => b - a);
  const entries = [...byBytes.values()].sort((a, b) => Buffer.compare(a.value.bytes!, b.value.bytes!));
  return entries.map((entry) => {
    const bytes = entry.value.bytes!;
    const prefixes = lengths.filter((l) => l < bytes.length).flatMap((l) => byBytes.get(bytes.subarray(0, l).toString('latin1')) ?? []);
    const own = [entry, ...prefixes];
    const alternatives = own.map((alt, i) => ({
      value: alt.value,
      chain: own
        .slice(i)
        .flatMap((e) => e.defs)
        .sort((a, b) => a - b),
    }));
    return { value: entry.value, alternatives };
  });
}

// Leaf calls a prefix search may hold per indexed definition: nested prefixes ("/", "/a", "/a/b",
// …) repeat the shorter ones' definitions in the chain of each longer one.
const MAX_CALLS_PER_DEF = 8;
const MIN_CALL_BUDGET = 64;

/** Whether the search over these definitions' prefixes stays within a small multiple of their number. */
export function prefixDispatchFits(values: ReadonlyArray<IndexValue[] | undefined>): boolean {
  const defs = values.filter((v) => v !== undefined).length;
  const calls = prefixCandidates(values).reduce((sum, c) => sum + c.alternatives.reduce((n, a) => n + a.chain.length, 0), 0);
  return calls <= Math.max(MIN_CALL_BUDGET, MAX_CALLS_PER_DEF * defs);
}
