// What keeping numbers exact costs (see docs/policy-input.md, "Numbers"): reading and writing a
// data document of N entries (default a million), without and with one number a double cannot hold.
// Usage: npm run bench:exact-json [-- N]
import { parseJsonExact, stringifyJsonExact } from '../src/engine/exact-json.js';

const n = Number(process.argv[2] ?? 1_000_000);
const entries: string[] = [];
for (let i = 0; i < n; i++) entries.push(`"user-${i}":{"roles":["reader","writer"],"id":${1_000_000 + i},"team":"t${i % 100}"}`);
const plain = `{${entries.join(',')}}`;
const withLongNumber = `{${entries.join(',')},"snowflake":1234567890123456789}`;

function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const out = run();
  console.log(`${label.padEnd(58)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
  return out;
}

console.log(`${n} entries, ${(plain.length / 1e6).toFixed(1)} MB of JSON`);
const parsed = timed('JSON.parse', () => JSON.parse(plain) as unknown);
timed('parseJsonExact, no long number (a search, then JSON.parse)', () => parseJsonExact(plain));
timed('JSON.stringify', () => JSON.stringify(parsed));
timed('stringifyJsonExact, no number kept exact yet in this thread', () => stringifyJsonExact(parsed));
const exact = timed('parseJsonExact, one long number (lossless-json)', () => parseJsonExact(withLongNumber));
timed('stringifyJsonExact, no long number, after one (a search)', () => stringifyJsonExact(parsed));
timed('stringifyJsonExact, one long number (lossless-json)', () => stringifyJsonExact(exact));
