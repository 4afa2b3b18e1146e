import { ProtectionError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration as the config writes it (`500ms`, `60s`, `10m`, `1h`, `1d`, or a number of
 * milliseconds), in milliseconds; `field` names it in the error.
 *
 * @throws ProtectionError `protection_invalid_config` when it is not a positive duration
 */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
    if (m) {
      const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
      if (ms > 0) return ms;
    }
  }
  throw new ProtectionError('protection_invalid_config', `${field} must be a positive duration such as 500ms, 60s, 10m or 1h, not ${JSON.stringify(value)}`);
}
