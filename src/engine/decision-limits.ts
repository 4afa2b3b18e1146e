/** A rate limit a policy decision asks Warden to enforce (`"limits": [{"name", "key", "per_second", "burst"}]`). */
export interface PolicyLimit {
  name: string;
  key: string;
  perSecond: number;
  burst: number;
}

/**
 * The `limits` of a decision, checked: one entry that is not a limit makes the whole decision a deny
 * (a policy asking for a limit Warden cannot enforce must not allow unlimited calls).
 *
 * @returns the limits (none when `value` is absent), or what is wrong with them
 */
export function decisionLimits(value: unknown): PolicyLimit[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return '"limits" must be an array';
  const out: PolicyLimit[] = [];
  for (const [i, entry] of value.entries()) {
    const e = entry as Record<string, unknown> | null;
    const ok = typeof e === 'object' && e !== null && typeof e.name === 'string' && e.name !== '' && typeof e.key === 'string'
      && typeof e.per_second === 'number' && e.per_second > 0 && Number.isFinite(e.per_second)
      && typeof e.burst === 'number' && Number.isInteger(e.burst) && e.burst >= 1;
    if (!ok) return `limits[${i}] needs a name, a key, per_second > 0 and an integer burst >= 1`;
    out.push({ name: e.name as string, key: e.key as string, perSecond: e.per_second as number, burst: e.burst as number });
  }
  return out;
}
