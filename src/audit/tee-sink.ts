import type { DecisionRecord, DecisionSink } from './decision-log.js';

/**
 * One {@link DecisionSink} that writes each record to every one of `sinks` (the local decision log
 * and the decision-log service side by side); its `dropped` is theirs added up.
 */
export function teeSinks(...sinks: DecisionSink[]): DecisionSink {
  return {
    write(record: DecisionRecord | string): void {
      for (const sink of sinks) sink.write(record);
    },
    async flush(): Promise<void> {
      await Promise.all(sinks.map((s) => s.flush()));
    },
    async close(): Promise<void> {
      await Promise.all(sinks.map((s) => s.close()));
    },
    get dropped(): number {
      return sinks.reduce((n, s) => n + s.dropped, 0);
    },
  };
}
