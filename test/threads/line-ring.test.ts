import test from 'ava';
import { allocateLineRing, LineRingReader, LineRingWriter } from '../../src/threads/line-ring.js';

const drainAll = (reader: LineRingReader) => {
  const lines: string[] = [];
  reader.drain((l) => lines.push(l));
  return lines;
};

test('lines come out in order, multi-byte text intact, across many wrap-arounds of a small ring', (t) => {
  const memory = allocateLineRing(256);
  const writer = new LineRingWriter(memory);
  const reader = new LineRingReader(memory);
  const seen: string[] = [];
  const sent: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const line = `${i}:${'é'.repeat(i % 13)}🙂${'x'.repeat(i % 7)}`;
    t.true(writer.write(line), `line ${i} fits`);
    sent.push(line);
    if (i % 3 === 2) seen.push(...drainAll(reader));
  }
  seen.push(...drainAll(reader));
  t.deepEqual(seen, sent);
});

test('a full ring refuses lines instead of overwriting unread ones, and takes them again once drained', (t) => {
  const memory = allocateLineRing(128);
  const writer = new LineRingWriter(memory);
  const reader = new LineRingReader(memory);
  const accepted: string[] = [];
  let refused = 0;
  for (let i = 0; i < 50; i++) {
    if (writer.write(`line-${i}`)) accepted.push(`line-${i}`);
    else refused++;
  }
  t.true(refused > 0);
  t.deepEqual(drainAll(reader), accepted);
  t.true(writer.write('after'));
  t.deepEqual(drainAll(reader), ['after']);
});

test('a line larger than the whole ring is refused', (t) => {
  const writer = new LineRingWriter(allocateLineRing(64));
  t.false(writer.write('y'.repeat(100)));
});

test('a waiting reader wakes when a line is committed', async (t) => {
  const memory = allocateLineRing(1024);
  const writer = new LineRingWriter(memory);
  const reader = new LineRingReader(memory);
  const woke = reader.nextLine();
  setTimeout(() => writer.write('hello'), 20);
  await woke;
  t.deepEqual(drainAll(reader), ['hello']);
});

test('canHold says which lines could ever fit', (t) => {
  const writer = new LineRingWriter(allocateLineRing(256));
  t.true(writer.canHold(40));
  t.false(writer.canHold(60));
});

test('with a deferred wake, lines written together wake a sleeping reader once, later', async (t) => {
  const memory = allocateLineRing(1024);
  const scheduled: Array<() => void> = [];
  const writer = new LineRingWriter(memory, (wake) => scheduled.push(wake));
  const reader = new LineRingReader(memory);
  let woke = false;
  const waiting = reader.nextLine().then(() => (woke = true));
  writer.write('a');
  writer.write('b');
  t.is(scheduled.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.false(woke, 'not before the deferred wake runs');
  scheduled[0]!();
  await waiting;
  t.deepEqual(drainAll(reader), ['a', 'b']);
});

test('a new reader on the same memory carries on where the last one stopped; lines a dead settling reader held are counted lost', (t) => {
  const memory = allocateLineRing(256);
  const writer = new LineRingWriter(memory);
  const first = new LineRingReader(memory, true);
  for (const line of ['a', 'b', 'c']) writer.write(line);
  const held: string[] = [];
  // The first reader takes two lines, settles one, then "dies" inside take() on the third.
  t.throws(() =>
    first.drain((line) => {
      if (line === 'c') throw new Error('thread died');
      held.push(line);
    }),
  );
  first.settle(1);
  t.deepEqual(held, ['a', 'b']);
  t.is(writer.abandonInFlight(), 2, "'b' was taken but never settled, and 'c' died with it");
  t.is(writer.droppedByReader, 2);
  for (const line of ['d', 'e']) writer.write(line);
  const second = new LineRingReader(memory, true);
  t.deepEqual(drainAll(second), ['d', 'e']);
  // Across many wrap-arounds the position stays shared.
  for (let i = 0; i < 200; i++) {
    t.true(writer.write(`line-${i}`));
    t.deepEqual(drainAll(new LineRingReader(memory)), [`line-${i}`]);
  }
  t.is(writer.abandonInFlight(), 2, 'the second reader never settled its two');
});
