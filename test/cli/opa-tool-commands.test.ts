import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { folder, wardenAsync } from '../helpers/cli.js';
import { writeBundle } from '../../src/bundle/index.js';
import { compile } from '../../src/rego/compile.js';
import { hostBuiltins } from '../../src/builtins/index.js';

const policy = `package policy

allow if is_admin

allow if within_limit(input.amount)

within_limit(x) if x < data.limits.max

is_admin if "admin" in input.user.roles
`;

test.serial('warden deps: base and virtual documents, as opa deps prints them', async (t) => {
  const dir = folder({ 'policy.rego': policy });
  const [pretty, json] = await Promise.all([
    wardenAsync(['deps', '-d', dir, 'data.policy.allow'], dir),
    wardenAsync(['deps', '-d', dir, '--format', 'json', 'data.policy.is_admin'], dir),
  ]);
  t.is(pretty.code, 0, pretty.stderr);
  t.is(
    pretty.stdout,
    [
      '+------------------+--------------------------+',
      '|  BASE DOCUMENTS  |    VIRTUAL DOCUMENTS     |',
      '+------------------+--------------------------+',
      '| data.limits.max  | data.policy.allow        |',
      '| input.amount     | data.policy.is_admin     |',
      '| input.user.roles | data.policy.within_limit |',
      '+------------------+--------------------------+',
      '',
    ].join('\n'),
  );
  const out = JSON.parse(json.stdout);
  t.deepEqual(out.base, [[{ type: 'var', value: 'input' }, { type: 'string', value: 'user' }, { type: 'string', value: 'roles' }]]);
  t.deepEqual(out.virtual, [[{ type: 'var', value: 'data' }, { type: 'string', value: 'policy' }, { type: 'string', value: 'is_admin' }]]);
});

test.serial('warden inspect: manifest, namespaces and Wasm entrypoints of an archive; a directory too', async (t) => {
  const dir = folder({ 'src/policy/policy.rego': policy, 'src/limits/data.json': '{"max": 10}' });
  const archive = join(dir, 'b.tar.gz');
  writeFileSync(
    archive,
    await writeBundle({
      manifest: { revision: 'r42', roots: ['policy', 'limits'], wasm: [{ entrypoint: 'policy/allow', module: '/policy.wasm' }] },
      data: { limits: { max: 10 } },
      modules: [{ path: '/policy/policy.rego', source: policy }],
      wasm: new Uint8Array([0, 97, 115, 109]),
    }),
  );
  const [json, pretty, folderView, oneFile] = await Promise.all([
    wardenAsync(['inspect', '--format', 'json', archive], dir),
    wardenAsync(['inspect', archive], dir),
    wardenAsync(['inspect', 'src', '-f', 'json'], dir),
    wardenAsync(['inspect', 'src/policy/policy.rego', '-f', 'json'], dir),
  ]);
  t.is(json.code, 0, json.stderr);
  const info = JSON.parse(json.stdout);
  t.is(info.manifest.revision, 'r42');
  t.deepEqual(info.wasm_modules, [{ url: '/policy.wasm', path: '/policy.wasm', entrypoints: ['data.policy.allow'] }]);
  // writeBundle puts all data in one /data.json at the root, as opa build does.
  t.deepEqual(info.namespaces, { 'data.policy': ['/policy/policy.rego'], data: ['/data.json'], 'data.policy.allow': ['/policy.wasm'] });
  t.regex(pretty.stdout, /^MANIFEST:\n/);
  t.regex(pretty.stdout, /\| Revision \| r42 +\|/);
  t.regex(pretty.stdout, /\| Roots +\| limits +\|\n\| Roots +\| policy +\|/);
  t.regex(pretty.stdout, /NAMESPACES:\n(.*\n){3}\| data +\| \/data\.json +\|\n\| data\.policy +\|/);
  t.deepEqual(JSON.parse(folderView.stdout).namespaces, { 'data.policy': ['src/policy/policy.rego'], 'data.limits': ['src/limits/data.json'] });
  t.deepEqual(JSON.parse(oneFile.stdout), { manifest: {}, namespaces: { 'data.policy': ['src/policy/policy.rego'] } });
});

test.serial('warden parse: OPA JSON AST; a parse error is file:line:col, exit 1', async (t) => {
  const dir = folder({ 'p.rego': 'package a.b\n\nimport data.c as d\n\ndefault allow := false\n\nallow if {\n\tsome x in input.xs\n\tnot d.deny[x]\n}\n', 'bad.rego': 'package a\n\nallow if {\n\t1 +\n}\n' });
  const [json, pretty, bad] = await Promise.all([
    wardenAsync(['parse', '--format', 'json', 'p.rego'], dir),
    wardenAsync(['parse', 'p.rego'], dir),
    wardenAsync(['parse', 'bad.rego'], dir),
  ]);
  t.is(json.code, 0, json.stderr);
  const ast = JSON.parse(json.stdout);
  t.deepEqual(ast.package.path, [{ type: 'var', value: 'data' }, { type: 'string', value: 'a' }, { type: 'string', value: 'b' }]);
  t.deepEqual(ast.imports, [{ alias: 'd', path: { type: 'ref', value: [{ type: 'var', value: 'data' }, { type: 'string', value: 'c' }] } }]);
  t.true(ast.rules[0].default);
  t.deepEqual(ast.rules[0].head.value, { type: 'boolean', value: false });
  const [someIn, negated] = ast.rules[1].body;
  t.deepEqual(someIn.terms.symbols[0].value[0], { type: 'ref', value: [{ type: 'var', value: 'internal' }, { type: 'string', value: 'member_2' }] });
  t.true(negated.negated);
  t.deepEqual(ast.rules[1].head.value, { type: 'boolean', value: true });
  t.regex(pretty.stdout, /^module\n/);
  t.regex(pretty.stdout, /\n package\n  path\n   data\n   "a"\n   "b"\n/);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /bad\.rego:\d+:\d+: rego_parse_error/);
});

