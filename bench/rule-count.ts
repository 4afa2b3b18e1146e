// Rule count against evaluation time, compile time and module size: the shapes of issue 21's table
// and an Envoy-shaped route table at 10 to 20,000 rules, evaluated through @open-policy-agent/opa-wasm.
// Usage: npm run bench:rules [-- --counts 10,100,1000] [-- --shape route]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../src/rego/compile.js';
import { hostBuiltins } from '../src/builtins/index.js';
import { RULE_COUNT_SHAPES } from './rule-count-shapes.js';

const { values } = parseArgs({ options: { counts: { type: 'string' }, shape: { type: 'string' } } });
const counts = (values.counts ?? '10,100,1000,5000,20000').split(',').map(Number);
const shapes = RULE_COUNT_SHAPES.filter((s) => !values.shape || s.name.includes(values.shape));

/** Median µs of evaluate() over about 300 ms (at least 5 runs), after a warm-up. */
function evalMicros(run: () => unknown): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  const until = performance.now() + 300;
  while (times.length < 5 || (performance.now() < until && times.length < 20_000)) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

// Warm the compiler (runtime parse, JIT) before timing.
await compile({ modules: [{ path: 'w.rego', source: RULE_COUNT_SHAPES[0]!.source(50) }], entrypoints: ['shape/allow'] });

console.log('shape | rules | eval µs allowed | eval µs denied | compile ms | module KiB | loads');
for (const shape of shapes) {
  for (const n of counts) {
    const modules = [{ path: 'shape.rego', source: shape.source(n) }];
    const t0 = performance.now();
    let wasm: Uint8Array;
    try {
      wasm = await compile({ modules, entrypoints: [shape.entrypoint] });
    } catch (e) {
      console.log(`${shape.name} | ${n} | - | - | - | - | does not compile: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const compileMs = performance.now() - t0;
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
