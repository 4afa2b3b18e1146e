import test from 'ava';
import fc from 'fast-check';
import { runtimeInstance, type RuntimeInstance } from '../helpers/runtime-instance.js';

// The batch builders (append, then one sort and dedupe; merges of sorted runs) against the
// per-entry sorted insert they replace, on random Rego values with many equal-but-differently-
// spelled numbers (1, 1.0, 1e0), nested collections and repeated keys. Dumps are compared as Rego
// text, so which spelling of an equal key or element survives is checked too.

const rt = await runtimeInstance();
const heapStart = rt.call('opa_heap_ptr_get');
const SEED = 20261203;

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }).chain((n) => fc.constantFrom(`${n}`, `${n}.0`, `${n}e0`)),
  fc.constantFrom('0.5', '-2.5', 'null', 'true', 'false', '""', '"a"', '"b"', '"ab"', '"é"'),
);
const { term } = fc.letrec<{ term: string }>((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('term'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
    fc.array(tie('term'), { maxLength: 3 }).map((xs) => (xs.length === 0 ? 'set()' : `{${xs.join(',')}}`)),
    fc.array(fc.tuple(tie('term'), tie('term')), { maxLength: 3 }).map((ps) => `{${ps.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  ),
}));
// Long enough to pass the small-collection threshold (16) and leave entries out of order.
const terms = fc.array(term, { maxLength: 80, size: 'max' });
const pairs = fc.array(fc.tuple(term, fc.oneof(term, scalar)), { maxLength: 80, size: 'max' });

function fresh(): void {
  rt.call('opa_heap_ptr_set', heapStart);
}

function buildSet(r: RuntimeInstance, items: number[], add: string): number {
  const s = r.call('rt_make_set');
  for (const x of items) r.call(add, s, x);
  return s;
}

function buildObject(r: RuntimeInstance, entries: Array<[number, number]>, insert: string): number {
  const o = r.call('rt_make_object');
  for (const [k, v] of entries) r.call(insert, o, k, v);
  return o;
}

/** Runs `build`; its dump, or the abort message (a conflict) it raised. */
function outcome(build: () => number): string {
  try {
    return rt.dump(build());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

test('sets: appending then sorting once equals inserting each element; so does parsing', (t) => {
  fc.assert(
    fc.property(terms, (texts) => {
      fresh();
      const items = texts.map((x) => rt.value(x));
      const perEntry = rt.dump(buildSet(rt, items, 'rt_set_insert'));
      t.is(rt.dump(buildSet(rt, items, 'rt_set_add')), perEntry);
      if (texts.length > 0) t.is(rt.dump(rt.value(`{${texts.join(',')}}`)), perEntry);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('objects: appends keep the first spelling of a key and the last value, as upserts do', (t) => {
  fc.assert(
    fc.property(pairs, (ps) => {
      fresh();
      const entries = ps.map(([k, v]): [number, number] => [rt.value(k), rt.value(v)]);
      const perEntry = rt.dump(buildObject(rt, entries, 'rt_object_upsert'));
      t.is(rt.dump(buildObject(rt, entries, 'rt_object_insert')), perEntry);
      t.is(rt.dump(rt.value(`{${ps.map(([k, v]) => `${k}:${v}`).join(',')}}`)), perEntry);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('insert-once: appending and finishing gives the per-entry result or the same conflict', (t) => {
  let conflicts = 0;
  fc.assert(
    fc.property(pairs, (ps) => {
      fresh();
      const entries = ps.map(([k, v]): [number, number] => [rt.value(k), rt.value(v)]);
      const perEntry = outcome(() => buildObject(rt, entries, 'rt_object_insert_once'));
      const appended = outcome(() => {
        const o = buildObject(rt, entries, 'rt_object_append_once');
        rt.call('rt_finish_object', o);
        return o;
      });
      t.is(appended, perEntry);
      if (perEntry.startsWith('error')) conflicts++;
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.true(conflicts > 0, 'the generator produces conflicting keys');
});

// Many repeats of a few dozen keys: after a sort finds them, appends look keys up among the sorted
// entries first (LOOKUP); both that path and the conflicts it finds early must agree too.
const pool = fc.array(fc.tuple(term, fc.oneof(term, scalar)), { minLength: 20, maxLength: 48, size: 'max' });
const picks = fc.array(fc.nat(), { minLength: 100, maxLength: 400, size: 'max' });

test('many repeats of few keys: sets, upserts and insert-once agree with the per-entry path', (t) => {
  fc.assert(
    fc.property(pool, picks, (entriesText, idx) => {
      fresh();
      const parsed = entriesText.map(([k, v]): [number, number] => [rt.value(k), rt.value(v)]);
      const entries = idx.map((i) => parsed[i % parsed.length]!);
      const keys = entries.map(([k]) => k);
      t.is(rt.dump(buildSet(rt, keys, 'rt_set_add')), rt.dump(buildSet(rt, keys, 'rt_set_insert')));
      t.is(rt.dump(buildObject(rt, entries, 'rt_object_insert')), rt.dump(buildObject(rt, entries, 'rt_object_upsert')));
      const perEntry = outcome(() => buildObject(rt, entries, 'rt_object_insert_once'));
      const appended = outcome(() => {
        const o = buildObject(rt, entries, 'rt_object_append_once');
        rt.call('rt_finish_object', o);
        return o;
      });
      t.is(appended, perEntry);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

test('reads between appends see the sorted collection', (t) => {
  fc.assert(
    fc.property(pairs, fc.integer({ min: 1, max: 20 }), (ps, every) => {
      fresh();
      const entries = ps.map(([k, v]): [number, number] => [rt.value(k), rt.value(v)]);
      const a = rt.call('rt_make_object');
      const b = rt.call('rt_make_object');
      entries.forEach(([k, v], i) => {
        rt.call('rt_object_insert', a, k, v);
        rt.call('rt_object_upsert', b, k, v);
        if (i % every === 0) {
          const probe = entries[(i * 7) % entries.length]![0];
          t.is(outcome(() => rt.call('rt_dot', a, probe)), outcome(() => rt.call('rt_dot', b, probe)));
          t.is(rt.call('rt_iter_count', a), rt.call('rt_iter_count', b));
        }
      });
      t.is(rt.dump(a), rt.dump(b));
    }),
    { seed: SEED, numRuns: 150 },
  );
});

test('set union by merging sorted runs equals inserting both sets element by element', (t) => {
  fc.assert(
    fc.property(terms, terms, (xs, ys) => {
      fresh();
      const a = buildSet(rt, xs.map((x) => rt.value(x)), 'rt_set_insert');
      const b = buildSet(rt, ys.map((x) => rt.value(x)), 'rt_set_insert');
      const perEntry = buildSet(rt, [], 'rt_set_insert');
      for (const s of [a, b]) {
        const n = rt.call('rt_iter_count', s);
        for (let i = 0; i < n; i++) rt.call('rt_set_insert', perEntry, rt.call('rt_iter_key', s, i));
      }
      t.is(rt.dump(rt.call('b_or', a, b)), rt.dump(perEntry));
    }),
    { seed: SEED, numRuns: 300 },
  );
});

/** The object merge as it was: a copy of `a`, then b's keys upserted one by one. */
function mergeByUpserts(a: number, b: number): number {
  if (rt.call('rt_is_object', a) === 0 || rt.call('rt_is_object', b) === 0) return a;
  const out = rt.call('rt_make_object');
  const n = rt.call('rt_iter_count', a);
  for (let i = 0; i < n; i++) rt.call('rt_object_upsert', out, rt.call('rt_iter_key', a, i), rt.call('rt_iter_value', a, i));
  const m = rt.call('rt_iter_count', b);
  for (let i = 0; i < m; i++) {
    const k = rt.call('rt_iter_key', b, i);
    const bv = rt.call('rt_iter_value', b, i);
    const av = rt.call('rt_dot', out, k);
    if (av === 0) rt.call('rt_object_upsert', out, k, bv);
    else if (rt.call('rt_is_object', av) === 1 && rt.call('rt_is_object', bv) === 1) rt.call('rt_object_upsert', out, k, mergeByUpserts(av, bv));
  }
  return out;
}

test('object merge by one pass over both sorted key lists equals the upsert-based merge', (t) => {
  const objectText = fc.array(fc.tuple(term, fc.oneof(term, scalar)), { maxLength: 40, size: 'max' }).map((ps) => `{${ps.map(([k, v]) => `${k}:${v}`).join(',')}}`);
  fc.assert(
    fc.property(objectText, objectText, (x, y) => {
      fresh();
      const a = rt.value(x);
      const b = rt.value(y);
      t.is(rt.dump(rt.call('rt_object_merge', a, b)), rt.dump(mergeByUpserts(a, b)));
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('descending, ascending and repeated keys at scale sort into one ordered, duplicate-free object', (t) => {
  fresh();
  const n = 5000;
  const keys = Array.from({ length: n }, (_, i) => `"k${String(n - i).padStart(5, '0')}"`);
  const text = `{${[...keys, ...keys.slice(0, 10)].map((k, i) => `${k}:${i}`).join(',')}}`;
  const dumped = JSON.parse(rt.dump(rt.value(text))) as Record<string, number>;
  const expected = JSON.parse(text) as Record<string, number>;
  t.deepEqual(Object.keys(dumped), Object.keys(expected).sort());
  t.deepEqual(dumped, expected);
});

test('empty and single-entry collections', (t) => {
  fresh();
  t.is(rt.dump(rt.value('set()')), 'set()');
  t.is(rt.dump(rt.value('{}')), '{}');
  t.is(rt.dump(buildSet(rt, [], 'rt_set_add')), 'set()');
  const o = rt.call('rt_make_object');
  rt.call('rt_finish_object', o);
  t.is(rt.dump(o), '{}');
  t.is(rt.dump(rt.call('b_or', rt.value('set()'), rt.value('{1.0}'))), '{1.0}');
  t.is(rt.dump(rt.call('rt_object_merge', rt.value('{}'), rt.value('{"a":{}}'))), '{"a":{}}');
});
