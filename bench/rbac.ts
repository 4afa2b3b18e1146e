// RBAC benchmark: compile time of a small RBAC policy and of a 2,000-line policy, and evaluate()
// throughput of the RBAC policy through @open-policy-agent/opa-wasm on three inputs, and what the
// engine adds to a cache miss with and without an evaluation budget (a clock read before and after).
// Usage: npm run bench:rbac
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../src/rego/compile.js';
import { hostBuiltins } from '../src/builtins/index.js';
import { buildRevision, Engine } from '../src/engine/index.js';

const rbac = readFileSync(new URL('./policies/rbac.rego', import.meta.url), 'utf8');
const data = {
  rbac: {
    bindings: { alice: ['admin'], bob: ['reader', 'writer'], carol: ['reader'] },
    roles: {
      reader: [{ action: 'read', type: 'document' }, { action: 'read', type: 'folder' }],
      writer: [{ action: 'write', type: 'document' }],
      admin: [],
    },
  },
};
const inputs = [
  { user: 'alice', action: 'delete', resource: { type: 'folder' } },
  { user: 'bob', action: 'write', resource: { type: 'document' } },
  { user: 'carol', action: 'write', resource: { type: 'document' } },
];

function best(n: number, fn: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** A policy of about `lines` lines: many rules in the RBAC style. */
function bigPolicy(lines: number): string {
  const out = ['package big', '', 'default allow := false', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(`allow if {`, `\tinput.user == "user${i}"`, `\tsome r in data.roles[input.user]`, `\tr == "role${i % 17}"`, `\tinput.action in {"read", "write", "a${i}"}`, `}`, '');
    out.push(`name_${i} := sprintf("%s-%d", [input.user, ${i}]) if input.n > ${i}`, '');
  }
  return out.join('\n');
}

const modules = [{ path: 'rbac.rego', source: rbac }];
await compile({ modules, entrypoints: ['rbac/allow'] });
const rbacMs = best(20, () => compile({ modules, entrypoints: ['rbac/allow'] }));
const big = bigPolicy(2000);
const bigModules = [{ path: 'big.rego', source: big }];
await compile({ modules: bigModules, entrypoints: ['big/allow'] });
const bigMs = best(5, () => compile({ modules: bigModules, entrypoints: ['big/allow'] }));
console.log(`compile RBAC policy (${rbac.split('\n').length} lines): ${rbacMs.toFixed(2)} ms (best of 20, warm)`);
console.log(`compile ${big.split('\n').length}-line policy: ${bigMs.toFixed(1)} ms (best of 5, warm)`);

const policy = await loadPolicy(await compile({ modules, entrypoints: ['rbac/allow'] }), undefined, hostBuiltins);
policy.setData(data);
for (const input of inputs) console.log(`  ${JSON.stringify(input)} → ${JSON.stringify(policy.evaluate(input, 'rbac/allow'))}`);
const n = 200_000;
for (let i = 0; i < 20_000; i++) policy.evaluate(inputs[i % 3]!, 'rbac/allow');
const t0 = performance.now();
for (let i = 0; i < n; i++) policy.evaluate(inputs[i % 3]!, 'rbac/allow');
const s = (performance.now() - t0) / 1000;
console.log(`evaluate RBAC through @open-policy-agent/opa-wasm: ${Math.round(n / s).toLocaleString('en-US')} evaluations/s (${((s / n) * 1e6).toFixed(2)} µs each)`);
console.log("reference (../shared/DESIGN.md §4): OPA's own compiled RBAC module through the same SDK, about 100,000 evaluations/s on these machines");

// The engine around the same evaluation, every decision a cache miss (one cache entry, three inputs
// in turn): the evaluation budget costs two clock reads per evaluation. Alternating rounds, best of each.
const revision = await buildRevision({ wasm: await compile({ modules, entrypoints: ['rbac/allow'] }), data, source: 'bench' });
const inputTexts = inputs.map((input) => JSON.stringify(input));
function engineRate(budgetMs: number | undefined): number {
  const engine = new Engine({ maxEntries: 1 }, budgetMs === undefined ? {} : { budgetMs });
  engine.swap(revision);
  const m = 100_000;
  const started = performance.now();
  for (let i = 0; i < m; i++) engine.decide(undefined, 'rbac/allow', 'envoy', { inputJson: inputTexts[i % 3]! });
  return m / ((performance.now() - started) / 1000);
}
engineRate(undefined);
engineRate(100);
const rates = { none: 0, budget: 0 };
for (let round = 0; round < 5; round++) {
  rates.none = Math.max(rates.none, engineRate(undefined));
  rates.budget = Math.max(rates.budget, engineRate(100));
}
console.log(`Engine.decide, every call a miss: ${Math.round(rates.none).toLocaleString('en-US')}/s without a budget, ${Math.round(rates.budget).toLocaleString('en-US')}/s with a 100 ms budget (${((1 - rates.budget / rates.none) * 100).toFixed(1)} % cost)`);
