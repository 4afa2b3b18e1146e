import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { applyOperations, DataWriteError, DocumentEditor, editDocument, instanceDataReader, operationPaths, sparseDocument, type DataOperation, type DataReader, type JsonPatchOperation } from '../../src/engine/index.js';

const DUMP = 'package dump\n\ndoc := data.d\n';
const wasmP = compile({ modules: [{ path: 'dump.rego', source: DUMP }], entrypoints: ['dump/doc'] });

async function instance(data: Record<string, unknown>) {
  const policy = await loadPolicy(await wasmP, undefined, hostBuiltins);
  policy.setData(data);
  const seen = () => (policy.evaluate({}, 'dump/doc') as Array<{ result?: unknown }>)[0]?.result;
  return { policy, seen };
}

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'c', '__proto__', 'x y', ''];

function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth <= 0 || r < 0.3) return [1, 'two', null, true, 2.5][Math.floor(rnd() * 5)];
  if (r < 0.5) return Array.from({ length: Math.floor(rnd() * 3) }, () => value(rnd, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) Object.defineProperty(o, KEYS[Math.floor(rnd() * KEYS.length)]!, { value: value(rnd, depth - 1), enumerable: true, writable: true, configurable: true });
  return o;
}

function tokens(rnd: () => number): string[] {
  return Array.from({ length: Math.floor(rnd() * 3) }, () => (rnd() < 0.2 ? String(Math.floor(rnd() * 3)) : KEYS[Math.floor(rnd() * KEYS.length)]!));
}

const pointer = (ts: string[]): string => ts.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

function operation(rnd: () => number): DataOperation {
  const path = tokens(rnd);
  const r = rnd();
  if (r < 0.3) return { kind: 'put', path, value: value(rnd, 2), ...(rnd() < 0.2 ? { ifNoneMatch: true } : {}) };
  if (r < 0.45) return { kind: 'delete', path };
  const patch: JsonPatchOperation[] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
    const op = ['add', 'remove', 'replace', 'test', 'move', 'copy'][Math.floor(rnd() * 6)]!;
    const p = rnd() < 0.2 ? `${pointer(tokens(rnd))}/-` : pointer(tokens(rnd));
    if (op === 'remove') return { op, path: p };
    if (op === 'move' || op === 'copy') return { op, from: pointer(tokens(rnd)), path: p };
    return { op: op as 'add', path: p, value: value(rnd, 1) };
  });
  return { kind: 'patch', path, patch };
}

test('a write made on the part of the data it touches, read from the instance, gives what the whole document gives: 400 random writes', async (t) => {
  const outcomes = { written: 0, unchanged: 0, refused: 0 };
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = random(seed);
    const start = { d: (value(rnd, 3) as Record<string, unknown>) ?? {} };
    if (typeof start.d !== 'object' || start.d === null || Array.isArray(start.d)) start.d = { a: start.d };
    const ops = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => operation(rnd)).map((op) => ({ ...op, path: ['d', ...op.path] }));
    // The oracle: the whole document as a JS value.
    const whole = structuredClone(start);
    const editor = new DocumentEditor(whole);
    let expected: { written: boolean } | { code: string };
    try {
      expected = { written: ops.every((op) => editDocument(editor, op)) };
    } catch (e) {
      expected = { code: (e as DataWriteError).code };
    }
    const { policy, seen } = await instance(structuredClone(start));
    let got: { written: boolean } | { code: string };
    try {
      got = { written: applyOperations(policy, ops) };
    } catch (e) {
      got = { code: (e as DataWriteError).code };
    }
    const label = `seed ${seed}: ${JSON.stringify(ops)} on ${JSON.stringify(start)}`;
    // A batch whose later operation fails, or a PUT that finds a document, leaves the data as it was.
    const after = 'written' in expected && expected.written ? whole.d : start.d;
    if ('written' in expected && !expected.written && ops.length > 1) continue;
    t.deepEqual(got, expected, label);
    t.deepEqual(seen(), after, label);
    outcomes['code' in got ? 'refused' : got.written ? 'written' : 'unchanged']++;
  }
  t.log(outcomes);
  // The generator makes every kind of outcome, often.
  t.true(outcomes.written > 50 && outcomes.refused > 50, JSON.stringify(outcomes));
});

test('a write into a large object reads only the members it touches', async (t) => {
  const users: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) users[`user${i}`] = [`role${i % 7}`];
  const { policy, seen } = await instance({ d: { users } });
  const reads: string[] = [];
  const reader = instanceDataReader(policy);
  const counting: DataReader = { kind: reader.kind, read: (path) => (reads.push(path.join('.')), reader.read(path)) };
  const ops: DataOperation[] = [{ kind: 'patch', path: ['d', 'users'], patch: [{ op: 'replace', path: '/user7', value: ['admin'] }, { op: 'add', path: '/new', value: [] }] }];
  const sparse = sparseDocument(counting, operationPaths(ops));
  t.deepEqual(reads.sort(), ['d.users.user7']);
  t.deepEqual(sparse, { d: { users: { user7: ['role0'] } } });
  t.true(applyOperations(policy, ops));
  const after = seen() as { users: Record<string, unknown> };
  t.deepEqual(after.users.user7, ['admin']);
  t.deepEqual(after.users.new, []);
  t.deepEqual(after.users.user8, ['role1']);
  t.is(Object.keys(after.users).length, 10_001);
});

test('a module without Warden\'s read exports (one OPA built) is read whole, and written the same', async (t) => {
  const { policy, seen } = await instance({ d: { a: { b: 1 } } });
  const exports = (policy as unknown as { wasmInstance: { exports: Record<string, unknown> } }).wasmInstance.exports;
  // The SDK's instance without the two exports, as a module built by OPA has none.
  (policy as unknown as { wasmInstance: unknown }).wasmInstance = { exports: { ...exports, warden_value_get_path: undefined, warden_value_type: undefined } };
  t.true(applyOperations(policy, [{ kind: 'put', path: ['d', 'a', 'c'], value: 2 }]));
  t.deepEqual(seen(), { a: { b: 1, c: 2 } });
  const error = t.throws(() => applyOperations(policy, [{ kind: 'delete', path: ['d', 'zz'] }]), { instanceOf: DataWriteError });
  t.is(error!.code, 'data_not_found');
});
