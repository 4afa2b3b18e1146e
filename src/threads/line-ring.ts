/**
 * A single-producer, single-consumer ring of text lines in shared memory between two threads (the
 * serving thread and the decision-log or check worker). Writing a line is a copy into the ring and
 * one atomic add: no message, no allocation, no system call, and the reader is woken only when it
 * sleeps.
 *
 * Layout: eight control words, then the data. Each record is a 32-bit length followed by its bytes,
 * padded to 4 bytes; a length of -1 (or fewer than 4 bytes left) sends the reader back to the start.
 * The reader's position is kept in the shared memory too, so that a reader on a new thread (after
 * the old one died) carries on where the old one stopped.
 */
const USED = 0; // bytes the writer has committed and the reader has not released
const SLEEPING = 1; // 1 while the reader waits for a wake-up
const WAKE = 2; // the word the reader waits on
const DROPPED = 3; // records the reader's side lost (a failing destination, a reader that died)
const READ_AT = 4; // the reader's offset
const IN_FLIGHT = 5; // lines a settling reader took out of the ring and has not yet settled
const CONTROL_BYTES = 32;
const WRAP = -1;

const align4 = (n: number) => (n + 3) & ~3;

/** The shared memory of a ring, to hand to the other thread. */
export type LineRingMemory = SharedArrayBuffer;

/** Allocates a ring with room for `dataBytes` bytes of records (rounded up to 4). */
export function allocateLineRing(dataBytes: number): LineRingMemory {
  return new SharedArrayBuffer(CONTROL_BYTES + align4(Math.max(dataBytes, 64)));
}

abstract class RingSide {
  protected readonly control: Int32Array;
  protected readonly lengths: Int32Array;
  protected readonly bytes: Buffer;
  protected readonly size: number;

  constructor(memory: LineRingMemory) {
    this.control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
    this.size = memory.byteLength - CONTROL_BYTES;
    this.lengths = new Int32Array(memory, CONTROL_BYTES, this.size / 4);
    this.bytes = Buffer.from(memory, CONTROL_BYTES, this.size);
  }

  /**
   * Whether a line of `length` UTF-16 units is sure to fit once the reader has caught up: its room
   * (three bytes a unit) must be at most half the ring, or the place the reader stopped could leave
   * no stretch long enough on either side of it.
   */
  canHold(length: number): boolean {
    return 4 + align4(length * 3) <= this.size / 2;
  }

  /** Lines lost on the reader's side (counted by the reader, or by {@link LineRingWriter.abandonInFlight}). */
  get droppedByReader(): number {
    return Atomics.load(this.control, DROPPED);
  }
}

/** The producing side: appends lines, never blocks. */
export class LineRingWriter extends RingSide {
  private offset = 0;
  private wakeScheduled = false;

  /**
   * @param wakeLater when given, a sleeping reader is woken through it (`setImmediate`,
   *   `queueMicrotask`) rather than at once, so that the lines written in the meantime cost one
   *   wake-up (a system call on both sides) instead of one each
   */
  constructor(
    memory: LineRingMemory,
    private readonly wakeLater?: (wake: () => void) => void,
  ) {
    super(memory);
  }

  private readonly wake = (): void => {
    this.wakeScheduled = false;
    if (Atomics.exchange(this.control, SLEEPING, 0) === 1) {
      Atomics.store(this.control, WAKE, 1);
      Atomics.notify(this.control, WAKE);
    }
  };

  /** Appends `line`; false when the ring has no room for it (the caller counts the loss). */
  write(line: string): boolean {
    // UTF-8 takes at most three bytes per UTF-16 unit; room is reserved for that, and released.
    const reserve = 4 + align4(line.length * 3);
    let start = this.offset;
    let skipped = 0;
    if (start + reserve > this.size) {
      skipped = this.size - start;
      start = 0;
    }
    if (Atomics.load(this.control, USED) + skipped + reserve > this.size) return false;
    if (skipped >= 4) this.lengths[this.offset >> 2] = WRAP;
    const written = this.bytes.write(line, start + 4, line.length * 3, 'utf8');
    this.lengths[start >> 2] = written;
    const taken = 4 + align4(written);
    this.offset = start + taken;
    // The atomic add publishes the bytes above to the reader.
    Atomics.add(this.control, USED, skipped + taken);
    if (Atomics.load(this.control, SLEEPING) === 1) {
      if (!this.wakeLater) this.wake();
      else if (!this.wakeScheduled) {
        this.wakeScheduled = true;
        this.wakeLater(this.wake);
      }
    }
    return true;
  }

  /**
   * After the reader's thread died: counts the lines it had taken out of the ring but not settled
   * as lost (in {@link droppedByReader}) and returns how many. Call it before a new reader starts.
   */
  abandonInFlight(): number {
    const lost = Atomics.exchange(this.control, IN_FLIGHT, 0);
    if (lost > 0) Atomics.add(this.control, DROPPED, lost);
    return lost;
  }
}

/** The consuming side: takes every committed line, and waits for more. */
export class LineRingReader extends RingSide {
  private offset: number;

  /**
   * @param settles when true, every line taken stays counted in flight until {@link settle}d, so
   *   that the lines a dying thread held can be counted (see `LineRingWriter.abandonInFlight`)
   */
  constructor(
    memory: LineRingMemory,
    private readonly settles = false,
  ) {
    super(memory);
    this.offset = Atomics.load(this.control, READ_AT);
  }

  /**
   * Calls `take` with each committed line in order and returns how many. Each line's room is
   * released, and the position saved, before `take` sees it: a thread that dies inside `take`
   * leaves a ring that a new reader carries on from, without that line.
   */
  drain(take: (line: string) => void): number {
    const available = Atomics.load(this.control, USED);
    let consumed = 0;
    let count = 0;
    while (consumed < available) {
      const left = this.size - this.offset;
      const length = left >= 4 ? this.lengths[this.offset >> 2]! : WRAP;
      if (length === WRAP) {
        consumed += left;
        this.offset = 0;
        Atomics.store(this.control, READ_AT, 0);
        Atomics.sub(this.control, USED, left);
        continue;
      }
      const line = this.bytes.toString('utf8', this.offset + 4, this.offset + 4 + length);
      const taken = 4 + align4(length);
      this.offset += taken;
      consumed += taken;
      count++;
      if (this.settles) Atomics.add(this.control, IN_FLIGHT, 1);
      Atomics.store(this.control, READ_AT, this.offset);
      Atomics.sub(this.control, USED, taken);
      take(line);
    }
    return count;
  }

  /** Settles `count` lines taken (written out, or lost: then counted in {@link droppedByReader}). */
  settle(count: number, lost = false): void {
    if (lost) Atomics.add(this.control, DROPPED, count);
    if (this.settles) Atomics.sub(this.control, IN_FLIGHT, count);
  }

  /** Resolves when the writer commits a line (at once if one is waiting already). */
  async nextLine(): Promise<void> {
    Atomics.store(this.control, SLEEPING, 1);
    // A line committed before the flag was raised would not wake us: look once more.
    if (Atomics.load(this.control, USED) > 0) {
      Atomics.store(this.control, SLEEPING, 0);
      return;
    }
    const wait = Atomics.waitAsync(this.control, WAKE, 0);
    if (wait.async) await wait.value;
    Atomics.store(this.control, WAKE, 0);
  }

  /** Ends a {@link nextLine} wait at once (to stop a reading loop). */
  interrupt(): void {
    Atomics.store(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
  }
}
