import type { Metric, Registry } from 'prom-client';
import type { WardenMetrics } from '../audit/index.js';
import { EmbedError } from './errors.js';

/**
 * Registers every metric of `metrics` into the embedding service's `registry` (so its own scrape
 * endpoint serves them); returns how to take them out again. Two Authorizers cannot share one
 * registry: their metrics would have the same names.
 *
 * @throws EmbedError `embed_invalid_options` when the registry already holds a metric of that name
 */
export function registerMetrics(metrics: WardenMetrics, registry: Registry): () => void {
  const added: string[] = [];
  const unregister = () => {
    for (const name of added) registry.removeSingleMetric(name);
  };
  // getMetricsAsArray is typed as plain objects; it holds the registered metrics themselves.
  for (const metric of metrics.registry.getMetricsAsArray() as unknown as Metric[]) {
    const { name } = metric as unknown as { name: string };
    if (registry.getSingleMetric(name)) {
      unregister();
      throw new EmbedError('embed_invalid_options', `metrics: the registry already holds ${name} (one Authorizer per registry)`);
    }
    registry.registerMetric(metric);
    added.push(name);
  }
  return unregister;
}
