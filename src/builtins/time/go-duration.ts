// Provenance: follows Go's src/time/format.go (ParseDuration); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { goTimeQuote } from './go-time-layout.js';

// Go's time.ParseDuration: "[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+", with Go's overflow rules and
// messages. Arithmetic is in bigint as the result is an int64 of nanoseconds.

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

const LIMIT = 1n << 63n;

export class DurationError extends Error {}

/** Nanoseconds of a Go duration string; throws `DurationError` with Go's message. */
export function parseGoDuration(input: string): bigint {
  const invalid = () => new DurationError(`time: invalid duration ${goTimeQuote(input)}`);
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) throw invalid();
    const intDigits = /^[0-9]*/.exec(s)![0];
    s = s.slice(intDigits.length);
    let v = intDigits === '' ? 0n : BigInt(intDigits);
    if (v > LIMIT) throw invalid();
    let fracDigits = '';
    let hasFrac = false;
    if (s[0] === '.') {
      s = s.slice(1);
      fracDigits = /^[0-9]*/.exec(s)![0];
      s = s.slice(fracDigits.length);
      hasFrac = fracDigits !== '';
    }
    if (intDigits === '' && !hasFrac) throw invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new DurationError(`time: missing unit in duration ${goTimeQuote(input)}`);
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) {
      throw new DurationError(`time: unknown unit ${goTimeQuote(unitText)} in duration ${goTimeQuote(input)}`);
    }
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    if (fracDigits !== '') {
      // Go accumulates at most 19 significant fraction digits and scales in float64.
      let f = 0n;
      let scale = 1;
      for (const d of fracDigits) {
        if (f > (LIMIT - 1n) / 10n) break;
        const next = f * 10n + BigInt(d.charCodeAt(0) - 48);
        if (next > LIMIT) break;
        f = next;
        scale *= 10;
      }
      if (f > 0n) {
        v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
        if (v > LIMIT) throw invalid();
      }
    }
    total += v;
    if (total > LIMIT) throw invalid();
  }
  if (neg) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}
