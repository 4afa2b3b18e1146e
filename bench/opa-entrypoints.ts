// What compiling every rule and package of a policy as an entrypoint would cost (OPA's REST API
// could then evaluate any document): compile time and Wasm size against compiling the decision
// entrypoint alone, for the bundled policies/ and for a generated policy of N rules. The answer
// decides whether `warden serve` compiles everything or only `opaApi.entrypoints` (it does the
// latter; see docs/integrations.md, "OPA's REST API").
// Usage: npm run bench:opa-entrypoints [-- --rules 1000 --runs 5]
import { parseArgs } from 'node:util';
import { loadPolicyFiles } from '../src/bundle/index.js';
import { compile, parseModule, type Module } from '../src/rego/index.js';

const { values } = parseArgs({ options: { rules: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

type Source = { path: string; source: string };

/** Every complete or partial rule of `modules` as an entrypoint path, and every package. */
function everyDocument(modules: Source[]): string[] {
  const paths = new Set<string>();
  for (const m of modules) {
    const parsed: Module | undefined = parseModule(m.source, { file: m.path }).module;
    if (!parsed) throw new Error(`${m.path} does not parse`);
    const pkg = parsed.package.path.map((s) => s.value);
    paths.add(pkg.join('/'));
    for (const rule of parsed.rules) {
      const head = rule.head.ref[0];
      if (rule.head.args || head?.type !== 'var') continue;
      paths.add([...pkg, head.name].join('/'));
    }
  }
  return [...paths].sort();
}

async function measure(modules: Source[], entrypoints: string[]): Promise<{ ms: number; bytes: number } | { error: string }> {
  const times: number[] = [];
  let bytes = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      bytes = (await compile({ modules, entrypoints })).byteLength;
      times.push(performance.now() - started);
    }
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]!.slice(0, 160) };
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, bytes };
}

function generated(rules: number): Source[] {
  const lines = ['package gen', '', 'default decision := {"allow": false, "reasons": ["no rule"]}', '', 'decision := {"allow": true, "reasons": []} if r0'];
  for (let i = 0; i < rules; i++) lines.push('', `r${i} if input.n == ${i}`);
  return [{ path: 'gen.rego', source: lines.join('\n') }];
}

async function report(name: string, modules: Source[], decision: string): Promise<void> {
  await compile({ modules, entrypoints: [decision] }); // warm up the compiler once
  const all = everyDocument(modules);
  const one = await measure(modules, [decision]);
  const rulesOnly = await measure(modules, all.filter((p) => !modules.some((m) => p === parsePackage(m))));
  const withPackages = await measure(modules, all);
  const show = (label: string, r: Awaited<ReturnType<typeof measure>>, n: number) =>
    console.log(`  ${label.padEnd(34)} ${String(n).padStart(5)} entrypoints  ${'error' in r ? `fails: ${r.error}` : `${r.ms.toFixed(1).padStart(8)} ms  ${String(r.bytes).padStart(9)} bytes`}`);
  console.log(`${name} (median of ${runs} compiles)`);
  show('decision only', one, 1);
  show('every rule', rulesOnly, all.length - modules.length);
  show('every rule and package', withPackages, all.length);
}

function parsePackage(m: Source): string {
  return parseModule(m.source, { file: m.path }).module!.package.path.map((s) => s.value).join('/');
}

const bundled = loadPolicyFiles(['policies']).modules.filter((m) => !m.path.endsWith('_test.rego'));
await report('policies/', bundled, 'warden/authz/decision');
await report(`generated policy of ${values.rules} rules`, generated(Number(values.rules)), 'gen/decision');
