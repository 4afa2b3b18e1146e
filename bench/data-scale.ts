// Loading large data through the unmodified @open-policy-agent/opa-wasm SDK (issue 23): for
// `{user_roles: {userN: ["roleK"]}}` with keys in shuffled order, and EOPA's RBAC data shape, prints
// the JSON size, setData time, MB/s, setData as a multiple of JSON.parse of the same text, Wasm
// memory after setData as a multiple of the JSON size, process RSS and the µs of an evaluation doing
// the indexed lookup. Each row runs in a process of its own (bench/data-scale/row.ts).
// Usage: npm run bench:data [-- --sizes 100000,1000000,3000000] [--10m] [--eopa-users N] [--full] [--write-entries N]
//   --10m adds 10,000,000 entries; --full loads EOPA's shape at its published size (500,000
//   users, ~400 MB) instead of the default 50,000 users (~40 MB).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RowFigures } from './data-scale/row.js';
import type { WriteFigures } from './data-scale/write-row.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000,3000000' },
    '10m': { type: 'boolean', default: false },
    'eopa-users': { type: 'string', default: '50000' },
    full: { type: 'boolean', default: false },
    'write-entries': { type: 'string', default: '3000000' },
  },
});

function counts(text: string, flag: string): number[] {
  const xs = text.split(',').filter((s) => s !== '').map(Number);
  const bad = xs.find((n) => !Number.isInteger(n) || n <= 0);
  if (bad !== undefined) throw new Error(`--${flag}: "${bad}" is not a positive integer`);
  return xs;
}

const sizes = counts(values.sizes, 'sizes');
if (values['10m']) sizes.push(10_000_000);
const eopaUsers = values.full ? 500_000 : counts(values['eopa-users'], 'eopa-users')[0]!;
const rows: Array<[string, number]> = [...sizes.map((n): [string, number] => ['user-roles', n]), ['eopa', eopaUsers]];

const rowScript = fileURLToPath(new URL('./data-scale/row.ts', import.meta.url));

const writeScript = fileURLToPath(new URL('./data-scale/write-row.ts', import.meta.url));

function runRow(kind: string, count: number): Promise<RowFigures> {
  return runScript<RowFigures>(['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', rowScript, kind, String(count)], `${kind} ${count}`);
}

function runScript<T>(args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${what}: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
    });
  });
}

const MB = 1e6;
const header = ['data set', 'entries', 'JSON MB', 'setData s', 'CPU s', 'MB/s', '× JSON.parse', 'Wasm mem × JSON', 'RSS MB', 'JS heap MB', 'eval µs'];
const widths = [30, 11, 8, 10, 7, 7, 13, 16, 7, 11, 8];

function cells(r: RowFigures): string[] {
  const mb = r.jsonBytes / MB;
  return [
    r.label, r.entries.toLocaleString('en-US'), mb.toFixed(1), r.setDataSeconds.toFixed(2), r.setDataCpuSeconds.toFixed(2),
    (mb / r.setDataSeconds).toFixed(1), (r.setDataCpuSeconds / r.jsonParseCpuSeconds).toFixed(1),
    (r.wasmMemoryBytes / r.jsonBytes).toFixed(2), (r.rssBytes / MB).toFixed(0), (r.jsHeapBytes / MB).toFixed(0), r.evalMicros.toFixed(1),
  ];
}

const line = (cs: string[]): string => cs.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log('setData of the JSON bytes (an ArrayBuffer) through @open-policy-agent/opa-wasm; one process per row;');
console.log('loads under 100 MB and their JSON.parse: best of 3; eval: best of 5 means of 4,000 evaluate()');
console.log('RSS: the whole process (Node, the compiler, the JS heap, the Wasm memory) after setData, once collections have freed the JSON bytes');
console.log('CPU s: the process\'s CPU time in setData (steadier than the clock on a shared machine); × JSON.parse: of CPU times');
console.log(line(header));
const userRoleRows: RowFigures[] = [];
for (const [kind, count] of rows) {
  const figures = await runRow(kind, count);
  if (kind === 'user-roles') userRoleRows.push(figures);
  console.log(line(cells(figures)));
}
if (userRoleRows.length > 1) {
  const perMb = (r: RowFigures, seconds: number): number => seconds / (r.jsonBytes / MB);
  const small = userRoleRows[0]!;
  const large = userRoleRows.at(-1)!;
  const ratio = (f: (r: RowFigures) => number): string => (perMb(large, f(large)) / perMb(small, f(small))).toFixed(2);
  console.log(`time per MB, ${large.label} against ${small.label}: ${ratio((r) => r.setDataCpuSeconds)}× in CPU time, ${ratio((r) => r.setDataSeconds)}× on the clock`);
}

// Data API writes (issue 23, part 3): through the engine call, not the HTTP door.
const writeEntries = counts(values['write-entries'], 'write-entries')[0]!;
const w = await runScript<WriteFigures>(['--max-old-space-size=12288', '--import', 'tsx', writeScript, String(writeEntries)], `writes ${writeEntries}`);
console.log(
  `one-key write to user_roles ${w.entries.toLocaleString('en-US')} (PUT, PATCH replace, DELETE in turn; DataWriter.write until the serving thread's ` +
    `instance and ${w.instances - 1} evaluation worker have it): median ${w.medianMs.toFixed(1)} ms, worst ${w.worstMs.toFixed(1)} ms of ${w.writes}`,
);
