import test from 'ava';
import { buildRevision, DataWriteError } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import { DEFAULT_LIMITS } from '../../src/server/index.js';
import { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';
import { parseJsonExact, stringifyJsonExact } from '../../src/engine/exact-json.js';

const SOURCE = 'package p\n\ngrants := data.grants\n';

async function started(t: { teardown(f: () => void): void }, inPlaceBytes?: number) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/grants'] });
  const revision = await buildRevision({ wasm, data: { grants: { alice: ['read'] } }, source: 'test', id: 'r1' });
  const problems: string[] = [];
  const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: 'p/grants', budgetMs: 10_000, workers: 2, spares: 1, inPlaceBytes, onProblem: (m) => problems.push(m) });
  t.teardown(() => pool.stop());
  pool.serve(revision);
  if (!(await pool.whenReady(60_000, { workers: 2, spares: 1 }))) throw new Error('the workers never took the revision');
  return { pool, revision, problems };
}

async function grants(pool: EvaluationPool): Promise<{ revision: string; value: unknown }> {
  const result = await pool.evaluate('{}', 'p/grants', 'document');
  if (result.kind !== 'evaluated') throw new Error(`not evaluated: ${JSON.stringify(result)}`);
  return { revision: result.revision, value: result.decision.result };
}

test.serial('every worker makes a data write in place and answers with the new revision (its cache of the old data dropped)', async (t) => {
  const { pool } = await started(t);
  t.deepEqual(await grants(pool), { revision: 'r1', value: { alice: ['read'] } });
  t.true(await pool.applyDataOperations('r1', 'r2', [{ kind: 'put', path: ['grants', 'bob'], value: ['write'] }]));
  // applyDataOperations resolves only once every thread, spare included, has made the write.
  const answers = await Promise.all(Array.from({ length: 20 }, () => grants(pool)));
  for (const answer of answers) t.deepEqual(answer, { revision: 'r2', value: { alice: ['read'], bob: ['write'] } });
});

test.serial('a write every worker refuses for the data (a path not found) changes nothing and replaces no worker', async (t) => {
  const { pool, problems } = await started(t);
  const error = await t.throwsAsync(pool.applyDataOperations('r1', 'r2', [{ kind: 'delete', path: ['grants', 'nobody'] }]), { instanceOf: DataWriteError });
  t.is(error!.code, 'data_not_found');
  t.deepEqual(problems, []);
  t.deepEqual(await grants(pool), { revision: 'r1', value: { alice: ['read'] } });
});

test.serial('a PUT of the whole data replaces it in every worker', async (t) => {
  const { pool } = await started(t);
  t.true(await pool.applyDataOperations('r1', 'r2', [{ kind: 'put', path: [], value: { grants: { dave: [] } } }]));
  for (let i = 0; i < 10; i++) t.deepEqual(await grants(pool), { revision: 'r2', value: { dave: [] } });
});

test.serial('workers that do not answer a write in time are replaced by ones loaded from the pool\'s revision: every answer after agrees', async (t) => {
  const { pool, problems } = await started(t);
  // Within 0 ms few threads, if any, can answer: those that do not are reported late, and replaced.
  const outcome = await pool.applyDataOperations('r1', 'r2', [{ kind: 'put', path: ['grants', 'bob'], value: [] }], 0).then(
    (written) => ({ written }),
    (e: DataWriteError) => ({ code: e.code }),
  );
  t.true(problems.some((p) => /failed a data write/.test(p)));
  t.true(await pool.whenReady(60_000, { workers: 2 }));
  const expected = 'written' in outcome ? { revision: 'r2', value: { alice: ['read'], bob: [] } } : { revision: 'r1', value: { alice: ['read'] } };
  if ('code' in outcome) t.is(outcome.code, 'data_apply_failed');
  const answers = await Promise.all(Array.from({ length: 20 }, () => grants(pool)));
  for (const answer of answers) t.deepEqual(answer, expected);
});

test.serial('a worker started after writes loads the data with them', async (t) => {
  // Every revision loaded by a new generation of threads, however small.
  const { pool } = await started(t, 0);
  await pool.applyDataOperations('r1', 'r2', [{ kind: 'patch', path: ['grants'], patch: [{ op: 'add', path: '/carol', value: [] }] }]);
  // A new revision of the same parts: new threads load the data and make the writes, then take over.
  const prepared = await pool.prepare({ ...(await buildRevision({ wasm: (await compile({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/grants'] })), data: { grants: { alice: ['read'] } }, source: 'test', id: 'r3' })).parts, operations: [[{ kind: 'patch', path: ['grants'], patch: [{ op: 'add', path: '/carol', value: [] }] }], [{ kind: 'delete', path: ['grants', 'nobody'] }]] });
  t.deepEqual(prepared.skipped.map((s) => s.index), [1], 'the batch the data does not take is skipped alone');
  t.deepEqual(await grants(pool), { revision: 'r2', value: { alice: ['read'], carol: [] } }, 'the old threads answer until the swap');
  prepared.activate();
  t.deepEqual(await grants(pool), { revision: 'r3', value: { alice: ['read'], carol: [] } });
});

test.serial('numbers kept exact travel to the workers and back: in the revision\'s data, in a write, in a result, and in a replacement\'s journal', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/grants'] });
  const data = parseJsonExact('{"grants": {"alice": [12345678901234567891]}}') as Record<string, unknown>;
  const revision = await buildRevision({ wasm, data, source: 'test', id: 'r1' });
  const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: 'p/grants', budgetMs: 10_000, workers: 2, spares: 1, onProblem: () => {} });
  t.teardown(() => pool.stop());
  pool.serve(revision);
  t.true(await pool.whenReady(60_000, { workers: 2, spares: 1 }));
  const text = async () => stringifyJsonExact((await grants(pool)).value);
  t.is(await text(), '{"alice":[12345678901234567891]}');
  const bob = parseJsonExact('[98765432109876543210]');
  t.true(await pool.applyDataOperations('r1', 'r2', [{ kind: 'put', path: ['grants', 'bob'], value: bob }]));
  for (let i = 0; i < 6; i++) t.is(await text(), '{"alice":[12345678901234567891],"bob":[98765432109876543210]}');
  // A write no worker answers in time replaces them: the new ones load the revision and its journal.
  await pool.applyDataOperations('r2', 'r3', [{ kind: 'put', path: ['grants', 'carol'], value: parseJsonExact('[11111111111111111111]') }], 0).catch(() => false);
  t.true(await pool.whenReady(60_000, { workers: 2 }));
  t.regex(await text(), /^\{"alice":\[12345678901234567891\],"bob":\[98765432109876543210\](,"carol":\[11111111111111111111\])?\}$/);
});
