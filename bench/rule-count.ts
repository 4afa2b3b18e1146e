// Rule count against evaluation time, compile time and module size: the shapes of issue 21's table
// and an Envoy-shaped route table at 10 to 20,000 rules, evaluated through @open-policy-agent/opa-wasm.
// Times are process CPU time (compile ms, µs per evaluation), steadier than wall time on a busy
// machine; `loads` includes optimizing the module. Usage: npm run bench:rules [-- --counts 10,100,1000] [-- --shape route] [-- --no-index]
// (`--no-index`: compiled with `ruleIndex: false`, every body tried, as before issue 21 part 1;
// `--no-constants`: with `constantsOnce: false`, a table in the policy built in every evaluation)
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../src/rego/compile.js';
import { hostBuiltins } from '../src/builtins/index.js';
import { RULE_COUNT_SHAPES } from './rule-count-shapes.js';

// Steady state from the first evaluation: modules compiled by TurboFan when they load. With V8's
// tiering, evaluations first run baseline (Liftoff) code while optimized code compiles in the
// background, which on a loaded machine takes longer than the measurement.
setFlagsFromString('--no-liftoff');

const { values } = parseArgs({ options: { counts: { type: 'string' }, shape: { type: 'string' }, 'no-index': { type: 'boolean' }, 'no-constants': { type: 'boolean' } } });
const counts = (values.counts ?? '10,100,1000,5000,20000').split(',').map(Number);
const shapes = RULE_COUNT_SHAPES.filter((s) => !values.shape || s.name.includes(values.shape));

/** Process CPU time, in ms: on a shared 2-core machine wall time mostly measures the neighbours. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median CPU µs of one evaluate(), over batches of about 20 ms CPU (at least 5 batches, ~300 ms). */
function evalMicros(run: () => unknown): number {
  for (let i = 0; i < 3; i++) run();
  const t0 = cpuMs();
  run();
  const perBatch = Math.max(1, Math.ceil(20 / Math.max(cpuMs() - t0, 0.001)));
  const batches: number[] = [];
  const until = cpuMs() + 300;
  while (batches.length < 5 || (cpuMs() < until && batches.length < 200)) {
    const b0 = cpuMs();
    for (let i = 0; i < perBatch; i++) run();
    batches.push(((cpuMs() - b0) * 1000) / perBatch);
  }
  batches.sort((a, b) => a - b);
  return batches[batches.length >> 1]!;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

// Warm the compiler (runtime parse, JIT) before timing.
await compile({ modules: [{ path: 'w.rego', source: String(RULE_COUNT_SHAPES[0]!.source(50)) }], entrypoints: ['shape/allow'] });

console.log('shape | rules | eval CPU µs allowed | eval CPU µs denied | compile CPU ms | module KiB | loads');
for (const shape of shapes) {
  for (const n of counts) {
    const source = shape.source(n);
    const modules = (Array.isArray(source) ? source : [source]).map((text, i) => ({ path: `shape${i}.rego`, source: text }));
    const t0 = cpuMs();
    let wasm: Uint8Array;
    try {
      wasm = await compile({ modules, entrypoints: [shape.entrypoint], ruleIndex: !values['no-index'], constantsOnce: !values['no-constants'] });
    } catch (e) {
      console.log(`${shape.name} | ${n} | - | - | - | - | does not compile: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const compileMs = cpuMs() - t0;
    const kib = (wasm.length / 1024).toFixed(0);
    let policy;
    try {
      policy = await loadPolicy(wasm, undefined, hostBuiltins);
    } catch (e) {
      console.log(`${shape.name} | ${n} | - | - | ${fmt(compileMs)} | ${kib} | no: ${(e as Error).message}`);
      continue;
    }
    const allowedInput = shape.allowed(n);
    const deniedInput = shape.denied(n);
    const allowed = evalMicros(() => policy.evaluate(allowedInput, shape.entrypoint));
    const denied = evalMicros(() => policy.evaluate(deniedInput, shape.entrypoint));
    console.log(`${shape.name} | ${n} | ${fmt(allowed)} | ${fmt(denied)} | ${fmt(compileMs)} | ${kib} | yes`);
  }
}
