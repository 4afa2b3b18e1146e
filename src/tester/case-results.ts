/** One case of a parameterized test: its key path (one key per level, as OPA shows them) and outcome. */
export interface CaseResult {
  path: string[];
  passed: boolean;
}

/** A key as OPA's runner shows it: a string as itself, anything else as JSON. */
export function caseKeyText(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The leaves of a test's object value: nested objects are levels of keys, as OPA's sub-results. */
function objectLeaves(value: Record<string, unknown>, above: string[], out: CaseResult[]): void {
  for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (isObject(v) && Object.keys(v).length > 0) objectLeaves(v, [...above, k], out);
    else out.push({ path: [...above, k], passed: v === true });
  }
}

/**
 * The cases of a parameterized test: each key of its object value (passing when the value is
 * `true`) or each member of its set value (passing: it is there only if its body held), and each
 * key its probes saw that is not in the value (failing: its body stopped after binding the key).
 *
 * @param value the test's value, undefined when the rule produced nothing
 * @param candidates key paths the probes listed (each an array of keys), if probes ran
 */
export function caseResults(value: unknown, candidates: unknown[][]): CaseResult[] {
  const results: CaseResult[] = [];
  if (isObject(value)) objectLeaves(value, [], results);
  else if (Array.isArray(value)) for (const member of value) results.push({ path: [caseKeyText(member)], passed: true });
  // A candidate is covered by a result at its path or below it (a key whose value holds more levels).
  const covered = new Set<string>();
  for (const r of results) for (let n = 1; n <= r.path.length; n++) covered.add(r.path.slice(0, n).join('\0'));
  for (const candidate of candidates) {
    const path = candidate.map(caseKeyText);
    const key = path.join('\0');
    if (covered.has(key)) continue;
    covered.add(key);
    results.push({ path, passed: false });
  }
  return results.sort((a, b) => {
    const x = a.path.join('\0');
    const y = b.path.join('\0');
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
