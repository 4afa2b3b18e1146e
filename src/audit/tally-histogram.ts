import type { Metric, MetricValueWithName } from 'prom-client';

/**
 * A Prometheus histogram with one label, counted in plain arrays and read by prom-client only at
 * scrape time: observing is a bucket search and two additions, where prom-client's own Histogram
 * validates and hashes its labels on every observation (several microseconds a decision).
 * Registered with `registry.registerMetric`, it is exposed exactly like a prom-client histogram.
 */
export class TallyHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly tallies = new Map<L, { buckets: Float64Array; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly upperBounds: number[],
  ) {}

  /** Counts one observation of `value` under label value `label`. */
  observe(label: L, value: number): void {
    let tally = this.tallies.get(label);
    if (!tally) this.tallies.set(label, (tally = { buckets: new Float64Array(this.upperBounds.length), sum: 0, count: 0 }));
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        tally.buckets[i]!++;
        break;
      }
    }
    tally.sum += value;
    tally.count++;
  }

  /** What prom-client's registry reads: cumulative buckets, `+Inf`, sum and count per label value. */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValueWithName<string>[] }> {
    const values: MetricValueWithName<string>[] = [];
    for (const [label, tally] of this.tallies) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += tally.buckets[i]!;
        values.push({ labels: { [this.labelName]: label, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { [this.labelName]: label, le: '+Inf' }, value: tally.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { [this.labelName]: label }, value: tally.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.labelName]: label }, value: tally.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.tallies.clear();
  }
}

// The registry's own type for what it can register.
export type RegisteredMetric = Metric<string>;
