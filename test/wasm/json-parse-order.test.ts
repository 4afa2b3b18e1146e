import test from 'ava';
import fc from 'fast-check';
import { runtimeInstance } from '../helpers/runtime-instance.js';

// The JSON parser builds objects and sets by appending every entry and sorting once (large ones by
// key-prefix records, key-sort.ts), at sizes counted before parsing (json-scan.ts), with short
// strings shared (string-intern.ts). Whatever the order of the keys, the result must be what
// inserting the entries one by one gives: each key once, in UTF-8 byte order, with the last value
// given for it (as OPA's JSON decoding and JSON.parse do).

const rt = await runtimeInstance();
const heapStart = rt.call('opa_heap_ptr_get');
const SEED = 20261203;

function fresh(): void {
  rt.call('opa_heap_ptr_set', heapStart);
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What inserting the entries one at a time gives: the last value per key, keys in byte order. */
function perEntry(entries: Array<[string, unknown]>): Array<[string, unknown]> {
  const last = new Map<string, unknown>();
  for (const [k, v] of entries) last.set(k, v);
  return [...last.entries()].sort(([a], [b]) => byteOrder(a, b));
}

/** The object's entries in the order the runtime's JSON dump writes them. */
function dumpedEntries(v: number): Array<[string, unknown]> {
  return Object.entries(JSON.parse(rt.json(v)) as Record<string, unknown>);
}

// Keys that share long prefixes (so that the eight bytes a record holds often tie), differ only by
// a trailing NUL, hold escapes and multi-byte characters, or are empty. (No integer-like keys:
// JavaScript objects would list those first, and the dump's order is what is checked.)
const keyPart = fc.constantFrom('user', 'spiffe://example.org/ns/shop/sa/', 'a', 'é', '\u0000', '"', '\\', '1', '10', '');
const key = fc
  .array(keyPart, { maxLength: 4, size: 'max' })
  .chain((parts) => fc.nat({ max: 30 }).map((n) => parts.join('') + (n % 3 === 0 ? '' : String(n))))
  .map((k) => (/^(0|[1-9][0-9]*)$/.test(k) ? `n${k}` : k));
const jsonValue = fc.oneof(fc.integer(), fc.constantFrom('reader', 'writer', 'é', ''), fc.boolean(), fc.constant(null), fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }));
// Up to 300 entries drawn from a pool, so that keys repeat and collections pass the record sort's
// threshold (64).
const entriesArb = fc.array(key, { minLength: 1, maxLength: 120, size: 'max' }).chain((pool) =>
  fc.array(fc.tuple(fc.nat({ max: pool.length - 1 }).map((i) => pool[i]!), jsonValue), { maxLength: 300, size: 'max' }),
);

function objectText(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

test('objects from JSON with keys in any order equal inserting entry by entry (last value wins)', (t) => {
  fc.assert(
    fc.property(entriesArb, (entries) => {
      fresh();
      const v = rt.parseJson(objectText(entries));
      t.not(v, 0);
      const expected = perEntry(entries);
      // The count as the runtime sees it: a repeat left in would be hidden by JSON.parse.
      t.is(rt.call('rt_iter_count', v), expected.length);
      t.deepEqual(dumpedEntries(v), expected);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('sets of strings in Rego syntax in any order equal adding element by element', (t) => {
  fc.assert(
    fc.property(fc.array(key, { minLength: 1, maxLength: 300, size: 'max' }), (items) => {
      fresh();
      const v = rt.value(`{${items.map((s) => JSON.stringify(s)).join(',')}}`);
      const expected = [...new Set(items)].sort(byteOrder);
      t.deepEqual(JSON.parse(rt.json(v)), expected);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

test('a large object in descending, ascending and shuffled order, with a repeated key', (t) => {
  const n = 5000;
  const ids = Array.from({ length: n }, (_, i) => i);
  const orders = { ascending: ids, descending: [...ids].reverse(), shuffled: ids.map((i) => (i * 7919) % n) };
  for (const [name, order] of Object.entries(orders)) {
    fresh();
    const entries: Array<[string, unknown]> = order.map((i) => [`user${i}`, [`role${i % 7}`]]);
    entries.push(['user42', ['replaced']]);
    const v = rt.parseJson(objectText(entries));
    t.not(v, 0, name);
    const parsed = JSON.parse(rt.json(v)) as Record<string, string[]>;
    t.is(rt.call('rt_iter_count', v), n, name);
    t.is(Object.keys(parsed).length, n, name);
    t.deepEqual(parsed['user42'], ['replaced'], name);
    t.deepEqual(parsed['user4999'], ['role1'], name);
    t.deepEqual(Object.keys(parsed).slice(0, 3), ['user0', 'user1', 'user10'], name);
  }
});

test('collections nested deeper than the counted depth still parse, and malformed text is refused', (t) => {
  fresh();
  const deep = '['.repeat(40) + '1,2,{"b":1,"a":[3,4,5,6,7]}' + ']'.repeat(40);
  t.is(rt.json(rt.parseJson(deep)), '['.repeat(40) + '1,2,{"a":[3,4,5,6,7],"b":1}' + ']'.repeat(40));
  for (const bad of ['{"a":1,}', '[1,2,]', '{"a" 1}', '{1:2}', '[1,2', '{"a":[1,2}', '{"a":"x}']) {
    fresh();
    t.is(rt.parseJson(bad), 0, bad);
  }
  fresh();
  t.is(rt.dump(rt.value('[1,2,]')), '[1,2]');
});

test('large collections inside large collections, between small ones, parse to what JSON.parse gives', (t) => {
  const list = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  const doc = {
    small: [1, 2],
    roles: Object.fromEntries(list(300, (i): [string, unknown] => [`role${(i * 37) % 300}`, list(i % 3, (j) => ({ action: `a${j}`, resource: `r${i}` }))])),
    between: { x: [] as unknown[], y: {} },
    users: Object.fromEntries(list(600, (i): [string, unknown] => [`user${(i * 7) % 600}`, list(i === 5 ? 400 : 2, (j) => `role${(i + j) % 300}`)])),
    last: list(500, (i) => [i, `v${i % 10}`]),
  };
  fresh();
  const v = rt.parseJson(JSON.stringify(doc));
  t.not(v, 0);
  t.deepEqual(JSON.parse(rt.json(v)), doc);
  t.is(rt.call('rt_iter_count', v), 5);
});
