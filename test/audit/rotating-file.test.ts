import test from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RotatingFile, type RotatingFileOptions, type RotationProblem } from '../../src/audit/rotating-file.js';
import { rotatedFileName } from '../../src/audit/rotated-names.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEK = 7 * DAY;

/** A clock the test moves. */
function fakeClock(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, set: (at: string) => void (now = Date.parse(at)), advance: (ms: number) => void (now += ms) };
}

function logFolder(): { dir: string; live: string } {
  const dir = temporaryDirectory('warden-rotate-');
  return { dir, live: join(dir, 'decisions.log') };
}

function open(live: string, over: Partial<RotatingFileOptions> & Pick<RotatingFileOptions, 'schedule'>): RotatingFile {
  return new RotatingFile(live, { retentionMs: WEEK, maintenanceIntervalMs: false, ...over });
}

const line = (n: number, pad = 40) => `${JSON.stringify({ log: 'decision', n, pad: 'x'.repeat(pad) })}\n`;

/** This log's files, oldest first: the rotated ones by name, then the live one. */
function logFiles(dir: string): string[] {
  const rotated = readdirSync(dir).filter((n) => /^decisions\.log\.\d{4}-/.test(n)).sort();
  return [...rotated, ...(existsSync(join(dir, 'decisions.log')) ? ['decisions.log'] : [])];
}

