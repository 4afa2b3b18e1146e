import test from 'ava';
import fc from 'fast-check';
import { runtimeInstance } from '../helpers/runtime-instance.js';

// Text a host writes at the top of the heap and hands to opa_json_parse / opa_value_parse is the
// parser's: the bytes values keep are moved out as they are read, and the values that follow are
// allocated over what has been read. The values must be the same as when the text is only read,
// and text that is not the heap's last allocation (the module's constants) must be left as it was.

const rt = await runtimeInstance();
const heapStart = rt.call('opa_heap_ptr_get');
const SEED = 20261204;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function fresh(): void {
  rt.call('opa_heap_ptr_set', heapStart);
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The value of `text` as the runtime's JSON dump holds it (key order included), for comparison. */
function dumped(v: number): string {
  return JSON.stringify(sortedKeys(JSON.parse(rt.json(v))));
}

/** JSON.parse's value with every object's keys in UTF-8 byte order, as Rego orders them. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort(byteOrder);
  return keys.map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]);
}

const expected = (text: string): string => JSON.stringify(sortedKeys(JSON.parse(text)));

/** `{"userN": [roles]}` in scrambled order, user7 again every `repeatEvery` entries. */
function usersObject(users: number, rolesPerUser: number, repeatEvery = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < users; i++) {
    const u = repeatEvery > 0 && i % repeatEvery === 0 ? 7 : (i * 7919) % users;
    const roles = Array.from({ length: rolesPerUser }, (_, k) => `"role${(u * 31 + k * 17 + i) % 50}"`);
    parts.push(`"user${u}":[${roles.join(',')}]`);
  }
  return `{${parts.join(',')}}`;
}

/** `{"users": {"userN": [roles]}}`: far more text than values, as in EOPA's RBAC data. */
const usersText = (users: number, rolesPerUser: number, repeatEvery = 0): string =>
  `{"users":${usersObject(users, rolesPerUser, repeatEvery)}}`;

// Strings with escapes (decoded over read text), multi-byte characters, repeats (shared), exact
// decimals that keep their text, and repeated keys.
const text = fc.constantFrom('reader', 'a"b', 'tab\there', 'é', '\u{1f600}', 'line\nbreak', '\\', '', 'x'.repeat(40));
const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('12345678901234567890.5', '-1e400'));
const key = fc.constantFrom('user1', 'user2', 'user10', 'é', 'a"b', '', 'spiffe://example.org/ns/a');
const entries = fc.array(fc.tuple(key, fc.oneof(leaf, fc.array(leaf, { maxLength: 4 }))), { maxLength: 40 });

/** JSON text for entries; a leaf given as a decimal string is written as that number. */
function objectText(es: Array<[string, unknown]>): string {
  const jsonOf = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(jsonOf).join(',')}]` : typeof v === 'string' && /^-?\d/.test(v) ? v : JSON.stringify(v);
  return `{${es.map(([k, v]) => `${JSON.stringify(k)}:${jsonOf(v)}`).join(',')}}`;
}

test('handed-over text parses to the value the same text gives when it is only read', (t) => {
  fc.assert(
    fc.property(fc.array(entries, { minLength: 1, maxLength: 30 }), (objects) => {
      fresh();
      const json = `[${objects.map(objectText).join(',')}]`;
      const bytes = encode(json);
      const handedOver = rt.parseJson(bytes);
      // The same text kept below a later allocation is only read.
      const kept = rt.write(bytes);
      rt.call('opa_malloc', 8);
      const onlyRead = rt.call('opa_json_parse', kept, bytes.length);
      t.not(handedOver, 0);
      t.is(rt.json(handedOver), rt.json(onlyRead));
      t.is(dumped(handedOver), expected(json));
    }),
    { seed: SEED, numRuns: 200 },
  );
});

test('exact decimals and escaped strings keep their text when the text around them is reused', (t) => {
  fresh();
  const json = '{"n": 12345678901234567890.125, "s": "a\\"b\\u00e9\\ud83d\\ude00", "m": [-1e400, "\\\\"]}';
  const v = rt.parseJson(encode(json));
  rt.write(new Uint8Array(4096).fill(0x7b));
  t.is(rt.json(v), '{"m":[-1e400,"\\\\"],"n":12345678901234567890.125,"s":"a\\"bé😀"}');
});

test('text that is not the last allocation (a constant) is left as it was', (t) => {
  fresh();
  const bytes = encode(usersText(300, 5));
  const at = rt.write(bytes);
  rt.call('opa_malloc', 4);
  const first = rt.call('opa_json_parse', at, bytes.length);
  const second = rt.call('opa_json_parse', at, bytes.length);
  t.deepEqual(rt.read(at, bytes.length), bytes);
  t.is(rt.json(first), rt.json(second));
  t.is(dumped(first), expected(new TextDecoder().decode(bytes)));
});

test("data with less in its values than in its text takes the text's place", (t) => {
  fresh();
  const json = usersText(3000, 60);
  const bytes = encode(json);
  const at = rt.write(bytes);
  const v = rt.call('opa_json_parse', at, bytes.length);
  t.not(v, 0);
  // Values alone are half the text here; beside the text they would take 1.5× it. Above the text
  // stay the object's slots and the string cache (a sixteenth of the text at most).
  const used = rt.call('opa_heap_ptr_get') - at;
  t.true(used <= 1.1 * bytes.length, `text and values take ${(used / bytes.length).toFixed(2)}× the text`);
  t.is(dumped(v), expected(json));
});

test('a large object sorted with its records in the reused text: keys in order, the last value wins', (t) => {
  fresh();
  // 20,000 entries in scrambled order, every 97th one a repeat of user7, each with 30 roles: the
  // key sort's records fit in the text already read when the object closes.
  const json = usersObject(20_000, 30, 97);
  const v = rt.parseJson(encode(json));
  t.not(v, 0);
  t.is(rt.call('rt_iter_count', v), Object.keys(JSON.parse(json) as object).length);
  t.is(dumped(v), expected(json));
});

test('values from handed-over text survive later parses and allocations', (t) => {
  fresh();
  const json = usersText(2000, 20, 13);
  const v = rt.parseJson(encode(json));
  const other = rt.parseJson(encode(usersText(500, 3)));
  rt.write(new Uint8Array(1 << 20).fill(0xff));
  t.not(other, 0);
  t.is(dumped(v), expected(json));
});

test('malformed handed-over text is refused, and the heap stays usable', (t) => {
  fresh();
  for (const bad of ['{"users": {"a": ["x", }', '{"a": "unterminated', '[1, 2] 3', `{"users": {${'"u":["r"],'.repeat(10_000)}}}`]) {
    t.is(rt.parseJson(encode(bad)), 0, bad.slice(0, 30));
  }
  const json = usersText(100, 3);
  t.is(dumped(rt.parseJson(encode(json))), expected(json));
});
