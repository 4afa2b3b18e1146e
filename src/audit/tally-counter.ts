import { Counter, type Registry } from 'prom-client';

/** A counter that takes what `take` tallied since the last scrape whenever it is read. */
export function tallyCounter(name: string, help: string, registry: Registry, take: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.inc(take());
    },
  });
}
