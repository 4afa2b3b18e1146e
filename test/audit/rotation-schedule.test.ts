import test from 'ava';
import { parseRotationSchedule, periodEnd } from '../../src/audit/rotation-schedule.js';
import { rotatedFileName, rotatedFileTime } from '../../src/audit/rotated-names.js';

test('rotation settings: daily, hourly, and sizes in decimal and binary units', (t) => {
  t.deepEqual(parseRotationSchedule('daily'), { kind: 'daily' });
  t.deepEqual(parseRotationSchedule('hourly'), { kind: 'hourly' });
  t.deepEqual(parseRotationSchedule('size:100MB'), { kind: 'size', bytes: 100_000_000 });
  t.deepEqual(parseRotationSchedule('size:1.5GB'), { kind: 'size', bytes: 1_500_000_000 });
  t.deepEqual(parseRotationSchedule('size:64KiB'), { kind: 'size', bytes: 65_536 });
  t.deepEqual(parseRotationSchedule('size: 2 MiB'), { kind: 'size', bytes: 2 * 1024 * 1024 });
  t.deepEqual(parseRotationSchedule('size:1KB'), { kind: 'size', bytes: 1000 });
});

test('a bad rotation setting is refused, naming the field and the value', (t) => {
  for (const value of ['weekly', 'Daily', 'size:100', 'size:100mb', 'size:-5MB', 'size:MB', '100MB', 12, null, true]) {
    const err = t.throws(() => parseRotationSchedule(value, 'decisionLogRotate'));
    t.is((err as { code?: string }).code, 'audit_invalid_config');
    t.true(err!.message.startsWith('decisionLogRotate must be daily, hourly or size:'), err!.message);
    t.true(err!.message.endsWith(`not ${JSON.stringify(value)}`), err!.message);
  }
  t.throws(() => parseRotationSchedule('size:0.5KB'), { message: 'decisionLogRotate must rotate at 1KB or more, not "size:0.5KB"' });
});

test('periods end at the next UTC midnight or full hour; size rotation has no end', (t) => {
  const at = Date.parse('2026-12-03T13:27:05.123Z');
  t.is(new Date(periodEnd({ kind: 'daily' }, at)).toISOString(), '2026-12-04T00:00:00.000Z');
  t.is(new Date(periodEnd({ kind: 'hourly' }, at)).toISOString(), '2026-12-03T14:00:00.000Z');
  t.is(new Date(periodEnd({ kind: 'hourly' }, Date.parse('2026-12-03T14:00:00.000Z'))).toISOString(), '2026-12-03T15:00:00.000Z');
  t.is(periodEnd({ kind: 'size', bytes: 1000 }, at), Infinity);
});

test('rotated names carry a fixed-width UTC time that reads back, and nothing else reads as one', (t) => {
  const at = Date.parse('2026-12-03T13:00:00.000Z');
  t.is(rotatedFileName('decisions.log', at), 'decisions.log.2026-12-03T13-00-00.000Z');
  t.is(rotatedFileTime('decisions.log', 'decisions.log.2026-12-03T13-00-00.000Z'), at);
  for (const name of [
    'decisions.log',
    'decisions.log.2026-12-03T13-00-00.000Z.gz',
    'decisions.log.2026-12-03T13:00:00.000Z',
    'decisions.log.2026-02-30T00-00-00.000Z',
    'decisions.log.2026-12-03T24-00-00.000Z',
    'other.log.2026-12-03T13-00-00.000Z',
    'xdecisions.log.2026-12-03T13-00-00.000Z',
    'decisions.log.2026-12-03',
  ]) {
    t.is(rotatedFileTime('decisions.log', name), undefined, name);
  }
  const names = [Date.parse('2026-01-09T00:00:00Z'), Date.parse('2026-01-10T00:00:00Z'), Date.parse('2026-11-01T09:00:00.5Z')].map((time) => rotatedFileName('d.log', time));
  t.deepEqual([...names].reverse().sort(), names);
});
