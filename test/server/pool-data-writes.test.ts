import test from 'ava';
import { buildRevision, type InstanceWrite } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import { DEFAULT_LIMITS } from '../../src/server/index.js';
import { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';

const SOURCE = 'package p\n\ngrants := data.grants\n';

async function started(t: { teardown(f: () => void): void }) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/grants'] });
  const revision = await buildRevision({ wasm, data: { grants: { alice: ['read'] } }, source: 'test', id: 'r1' });
  const problems: string[] = [];
  const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: 'p/grants', budgetMs: 10_000, workers: 2, spares: 1, onProblem: (m) => problems.push(m) });
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
  const { pool, revision } = await started(t);
  t.deepEqual(await grants(pool), { revision: 'r1', value: { alice: ['read'] } });
  const writes: InstanceWrite[] = [{ path: ['grants', 'bob'], valueJson: '["write"]' }];
  await pool.applyDataWrites({ ...revision.parts, id: 'r2' }, writes);
  // applyDataWrites resolves only once every thread, spare included, has acknowledged the write.
  const answers = await Promise.all(Array.from({ length: 20 }, () => grants(pool)));
  for (const answer of answers) t.deepEqual(answer, { revision: 'r2', value: { alice: ['read'], bob: ['write'] } });
});

test.serial('a write a worker refuses rejects, and the worker is replaced by one loaded from the pool\'s revision', async (t) => {
  const { pool, revision, problems } = await started(t);
  // An empty path is what opa_value_add_path refuses (status 3): every thread fails it.
  const error = await t.throwsAsync(pool.applyDataWrites({ ...revision.parts, id: 'bad' }, [{ path: [], valueJson: '1' }]));
  t.regex(error!.message, /did not apply the write/);
  t.true(problems.some((p) => /failed a data write/.test(p)));
  t.true(await pool.whenReady(60_000, { workers: 2 }));
  t.deepEqual((await grants(pool)).value, { alice: ['read'] });
});
