import type { DecisionRecord, DecisionSink } from '../audit/decision-log.js';
import { createRedactor, type Redactor } from '../audit/redact.js';

/** A decision as the console holds it: the redacted record and when it arrived. */
export interface HeldDecision {
  readonly record: DecisionRecord;
  readonly timeMs: number;
}

/** Options of {@link DecisionFeed}. */
export interface DecisionFeedOptions {
  /** The decision log's extra redaction paths: the console shows what the log writes. */
  redactPaths?: string[];
  /** Most decisions held (default 10,000); the oldest go first. */
  capacity?: number;
  now?: () => number;
}

type Listener = (held: HeldDecision) => void;

/**
 * A decision sink beside the decision log: each record redacted as the log redacts it, kept in a
 * bounded ring of recent decisions, and handed to the live views listening. Never throws, never
 * blocks the decision.
 */
export class DecisionFeed implements DecisionSink {
  private readonly ring: (HeldDecision | undefined)[];
  private next = 0;
  private readonly byId = new Map<string, HeldDecision>();
  private readonly listeners = new Set<Listener>();
  private readonly redact: Redactor;
  private readonly now: () => number;
  dropped = 0;

  constructor(options: DecisionFeedOptions = {}) {
    this.ring = new Array<HeldDecision | undefined>(Math.max(1, options.capacity ?? 10_000));
    this.redact = createRedactor({ paths: options.redactPaths });
    this.now = options.now ?? Date.now;
  }

  write(record: DecisionRecord | string): void {
    let held: HeldDecision;
    try {
      const raw = typeof record === 'string' ? (JSON.parse(record) as DecisionRecord) : record;
      held = { record: this.redact(raw) as DecisionRecord, timeMs: this.now() };
    } catch {
      this.dropped++;
      return;
    }
    const evicted = this.ring[this.next];
    if (evicted && this.byId.get(evicted.record.decision_id) === evicted) this.byId.delete(evicted.record.decision_id);
    this.ring[this.next] = held;
    this.next = (this.next + 1) % this.ring.length;
    this.byId.set(held.record.decision_id, held);
    for (const listener of this.listeners) {
      try {
        listener(held);
      } catch {
        // A broken view loses its stream; the decision goes on.
      }
    }
  }

  /** Held decisions, oldest first. */
  recent(): HeldDecision[] {
    const out: HeldDecision[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const held = this.ring[(this.next + i) % this.ring.length];
      if (held) out.push(held);
    }
    return out;
  }

  find(decisionId: string): HeldDecision | undefined {
    return this.byId.get(decisionId);
  }

  /** Calls `listener` with every decision from now on; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