/** Every line of every file, parsed; fails on a line cut short or a file not ending with a newline. */
function allRecords(dir: string): Array<{ n: number }> {
  return logFiles(dir).flatMap((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${name} ends inside a line`);
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { n: number });
  });
}

const numbers = (dir: string, name: string) =>
  readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n);

test('daily: the live file keeps its name and is rotated at UTC midnight into a file named by that boundary', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T23:59:58.000Z');
  const file = open(live, { schedule: { kind: 'daily' }, now: clock.now });
  file.write(line(1) + line(2));
  clock.set('2026-12-03T23:59:59.999Z');
  file.write(line(3));
  t.deepEqual(logFiles(dir), ['decisions.log'], 'nothing rotates before the boundary');
  clock.set('2026-12-04T00:00:00.000Z');
  file.write(line(4));
  clock.set('2026-12-04T23:00:00.000Z');
  file.write(line(5));
  file.close();
  t.deepEqual(logFiles(dir), ['decisions.log.2026-12-04T00-00-00.000Z', 'decisions.log']);
  t.deepEqual(numbers(dir, 'decisions.log.2026-12-04T00-00-00.000Z'), [1, 2, 3]);
  t.deepEqual(numbers(dir, 'decisions.log'), [4, 5]);
});

test('hourly: rotated at each full UTC hour; an idle file is rotated by the periodic look, without a write', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T13:59:59.000Z');
  const file = open(live, { schedule: { kind: 'hourly' }, now: clock.now });
  file.write(line(1));
  clock.set('2026-12-03T14:00:00.001Z');
  file.write(line(2));
  clock.set('2026-12-03T14:30:00.000Z');
  file.write(line(3));
  clock.set('2026-12-03T16:10:00.000Z');
  file.maintain();
  // The hour between 15:00 and 16:00 wrote nothing: no empty file stands for it.
  clock.set('2026-12-03T17:00:00.000Z');
  file.maintain();
  file.close();
  t.deepEqual(logFiles(dir), ['decisions.log.2026-12-03T14-00-00.000Z', 'decisions.log.2026-12-03T15-00-00.000Z', 'decisions.log']);
  t.deepEqual(numbers(dir, 'decisions.log.2026-12-03T14-00-00.000Z'), [1]);
  t.deepEqual(numbers(dir, 'decisions.log.2026-12-03T15-00-00.000Z'), [2, 3]);
  t.is(statSync(live).size, 0);
});

test('size: no file grows past the limit, and a line longer than the limit gets a file of its own', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T10:00:00.000Z');
  const file = open(live, { schedule: { kind: 'size', bytes: 1000 }, now: clock.now });
  let n = 0;
  for (let batch = 0; batch < 40; batch++) {
    file.write(Array.from({ length: 1 + (batch % 6) }, () => line(n++)).join(''));
    clock.advance(batch % 3); // several rotations in one millisecond still get distinct, ordered names
  }
  file.write(line(n++, 2500));
  file.write(line(n++));
  file.close();
  const files = logFiles(dir);
  t.true(files.length > 5, `${files.length} files`);
  const sizes = files.map((name) => statSync(join(dir, name)).size);
  const oversized = sizes.filter((s) => s > 1000);
  t.is(oversized.length, 1, `sizes ${sizes.join(', ')}`);
  t.is(readFileSync(join(dir, files[sizes.indexOf(oversized[0]!)]!), 'utf8').split('\n').filter(Boolean).length, 1);
  t.deepEqual(allRecords(dir).map((r) => r.n), Array.from({ length: n }, (_, i) => i));
});

test('no line is lost or split: many chunks across hourly boundaries and size limits, every line parsed once, in order', (t) => {
  for (const schedule of [{ kind: 'hourly' } as const, { kind: 'size', bytes: 4096 } as const]) {
    const { dir, live } = logFolder();
    const clock = fakeClock('2026-12-03T08:00:00.000Z');
    const file = open(live, { schedule, now: clock.now });
    let n = 0;
    for (let chunk = 0; chunk < 300; chunk++) {
      // Chunks of 1 to 13 lines with lines of varied length (and multi-byte characters).
      file.write(Array.from({ length: 1 + ((chunk * 7) % 13) }, () => line(n++, (n * 37) % 300).replace('xx', 'éé')).join(''));
      clock.advance(7 * 60_000);
    }
    file.close();
    t.true(logFiles(dir).length > 10, `${schedule.kind}: ${logFiles(dir).length} files`);
    t.deepEqual(allRecords(dir).map((r) => r.n), Array.from({ length: n }, (_, i) => i), schedule.kind);
  }
});

/** Rotated files 8 and 6 days old, and files beside them that only look alike. */
function oldFiles(dir: string, now: number) {
  const eightDays = rotatedFileName('decisions.log', now - 8 * DAY);
  const sixDays = rotatedFileName('decisions.log', now - 6 * DAY);
  const strangers = [
    `${eightDays}.gz`,
    rotatedFileName('other.log', now - 8 * DAY),
    rotatedFileName('decisions', now - 8 * DAY),
    'decisions.log.old',
    'decisions.log.2026-02-30T00-00-00.000Z',
    'notes.txt',
  ];
  for (const name of [eightDays, sixDays, ...strangers]) writeFileSync(join(dir, name), 'old\n');
  const folder = rotatedFileName('decisions.log', now - 9 * DAY);
  mkdirSync(join(dir, folder));
  return { eightDays, sixDays, strangers: [...strangers, folder] };
}

test('retention at start (a restart finding files there): an 8-day-old rotated file goes, a 6-day-old one and other files stay', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T12:00:00.000Z');
  const { eightDays, sixDays, strangers } = oldFiles(dir, clock.now());
  writeFileSync(live, line(1));
  const file = open(live, { schedule: { kind: 'daily' }, now: clock.now });
  file.close();
  t.false(existsSync(join(dir, eightDays)));
  t.true(existsSync(join(dir, sixDays)));
  for (const name of strangers) t.true(existsSync(join(dir, name)), name);
  t.true(existsSync(live));
});

test('retention after a rotation: files that aged past the retention while running are deleted when the log rotates', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T12:30:00.000Z');
  const file = open(live, { schedule: { kind: 'hourly' }, now: clock.now });
  file.write(line(1));
  // Written while running: the sweep at start has been and gone.
  const { eightDays, sixDays, strangers } = oldFiles(dir, clock.now());
  clock.set('2026-12-03T13:00:00.000Z');
  t.true(existsSync(join(dir, eightDays)));
  file.write(line(2));
  file.close();
  t.false(existsSync(join(dir, eightDays)));
  t.true(existsSync(join(dir, sixDays)));
  for (const name of strangers) t.true(existsSync(join(dir, name)), name);
  t.deepEqual(numbers(dir, 'decisions.log.2026-12-03T13-00-00.000Z'), [1]);
});

test('a restart finds a live file from an earlier day: it is rotated under the boundary after its last write, then appended to afresh', (t) => {
  const { dir, live } = logFolder();
  writeFileSync(live, line(1) + line(2));
  const lastWrite = new Date('2026-12-01T17:45:00.000Z');
  utimesSync(live, lastWrite, lastWrite);
  const clock = fakeClock('2026-12-03T09:00:00.000Z');
  const file = open(live, { schedule: { kind: 'daily' }, now: clock.now });
  file.write(line(3));
  file.close();
  t.deepEqual(logFiles(dir), ['decisions.log.2026-12-02T00-00-00.000Z', 'decisions.log']);
  t.deepEqual(numbers(dir, 'decisions.log.2026-12-02T00-00-00.000Z'), [1, 2]);
  t.deepEqual(numbers(dir, 'decisions.log'), [3]);
});

test('a restart with a live file of this period keeps appending to it; with size rotation its size counts', (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T09:00:00.000Z');
  writeFileSync(live, line(1, 900));
  utimesSync(live, new Date(clock.now() - 60_000), new Date(clock.now() - 60_000));
  const daily = open(live, { schedule: { kind: 'daily' }, now: clock.now });
  daily.write(line(2));
  daily.close();
  t.deepEqual(logFiles(dir), ['decisions.log']);
  const bySize = open(live, { schedule: { kind: 'size', bytes: 1000 }, now: clock.now });
  bySize.write(line(3));
  bySize.close();
  t.is(logFiles(dir).length, 2);
  t.deepEqual(numbers(dir, 'decisions.log'), [3]);
});

test('a failure to rotate or to sweep is reported, and the lines keep going to the file at hand', (t) => {
  const { dir, live } = logFolder();
  const problems: RotationProblem[] = [];
  const clock = fakeClock('2026-12-03T10:59:00.000Z');
  const file = open(live, { schedule: { kind: 'hourly' }, now: clock.now, onProblem: (p) => void problems.push(p), retryMs: 60_000 });
  file.write(line(1));
  // The folder moves away and a plain file takes its place: the live path can no longer be renamed.
  const moved = `${dir}.moved`;
  renameSync(dir, moved);
  t.teardown(() => rmSync(moved, { recursive: true, force: true }));
  writeFileSync(dir, 'not a folder');
  clock.set('2026-12-03T11:00:00.000Z');
  t.notThrows(() => file.write(line(2)));
  clock.advance(1000);
  file.write(line(3)); // within the retry wait: not tried again, not reported again
  file.maintain();
  file.close();
  t.deepEqual(problems.map((p) => p.operation), ['rotate', 'retention']);
  t.is(problems[0]!.file, live);
  t.regex(problems[0]!.error.message, /ENOTDIR/);
  t.deepEqual(numbers(moved, 'decisions.log'), [1, 2, 3]);
});

test('a live file that cannot be opened is reported once per retry wait, and each write says why it failed', (t) => {
  const { dir } = logFolder();
  writeFileSync(join(dir, 'file'), '');
  const problems: RotationProblem[] = [];
  const clock = fakeClock('2026-12-03T10:00:00.000Z');
  const file = open(join(dir, 'file', 'decisions.log'), { schedule: { kind: 'daily' }, now: clock.now, onProblem: (p) => void problems.push(p) });
  t.throws(() => file.write(line(1)), { message: /ENOTDIR|EEXIST/ });
  t.throws(() => file.write(line(2)));
  // At start: the open, and the retention sweep that cannot list the folder.
  t.deepEqual(problems.map((p) => p.operation), ['open', 'retention']);
  clock.advance(61_000);
  t.throws(() => file.write(line(3)));
  t.deepEqual(problems.map((p) => p.operation), ['open', 'retention', 'open']);
  file.close();
});

test('the retention must be a positive number of milliseconds', (t) => {
  const { live } = logFolder();
  for (const retentionMs of [0, -1, Number.NaN, Infinity]) {
    t.throws(() => new RotatingFile(live, { schedule: { kind: 'daily' }, retentionMs }), { code: 'audit_invalid_config', message: /retention must be a positive number/ } as never);
  }
});

test('an idle log is rotated by its own timer once the boundary has passed, with no write and no call', async (t) => {
  const { dir, live } = logFolder();
  const clock = fakeClock('2026-12-03T13:59:59.500Z');
  const file = new RotatingFile(live, { schedule: { kind: 'hourly' }, retentionMs: WEEK, now: clock.now });
  t.teardown(() => file.close());
  file.write(line(1));
  clock.set('2026-12-03T14:00:00.500Z');
  const deadline = Date.now() + 20_000;
  while (logFiles(dir).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(logFiles(dir), ['decisions.log.2026-12-03T14-00-00.000Z', 'decisions.log']);
});
