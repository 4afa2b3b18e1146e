// What one call of a builtin policies use on their hot paths costs inside an evaluation, through
// the unmodified SDK: a rule calling it 1,000 times, minus the same rule without the call. Builtins
// the runtime implements natively cost a fraction of a microsecond; one the host implements pays a
// JSON round trip of its operands and result (a few µs).
// Usage: npm run bench:builtins
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../src/rego/index.js';
import { hostBuiltins } from '../src/builtins/index.js';
const calls = 1000;
const cases: Record<string, string> = {
  'object.get path': `object.get(input.o, ["spec", "securityContext", "seccompProfile"], "none")`,
  concat: `concat("/", [input.ns, input.name])`,
  lower: `lower(input.name)`,
  split: `split(input.image, "/")`,
  contains: `contains(input.image, "latest")`,
  sort: `sort(input.list)`,
  // Still a host builtin: what every call above cost before it ran natively.
  'strings.reverse (host)': `strings.reverse(input.name)`,
};
const input = { o: { spec: { securityContext: { seccompProfile: 'runtime/default' } } }, ns: 'shop', name: 'Frontend-Web', image: 'registry.example.com/team/app:latest', list: ['c', 'a', 'b', 'd'] };
for (const [name, expr] of Object.entries(cases)) {
  const source = `package t\nout := count([x | some i in numbers.range(1, ${calls}); x := [i, ${expr}]])\nbase := count([x | some i in numbers.range(1, ${calls}); x := [i, 1]])\n`;
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out', 't/base'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  // The best of 7 rounds of 50 evaluations each, after 20 to warm up.
  const time = (e: string) => {
    for (let r = 0; r < 20; r++) policy.evaluate(input, e);
    let best = Infinity;
    for (let round = 0; round < 7; round++) {
      const s = performance.now();
      for (let r = 0; r < 50; r++) policy.evaluate(input, e);
      best = Math.min(best, (performance.now() - s) / 50);
    }
    return best;
  };
  const per = ((time('t/out') - time('t/base')) * 1000) / calls;
  console.log(`${name.padEnd(22)} ${Math.max(0, per).toFixed(2)} µs per call`);
}
