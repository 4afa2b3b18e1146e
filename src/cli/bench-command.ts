import { parseArgs } from 'node:util';
import { INPUT_OPTIONS, POLICY_SOURCE_OPTIONS } from './source-flags.js';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadEvalSources } from '../eval/eval-sources.js';
import { benchQuery, type BenchResult } from '../eval/bench-query.js';
import { durationFlag } from './duration-flag.js';
import { readInput } from '../eval/read-input.js';
import { OPA_EXIT, runCommand } from './output.js';

export const BENCH_USAGE = 'warden bench [-d PATH]... [-b BUNDLE]... [-i FILE | -I] [--count N] [--benchtime DURATION] [--benchmem] [--format pretty|json] [--v0] QUERY';

/** OPA's table: no header, names left, numbers right-aligned. */
function prettyBench(r: BenchResult): string {
  const rows: Array<[string, string]> = [
    ['samples', String(r.N)],
    ['ns/op', String(Math.round(r.T / Math.max(1, r.N)))],
    ...Object.entries(r.Extra).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const w1 = Math.max(...rows.map(([, v]) => v.length));
  const rule = `+${'-'.repeat(w0 + 2)}+${'-'.repeat(w1 + 2)}+`;
  return `${[rule, ...rows.map(([k, v]) => `| ${k.padEnd(w0)} | ${v.padStart(w1)} |`), rule].join('\n')}\n`;
}

/**
 * `warden bench`: evaluates a query repeatedly and prints OPA's benchmark table (samples, ns/op,
 * the evaluation-time histogram). JavaScript has no per-call allocation counter, so B/op and
 * allocs/op (`--benchmem`) are not reported.
 */
export function benchCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...POLICY_SOURCE_OPTIONS,
        ...INPUT_OPTIONS,
        count: { type: 'string', default: '1' },
        benchmem: { type: 'boolean' },
        benchtime: { type: 'string', default: '1s' },
        format: { type: 'string', short: 'f', default: 'pretty' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const count = Number(values.count);
    if (positionals.length !== 1 || !['pretty', 'json'].includes(values.format!) || !Number.isInteger(count) || count < 1) {
      process.stderr.write(`usage: ${BENCH_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const request = {
      files: await loadEvalSources(values.data ?? [], values.bundle ?? []),
      query: positionals[0]!,
      input: readInput(values.input, values['stdin-input'] ?? false),
      regoVersion: regoVersionOf(values),
    };
    const benchtimeMs = durationFlag(values.benchtime!, '--benchtime');
    if (values.benchmem) process.stderr.write('warden bench: B/op and allocs/op are not reported: V8 has no per-call allocation counter to read them from\n');
    for (let i = 0; i < count; i++) {
      const result = await benchQuery(request, { benchtimeMs });
      process.stdout.write(values.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : prettyBench(result));
    }
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
