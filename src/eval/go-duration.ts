import { EvalError } from './errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

/** A Go duration (`500ms`, `5s`, `1m30s`), as OPA's `--timeout` takes it, in milliseconds. */
export function parseGoDuration(text: string, flag: string): number {
  PART.lastIndex = 0;
  let ms = 0;
  let read = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    read = PART.lastIndex;
  }
  if (text === '0') return 0;
  if (read === 0 || read !== text.length) throw new EvalError('eval_input_error', `${flag} ${JSON.stringify(text)}: not a duration (e.g. 500ms, 5s, 1m30s)`);
  return ms;
}
