// One row of bench:data, in a process of its own so that memory figures are this data set's alone:
// builds the data set, loads it through the unmodified SDK's setData (as the file's bytes), and
// prints one JSON line of figures. Usage: node --expose-gc --import tsx bench/data-scale/row.ts user-roles|eopa COUNT
import { performance } from 'node:perf_hooks';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { eopaRbac, userRoles, type Dataset } from './datasets.js';

/** What a row measures; the driver formats it. */
export interface RowFigures {
  label: string;
  entries: number;
  jsonBytes: number;
  setDataSeconds: number;
  setDataCpuSeconds: number;
  jsonParseCpuSeconds: number;
  wasmMemoryBytes: number;
  /** Resident memory of the whole process: Node itself, the compiler, the JS heap and the Wasm memory. */
  rssBytes: number;
  /** The JS heap's size (V8's heapTotal) within that RSS. */
  jsHeapBytes: number;
  evalMicros: number;
}

const EVALUATIONS = 4000;
const EVAL_ROUNDS = 5;
// Loads below this size are timed as the best of three: a busy machine's noise is a large share of
// a short run, and the first run of the Wasm code is partly in V8's baseline tier.
const SMALL_BYTES = 100e6;

function repeats(json: Uint8Array): number {
  return json.byteLength < SMALL_BYTES ? 3 : 1;
}

/** Seconds of a run: on the clock, and of CPU time (which another process's load leaves alone). */
interface Timing {
  wall: number;
  cpu: number;
}

/** The least wall and the least CPU time of `n` runs. */
function bestOf(n: number, run: () => void): Timing {
  const best = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const c = process.cpuUsage(c0);
    best.wall = Math.min(best.wall, (performance.now() - t0) / 1000);
    best.cpu = Math.min(best.cpu, (c.user + c.system) / 1e6);
  }
  return best;
}

function dataset(kind: string | undefined, count: number): Dataset {
  if (kind === 'user-roles') return userRoles(count);
  if (kind === 'eopa') return eopaRbac(count);
  throw new Error(`unknown data set "${kind}": expected user-roles or eopa`);
}

/** The bytes as an ArrayBuffer of their own, which is what the SDK copies. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** Loads the data set; the JS copy of its bytes is garbage once this returns, as in a server. */
async function load(data: Dataset): Promise<{ policy: LoadedPolicy; jsonBytes: number; setData: Timing }> {
  const wasm = await compile({ modules: [{ path: 'bench.rego', source: data.policy }], entrypoints: [data.entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const buffer = ownBuffer(data.json);
  const setData = bestOf(repeats(data.json), () => policy.setData(buffer));
  return { policy, jsonBytes: data.json.byteLength, setData };
}

function evalMicros(policy: LoadedPolicy, data: Pick<Dataset, 'label' | 'input' | 'entrypoint'>): number {
  const [first] = policy.evaluate(data.input(0), data.entrypoint) as Array<{ result?: unknown }>;
  if (first?.result === undefined) throw new Error(`${data.label}: the lookup found nothing for ${JSON.stringify(data.input(0))}`);
  for (let i = 0; i < 1000; i++) policy.evaluate(data.input(i), data.entrypoint);
  // The best of several rounds: a busy machine's pauses then leave the figure alone.
  let best = Infinity;
  for (let round = 0; round < EVAL_ROUNDS; round++) {
    const t0 = performance.now();
    for (let i = 0; i < EVALUATIONS; i++) policy.evaluate(data.input(round * EVALUATIONS + i), data.entrypoint);
    best = Math.min(best, ((performance.now() - t0) * 1000) / EVALUATIONS);
  }
  return best;
}

function jsonParseTiming(json: Uint8Array): Timing {
  const text = Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('latin1');
  return bestOf(repeats(json), () => {
    if (typeof JSON.parse(text) !== 'object') throw new Error('JSON.parse gave no object');
  });
}

async function measure(kind: string | undefined, count: number): Promise<RowFigures> {
  let data: Dataset | undefined = dataset(kind, count);
  const { label, entries, entrypoint, input } = data;
  const { policy, jsonBytes, setData } = await load(data);
  data = undefined;
  await collectGarbage();
  const wasmMemoryBytes = policy.mem.buffer.byteLength;
  const { rss: rssBytes, heapTotal: jsHeapBytes } = process.memoryUsage();
  const micros = evalMicros(policy, { label, entrypoint, input });
  // Built again rather than kept, so that the RSS above holds only what a server would.
  const parse = jsonParseTiming(dataset(kind, count).json);
  return {
    label, entries, jsonBytes, setDataSeconds: setData.wall, setDataCpuSeconds: setData.cpu, jsonParseCpuSeconds: parse.cpu,
    wasmMemoryBytes, rssBytes, jsHeapBytes, evalMicros: micros,
  };
}

/**
 * Collects garbage until external memory stops shrinking: V8 frees large ArrayBuffers (the JSON
 * bytes) on a background thread after a collection, so one gc() alone left them in RSS on some runs.
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc, so that RSS is measured after a collection');
  let external = Infinity;
  for (let round = 0; round < 20; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = process.memoryUsage().external;
    if (now >= external) return;
    external = now;
  }
}

const [kind, countText] = process.argv.slice(2);
const count = Number(countText);
if (!Number.isInteger(count) || count <= 0) throw new Error(`bad count "${countText}": expected a positive integer`);
console.log(JSON.stringify(await measure(kind, count)));
