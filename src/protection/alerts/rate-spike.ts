import { LRUCache } from 'lru-cache';
import type { ActivityEvent } from '../activity.js';
import { andThen } from '../maybe-promise.js';
import type { MaybePromise, ProtectionStore } from '../store.js';
import type { AlertInput } from './alert.js';
import type { RateSpikeConfig } from './config.js';
import { ALERT_KEY_PREFIX } from './detectors.js';

/** A subject's baseline: an exponentially weighted mean of its per-second rate, one sample per window slot. */
interface Baseline {
  /** The window slot (time / window) of the last event seen. */
  slot: number;
  /** The slot the subject was first seen in: its rate then covers part of a slot only, so it is not a sample. */
  firstSlot: number;
  /** The rate measured at the last event seen (per second). */
  lastRate: number;
  mean: number;
  samples: number;
}

/** Samples a baseline needs before it is trusted: a subject's first minute (at the default window) never alerts. */
export const MIN_BASELINE_SAMPLES = 6;

/** Most subjects whose baselines are kept by default; the least recently seen are forgotten first. */
export const DEFAULT_MAX_BASELINES = 10_000;

/**
 * Rate spikes: one subject's rate, counted over the last `window` in the protection store (so
 * replicas sharing a store measure the same rate), against its moving baseline.
 *
 * The baseline is an exponentially weighted mean of the rate, updated once per window slot with the
 * rate measured at the slot's last event, weighted `1 - e^(-window/baseline)`; slots without events
 * are samples of 0. Its first samples are averaged plainly (weight `max(α, 1/n)`), so it starts at
 * the subject's usual rate rather than near 0. The store's operations (take, count, distinct, mark)
 * cannot hold a running mean, so the baselines live here, in a bounded LRU (`maxBaselines`): a
 * replica that forgets one relearns it in a minute.
 */
export class RateSpikeDetector {
  private readonly baselines: LRUCache<string, Baseline>;
  private readonly alpha: number;

  constructor(
    private readonly config: RateSpikeConfig,
    private readonly store: ProtectionStore,
    maxBaselines = DEFAULT_MAX_BASELINES,
  ) {
    this.baselines = new LRUCache<string, Baseline>({ max: maxBaselines });
    this.alpha = 1 - Math.exp(-config.windowMs / config.baselineMs);
  }

  /** Subjects with a baseline now. */
  get size(): number {
    return this.baselines.size;
  }

  /** Whether baselines kept under `config` stay meaningful under `next` (same window and time constant). */
  compatible(next: RateSpikeConfig): boolean {
    return next.windowMs === this.config.windowMs && next.baselineMs === this.config.baselineMs;
  }

  /** Baselines move to `next`, a detector for a compatible configuration (see {@link compatible}). */
  handOver(next: RateSpikeDetector): void {
    for (const [subject, baseline] of [...this.baselines.entries()].reverse()) next.baselines.set(subject, baseline);
  }

  /**
   * Counts the event and says whether its subject is now over `factor` times its baseline (and over
   * `minPerSecond`).
   *
   * @example
   * const detector = new RateSpikeDetector({ factor: 5, minPerSecond: 10, windowMs: 10_000, baselineMs: 600_000 }, store);
   * monitor.raise(detector.detect(event));
   */
  detect(event: ActivityEvent): MaybePromise<AlertInput | undefined> {
    if (event.subject === '') return undefined;
    const { windowMs } = this.config;
    return andThen(this.store.count(`${ALERT_KEY_PREFIX}rate:${event.subject}`, 1, windowMs, event.atMs), (inWindow) => {
      const rate = inWindow / (windowMs / 1000);
      const slot = Math.floor(event.atMs / windowMs);
      const baseline = this.baselines.get(event.subject);
      if (baseline === undefined) {
        this.baselines.set(event.subject, { slot, firstSlot: slot, lastRate: rate, mean: 0, samples: 0 });
        return undefined;
      }
      if (slot > baseline.slot) this.advance(baseline, slot);
      baseline.lastRate = rate;
      const { factor, minPerSecond } = this.config;
      if (baseline.samples < MIN_BASELINE_SAMPLES || rate < minPerSecond || rate < factor * baseline.mean) return undefined;
      const perSecond = Math.round(rate * 100) / 100;
      const baselinePerSecond = Math.round(baseline.mean * 100) / 100;
      return {
        kind: 'rate_spike',
        subject: event.subject,
        service: event.service,
        address: event.address,
        counts: { perSecond, baselinePerSecond },
        summary: `rate spike: ${event.subject} at ${perSecond}/s, ${factor}× or more its baseline of ${baselinePerSecond}/s`,
      } satisfies AlertInput;
    });
  }

  /** Folds the slots from the baseline's last one up to `slot` (exclusive) into its mean. */
  private advance(baseline: Baseline, slot: number): void {
    if (baseline.slot !== baseline.firstSlot) this.fold(baseline, baseline.lastRate);
    // Past ~7 time constants of empty slots the mean is ~0 either way: the loop stays short after long silences.
    const empty = Math.min(slot - baseline.slot - 1, Math.ceil(7 / this.alpha) + MIN_BASELINE_SAMPLES);
    for (let i = 0; i < empty; i++) this.fold(baseline, 0);
    baseline.slot = slot;
  }

  private fold(baseline: Baseline, sample: number): void {
    baseline.samples++;
    baseline.mean += Math.max(this.alpha, 1 / baseline.samples) * (sample - baseline.mean);
  }
}
