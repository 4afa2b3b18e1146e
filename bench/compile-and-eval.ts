// Compile time of every plan in the conformance suite (median, p90, largest) and evaluations per
// second of a few representative cases through @open-policy-agent/opa-wasm.
// Usage: npm run bench -- [DIR]   (default ../shared/conformance)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePlanSync } from '../src/wasm/index.js';
import { hostBuiltins } from '../src/builtins/index.js';

interface Case {
  note: string;
  plan: unknown;
  data?: unknown;
  input?: unknown;
  entrypoints?: string[];
}

const dir = resolve(process.argv[2] ?? '../shared/conformance');
const files = readdirSync(dir).flatMap((d) => {
  const p = join(dir, d);
  return statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.json')).map((f) => join(p, f)) : [];
});
const cases: Case[] = files.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { cases: Case[] }).cases);

// Warm up the compiler (runtime parse, JIT) before timing.
for (const c of cases.slice(0, 50)) compilePlanSync(c.plan);

const timings = cases.map((c) => {
  const size = JSON.stringify(c.plan).length;
  const t0 = performance.now();
  compilePlanSync(c.plan);
  return { note: c.note, size, ms: performance.now() - t0 };
});
const sorted = [...timings].sort((a, b) => a.ms - b.ms);
const largest = [...timings].sort((a, b) => b.size - a.size)[0]!;
let largestMs = Infinity;
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  compilePlanSync(cases.find((c) => c.note === largest.note)!.plan);
  largestMs = Math.min(largestMs, performance.now() - t0);
}
console.log(`compile: ${timings.length} plans`);
console.log(`  median ${sorted[Math.floor(sorted.length / 2)]!.ms.toFixed(2)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)]!.ms.toFixed(2)} ms, slowest ${sorted[sorted.length - 1]!.ms.toFixed(2)} ms (${sorted[sorted.length - 1]!.note})`);
console.log(`  largest plan: ${largest.note} (${(largest.size / 1024).toFixed(0)} KiB of plan JSON): ${largestMs.toFixed(2)} ms (best of 20)`);

const representative = ['helloworld/test_case', 'virtualdocs/', 'partialobjectdoc/', 'comprehensions/', 'withkeyword/'];
console.log('evaluate (one instance, same input, through @open-policy-agent/opa-wasm):');
for (const prefix of representative) {
  const c = cases.find((x) => x.note.startsWith(prefix) && x.input !== undefined) ?? cases.find((x) => x.note.startsWith(prefix));
  if (!c) continue;
  const policy = await loadPolicy(compilePlanSync(c.plan), undefined, hostBuiltins);
  if (c.data !== undefined) policy.setData(c.data as object);
  const entrypoint = c.entrypoints?.[0] ?? 0;
  try {
    policy.evaluate(c.input as object, entrypoint);
  } catch {
    continue;
  }
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) policy.evaluate(c.input as object, entrypoint);
  const s = (performance.now() - t0) / 1000;
  console.log(`  ${c.note.padEnd(60)} ${Math.round(n / s).toLocaleString('en-US').padStart(9)} evals/s (${((s / n) * 1e6).toFixed(1)} µs)`);
}