test.serial('warden capabilities: every registry builtin with OPA decl types, and the ABI the compiler emits', async (t) => {
  const r = await wardenAsync(['capabilities', '--current'], process.cwd());
  t.is(r.code, 0, r.stderr);
  const caps = JSON.parse(r.stdout);
  const byName = new Map(caps.builtins.map((b: { name: string }) => [b.name, b]));
  t.deepEqual(byName.get('startswith'), { name: 'startswith', decl: { args: [{ type: 'string' }, { type: 'string' }], result: { type: 'boolean' }, type: 'function' } });
  t.deepEqual((byName.get('count') as { decl: unknown }).decl, {
    args: [{ type: 'any', of: [{ type: 'string' }, { type: 'array', dynamic: { type: 'any' } }, { type: 'object', dynamic: { key: { type: 'any' }, value: { type: 'any' } } }, { type: 'set', of: { type: 'any' } }] }],
    result: { type: 'number' },
    type: 'function',
  });
  t.is((byName.get('plus') as { infix: string }).infix, '+');
  // As OPA declares them: print takes any number of arguments; a builtin without arguments has no `args`.
  t.deepEqual(byName.get('print'), { name: 'print', decl: { type: 'function', variadic: { type: 'any' } } });
  t.deepEqual((byName.get('time.now_ns') as { decl: unknown }).decl, { result: { type: 'number' }, type: 'function' });
  t.deepEqual(caps.future_keywords, ['and', 'contains', 'every', 'if', 'in', 'not', 'or']);
  t.deepEqual(caps.features, ['keywords_in_refs', 'rego_v1', 'rule_head_ref_string_prefixes', 'rule_head_refs', 'template_strings']);
  // What the document claims compiles: the future keywords and the features.
  const claimed = 'package p\nimport future.keywords.not\nimport future.keywords.or\nx := $"id {input.in.id}" if { not { input.a; input.b } }\ny if { input.a or input.b }\n';
  const claims = await loadPolicy(await compile({ modules: [{ path: 'p.rego', source: claimed }], entrypoints: ['p/x', 'p/y'] }), undefined, hostBuiltins);
  t.deepEqual(claims.evaluate({ in: { id: 7 }, a: true }, 'p/x'), [{ result: 'id 7' }]);
  t.deepEqual(claims.evaluate({ b: true }, 'p/y'), [{ result: true }]);
  const module = await loadPolicy(await compile({ modules: [{ path: 'p.rego', source: 'package p\nx := 1\n' }], entrypoints: ['p/x'] }), undefined, hostBuiltins);
  // The SDK reads the ABI version the module exports; capabilities must state that one.
  t.deepEqual(caps.wasm_abi_versions, [{ version: 1, minor_version: (module as unknown as { minorVersion: number }).minorVersion }]);
});

test.serial('warden bench: samples, ns/op and the histogram; --count runs, --format json', async (t) => {
  const dir = folder({ 'policy.rego': policy, 'input.json': '{"user": {"roles": ["admin"]}}' });
  const [pretty, json] = await Promise.all([
    wardenAsync(['bench', '-d', 'policy.rego', '-i', 'input.json', '--benchtime', '200ms', 'data.policy.allow'], dir),
    wardenAsync(['bench', '-d', 'policy.rego', '--benchtime', '100ms', '--count', '2', '--format', 'json', 'x := 1'], dir),
  ]);
  t.is(pretty.code, 0, pretty.stderr);
  const row = (name: string) => Number(new RegExp(`\\| ${name.replace(/[%.]/g, '\\$&')} +\\| +(\\d+) \\|`).exec(pretty.stdout)?.[1]);
  t.true(row('samples') > 0);
  t.true(row('ns/op') > 0);
  t.is(row('histogram_timer_rego_query_eval_ns_count'), row('samples'));
  t.true(row('histogram_timer_rego_query_eval_ns_min') <= row('histogram_timer_rego_query_eval_ns_median'));
  t.true(row('histogram_timer_rego_query_eval_ns_median') <= row('histogram_timer_rego_query_eval_ns_99%'));
  t.true(row('histogram_timer_rego_query_eval_ns_99%') <= row('histogram_timer_rego_query_eval_ns_max'));
  const runs = json.stdout.trim().split(/\n(?=\{)/).map((s) => JSON.parse(s));
  t.is(runs.length, 2);
  for (const r of runs) t.is(r.Extra.histogram_timer_rego_query_eval_ns_count, r.N);
});

test.serial('--help lists the new commands and each has its own usage', async (t) => {
  const all = await wardenAsync(['--help'], process.cwd());
  for (const name of ['inspect', 'parse', 'deps', 'capabilities', 'bench']) t.regex(all.stdout, new RegExp(`warden ${name}\\b`));
  const results = await Promise.all(['inspect', 'parse', 'deps', 'capabilities', 'bench'].map((name) => wardenAsync([name, '--help'], process.cwd())));
  for (const [i, name] of ['inspect', 'parse', 'deps', 'capabilities', 'bench'].entries()) {
    t.is(results[i]!.code, 0);
    t.regex(results[i]!.stdout, new RegExp(`^usage:\\n {2}warden ${name} `));
  }
});
