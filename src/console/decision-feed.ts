import type { DecisionRecord, DecisionSink } from '../audit/decision-log.js';
import { createLineRedactor } from '../audit/line-redactor.js';

/** Options of {@link DecisionFeed}. */
export interface DecisionFeedOptions {
  /** The decision log's extra redaction paths: the console shows what the log writes. */
  redactPaths?: string[];
  /** Most decisions held (default 10,000); the oldest go first. */
  capacity?: number;
  now?: () => number;
}

type Listener = (held: HeldDecision) => void;

/** What the console's views read of a held decision. */
export interface HeldRecord {
  readonly record: DecisionRecord;
  readonly timeMs: number;
}

// Records arrive as the JSON text the decision log is given, which starts with the decision id.
const LEADING_ID = /^\{"decision_id":"([^"\\]*)"/;

/** A record's JSON text → the record as the decision log writes it. */
type RecordRedactor = (recordJson: string) => DecisionRecord;

/** The decision log's own line redactor, its `"log":"decision"` marker left out. */
function recordRedactor(redactPaths: string[] | undefined): RecordRedactor {
  const line = createLineRedactor(redactPaths);
  return (recordJson) => {
    const { log: _marker, ...record } = JSON.parse(line(recordJson)) as DecisionRecord & { log?: string };
    return record;
  };
}

/**
 * A decision as the console holds it: kept as it came, redacted by the decision log's own redactor
 * the first time someone looks, so the serving thread pays nothing more while nobody does.
 */
export class HeldDecision implements HeldRecord {
  private redacted: DecisionRecord | undefined;

  constructor(
    private source: DecisionRecord | string | undefined,
    readonly decisionId: string,
    readonly timeMs: number,
    private readonly redact: RecordRedactor,
  ) {}

  /**
   * The redacted record.
   *
   * @throws SyntaxError for a record that is not JSON (the feed drops those before holding them)
   */
  get record(): DecisionRecord {
    if (this.redacted === undefined) {
      this.redacted = this.redact(typeof this.source === 'string' ? this.source : JSON.stringify(this.source));
      this.source = undefined;
    }
    return this.redacted;
  }
}

/** Longest the serving thread spends redacting held decisions before letting other work run. */
const SLICE_MS = 4;

/** Decisions waiting for the live views beyond this are not streamed (they stay in the ring). */
const MAX_PENDING = 10_000;

/**
 * A decision sink beside the decision log: recent decisions in a bounded ring, and each new one
 * handed to the live views listening — after the decision's turn, in batches, so a view open in a
 * browser adds nothing to a decision's latency. Never throws, never blocks the decision.
 */
export class DecisionFeed implements DecisionSink {
  private readonly ring: (HeldDecision | undefined)[];
  private next = 0;
  private readonly byId = new Map<string, HeldDecision>();
  private readonly listeners = new Set<Listener>();
  private readonly redact: RecordRedactor;
  private readonly now: () => number;
  private pending: HeldDecision[] = [];
  private flushing: NodeJS.Immediate | undefined;
  dropped = 0;

  constructor(options: DecisionFeedOptions = {}) {
    this.ring = new Array<HeldDecision | undefined>(Math.max(1, options.capacity ?? 10_000));
    this.redact = recordRedactor(options.redactPaths);
    this.now = options.now ?? Date.now;
  }

  write(record: DecisionRecord | string): void {
    let held: HeldDecision;
    try {
      const id = typeof record === 'string' ? (LEADING_ID.exec(record)?.[1] ?? (JSON.parse(record) as DecisionRecord).decision_id) : record.decision_id;
      if (typeof id !== 'string') throw new TypeError('a record without a decision id');
      held = new HeldDecision(record, id, this.now(), this.redact);
    } catch {
      this.dropped++;
      return;
    }
    const evicted = this.ring[this.next];
    if (evicted && this.byId.get(evicted.decisionId) === evicted) this.byId.delete(evicted.decisionId);
    this.ring[this.next] = held;
    this.next = (this.next + 1) % this.ring.length;
    this.byId.set(held.decisionId, held);
    if (this.listeners.size === 0) return;
    if (this.pending.length < MAX_PENDING) this.pending.push(held);
    this.flushing ??= setImmediate(() => this.notify());
  }

  private notify(): void {
    this.flushing = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const held of batch) {
      if (!readable(held)) continue;
      for (const listener of this.listeners) {
        try {
          listener(held);
        } catch {
          // A broken view loses its stream; the decisions go on.
        }
      }
    }
  }

  /**
   * Held decisions that read as records, oldest first, redacted a few milliseconds at a time with
   * the event loop let go in between: a first look at 10,000 decisions takes a while, but no
   * check waits behind it.
   */
  async recentRecords(sliceMs = SLICE_MS): Promise<HeldDecision[]> {
    const all = this.held();
    let sliceStart = performance.now();
    const out: HeldDecision[] = [];
    for (const held of all) {
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      if (readable(held)) out.push(held);
    }
    return out;
  }

  /** Held decisions that read as records, oldest first, redacted now (tests, small feeds). */
  recent(): HeldDecision[] {
    return this.held().filter(readable);
  }

  private held(): HeldDecision[] {
    const out: HeldDecision[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const held = this.ring[(this.next + i) % this.ring.length];
      if (held) out.push(held);
    }
    return out;
  }

  find(decisionId: string): HeldDecision | undefined {
    const held = this.byId.get(decisionId);
    return held && readable(held) ? held : undefined;
  }

  /** Calls `listener` with every decision from now on; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Hands what is pending to the live views now. */
  async flush(): Promise<void> {
    if (this.flushing) clearImmediate(this.flushing);
    this.notify();
  }

  async close(): Promise<void> {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    this.pending = [];
    this.listeners.clear();
  }
}

/** True when the record parses (one with a readable id but broken JSON after it is skipped). */
function readable(held: HeldDecision): boolean {
  try {
    void held.record;
    return true;
  } catch {
    return false;
  }
}
