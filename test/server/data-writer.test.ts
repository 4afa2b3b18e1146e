import test from 'ava';
import { pino } from 'pino';
import { buildRevision, DataWriteError, Engine, type DataOperation } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import type { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';
import { DataWriter } from '../../src/server/data-writer.js';
import { opaApiAdmins } from '../../src/server/http/opa-config.js';

const SOURCE = 'package p\n\ngrants := data.grants\n';

async function engineWith(data: Record<string, unknown>): Promise<Engine> {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/grants'] });
  const engine = new Engine();
  engine.swap(await buildRevision({ wasm, data, source: 'test', id: 'r1' }));
  return engine;
}

/** What the serving thread's instance holds at data.grants. */
function served(engine: Engine): unknown {
  return (engine.revision!.policy!.evaluate({}, 'p/grants') as Array<{ result?: unknown }>)[0]?.result;
}

/** A pool whose threads fail the first write handed to them, and take the rest; it records every call. */
function failingOnce(): { pool: EvaluationPool; calls: Array<{ from: string; to: string; operations: readonly DataOperation[] }> } {
  const calls: Array<{ from: string; to: string; operations: readonly DataOperation[] }> = [];
  const pool = {
    async applyDataOperations(from: string, to: string, operations: readonly DataOperation[]) {
      calls.push({ from, to, operations });
      if (calls.length === 1) throw new DataWriteError('data_apply_failed', 'no evaluation worker made the write: boom');
      return true;
    },
  } as unknown as EvaluationPool;
  return { pool, calls };
}

const logger = pino({ level: 'silent' });

test('a write the evaluation workers fail is no new revision and is not journaled; the next one is, carried in the revision for threads started later', async (t) => {
  const engine = await engineWith({ grants: { alice: ['read'] } });
  const { pool, calls } = failingOnce();
  const writer = new DataWriter({ engine, pool, logger });
  const put: DataOperation = { kind: 'put', path: ['grants', 'bob'], value: ['write'] };
  const error = await t.throwsAsync(writer.write(put, { who: 'test', method: 'PUT' }), { instanceOf: DataWriteError });
  t.is(error?.code, 'data_apply_failed');
  t.is(engine.revision!.id, 'r1', 'no new revision');
  t.is(writer.journalLength, 0);
  const ok = await writer.write(put, { who: 'test', method: 'PUT' });
  t.true(ok.written);
  t.is(calls.length, 2);
  t.is(calls[1]!.from, 'r1');
  t.is(calls[1]!.to, ok.revision);
  t.is(engine.revision!.id, ok.revision);
  t.deepEqual(engine.revision!.parts.operations, [[put]], 'a thread that loads the revision later makes the write too');
  t.is(writer.journalLength, 1);
});

test('writes are made one at a time in the order they were asked, each a new revision', async (t) => {
  const engine = await engineWith({ grants: {} });
  const writer = new DataWriter({ engine, logger });
  const revisions = await Promise.all(
    ['a', 'b', 'c'].map((k, i) => writer.write({ kind: 'patch', path: ['grants'], patch: [{ op: 'add', path: `/${k}`, value: i }] }, { who: 'test', method: 'PATCH' })),
  );
  t.deepEqual(served(engine), { a: 0, b: 1, c: 2 });
  t.is(new Set(revisions.map((r) => r.revision)).size, 3);
  t.is(engine.revision!.id, revisions[2]!.revision);
});

test('a writer whose data a bundle service owns refuses every write, saying who owns it', async (t) => {
  const engine = await engineWith({ grants: {} });
  const writer = new DataWriter({ engine, logger, ownedBy: 'the bundle service https://b/x.tar.gz' });
  const error = await t.throwsAsync(writer.write({ kind: 'delete', path: ['grants'] }, { who: 'test', method: 'DELETE' }), { instanceOf: DataWriteError });
  t.is(error?.code, 'data_refused');
  t.regex(error!.message, /owned by the bundle service https:\/\/b\/x\.tar\.gz/);
  t.deepEqual(served(engine), {});
});

test('the journal is made again on a reloaded revision; a write the new data no longer takes is dropped', async (t) => {
  const engine = await engineWith({ grants: { alice: ['read'] } });
  const writer = new DataWriter({ engine, logger });
  await writer.write({ kind: 'put', path: ['grants', 'bob'], value: ['write'] }, { who: 'test', method: 'PUT' });
  await writer.write({ kind: 'patch', path: ['grants'], patch: [{ op: 'test', path: '/alice', value: ['read'] }, { op: 'add', path: '/carol', value: [] }] }, { who: 'test', method: 'PATCH' });
  const reloaded = await buildRevision({ wasm: engine.revision!.parts.wasm, data: { grants: { alice: ['admin'] } }, source: 'test', id: 'r2' });
  const serving = await writer.activate(reloaded);
  t.is(engine.revision, serving);
  t.not(serving.id, 'r2');
  t.deepEqual(served(engine), { alice: ['admin'], bob: ['write'] }, 'the PATCH whose test no longer holds was dropped');
  t.is(writer.journalLength, 1);
});

test('opaApi.admins must be a list of SPIFFE IDs', (t) => {
  t.deepEqual(opaApiAdmins({}), []);
  t.deepEqual(opaApiAdmins({ opaApi: { admins: ['spiffe://example.org/ns/ops/sa/admin'] } }), ['spiffe://example.org/ns/ops/sa/admin']);
  t.throws(() => opaApiAdmins({ opaApi: { admins: 'spiffe://example.org/x' as never } }), { message: /opaApi\.admins must be a list/ });
  t.throws(() => opaApiAdmins({ opaApi: { admins: ['admin'] } }), { message: /opaApi\.admins\[0\] must be a SPIFFE ID/ });
});
