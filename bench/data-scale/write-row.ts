// The data-write line of bench:data: a one-key change to the user_roles data set, made in place
// through the engine call (DataWriter.write: the data document checked, then every instance written
// through opa_value_add_path / opa_value_remove_path, the revision swapped), on the serving thread's
// instance and one evaluation worker's. Times each write until every instance has it; checks after
// each that an evaluation sees it. Prints one JSON line.
// Usage: node --import tsx bench/data-scale/write-row.ts COUNT
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { buildRevision, Engine, type DataOperation } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';
import { DEFAULT_LIMITS } from '../../src/server/config.js';
import { DataWriter } from '../../src/server/data-writer.js';
import { userRoles } from './datasets.js';

/** What the line shows; the driver formats it. */
export interface WriteFigures {
  entries: number;
  /** Median and worst of the writes, in ms, until every instance had the write. */
  medianMs: number;
  worstMs: number;
  writes: number;
  instances: number;
}

const WRITES = 9;

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count <= 0) throw new Error(`bad count "${process.argv[2]}": expected a positive integer`);
const data = userRoles(count);
const wasm = await compile({ modules: [{ path: 'bench.rego', source: data.policy }], entrypoints: [data.entrypoint] });
const engine = new Engine();
// As the service holds it: the data as its JSON text, loaded by the evaluation thread only.
engine.swap(await buildRevision({ wasm, dataDocuments: [{ mount: [], file: 'bench', json: data.json }], source: 'bench', id: 'bench' }, { instantiate: false }));
const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: data.entrypoint, workers: 1, spares: 0, budgetMs: 10_000 });
pool.serve(engine.revision!);
if (!(await pool.whenReady(600_000))) throw new Error('the evaluation worker did not load the data set');
const writer = new DataWriter({ engine, pool, logger: pino({ level: 'silent' }) });

async function workerRoles(user: string): Promise<unknown> {
  const result = await pool.evaluate(JSON.stringify({ user }), data.entrypoint, 'document');
  if (result.kind !== 'evaluated') throw new Error(`the worker did not evaluate: ${JSON.stringify(result)}`);
  return result.decision.result;
}

const times: number[] = [];
for (let i = 0; i < WRITES; i++) {
  const user = `user${(i * 104_729) % count}`;
  const operations: DataOperation[] = [
    { kind: 'put', path: ['user_roles', user], value: [`written${i}`] },
    { kind: 'patch', path: ['user_roles'], patch: [{ op: 'replace', path: `/${user}`, value: [`patched${i}`] }] },
    { kind: 'delete', path: ['user_roles', user] },
  ];
  const operation = operations[i % operations.length]!;
  const t0 = performance.now();
  await writer.write(operation, { who: 'bench', method: operation.kind });
  times.push(performance.now() - t0);
  const expected = operation.kind === 'put' ? [`written${i}`] : operation.kind === 'patch' ? [`patched${i}`] : undefined;
  const seen = await workerRoles(user);
  if (JSON.stringify(seen) !== JSON.stringify(expected)) throw new Error(`the worker does not see write ${i}: ${JSON.stringify(seen)}`);
}
pool.stop();
console.log(JSON.stringify({ entries: count, medianMs: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, worstMs: Math.max(...times), writes: WRITES, instances: 1 } satisfies WriteFigures));
