// `warden test` and `warden test -v` on a generated suite with many failing tests: -v explains each
// failure (the expression that stopped it and its values), which must not cost a compile per failure.
// Usage: npm run bench:test-verbose [-- --modules 50 --failing 200 --cli path/to/cli/main.ts]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { modules: { type: 'string', default: '50' }, failing: { type: 'string', default: '200' }, cli: { type: 'string' } } });
const modules = Number(values.modules);
const failing = Number(values.failing);
const root = new URL('..', import.meta.url).pathname;
const cli = values.cli ?? join(root, 'src/cli/main.ts');

function policy(i: number): string {
  return `package app${i}

default allow := false

allow if {
	some role in data.roles[input.user]
	role in {"admin", "owner${i}"}
	input.action in {"read", "write"}
}

limits[name] := n if {
	some name, n in data.limits
	n > ${i}
}
`;
}

function tests(i: number, failingHere: number): string {
  const out = [`package app${i}_test\n\nimport data.app${i}\n`];
  for (let k = 0; k < failingHere; k++) {
    out.push(`test_denied_${k} if {
	inp := {"user": "bob", "action": "read"}
	app${i}.allow with input as inp
}
`);
  }
  out.push(`test_owner if {
	app${i}.allow with input as {"user": "alice", "action": "write"}
}
`);
  return out.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-verbose-'));
try {
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ roles: { alice: ['admin'], bob: ['dev'] }, limits: { a: 1, b: 70 } }));
  for (let i = 0; i < modules; i++) {
    const folder = join(dir, `app${i}`);
    mkdirSync(folder);
    writeFileSync(join(folder, 'policy.rego'), policy(i));
    const here = Math.floor(failing / modules) + (i < failing % modules ? 1 : 0);
    writeFileSync(join(folder, 'policy_test.rego'), tests(i, here));
  }
  for (const args of [[], ['-v']]) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'test', dir, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    const seconds = (performance.now() - t0) / 1000;
    const summary = r.stdout.trim().split('\n').pop();
    // An explanation is the `  file:line: expression` line under a FAIL line: counted so a fast -v that explains nothing shows.
    const explained = r.stdout.split('\n').filter((l) => /^ {2}\S+\.rego:\d+: /.test(l)).length;
    console.log(`warden test ${args.join(' ')}`.padEnd(16) + `${seconds.toFixed(2)} s  (exit ${r.status}; ${summary}; ${explained} failures explained; ${modules} modules, ${failing} failing tests)`);
    if (r.status !== 2) console.log(r.stderr);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
