import type { Logger } from 'pino';
import { createRedactor } from '../audit/redact.js';
import type { WardenMetrics } from '../audit/metrics.js';
import { loadShadowCandidate, parseShadowConfig, ShadowEvaluator, ShadowMetrics } from '../shadow/index.js';
import type { ServeConfig } from './config.js';
import { ServiceError } from './errors.js';

/**
 * The shadow evaluator of `config.shadow`, its candidate compiled once with the live entrypoints;
 * `undefined` without a shadow.
 *
 * @throws ServiceError `invalid_config` when the setting is wrong or the candidate does not compile (the start is refused)
 */
export async function shadowSetup(config: ServeConfig, deps: { entrypoints: string[]; budgetMs: number; metrics: WardenMetrics; logger: Logger }): Promise<ShadowEvaluator | undefined> {
  if (config.shadow === undefined) return undefined;
  try {
    const { source, sample } = parseShadowConfig(config.shadow);
    const candidate = await loadShadowCandidate(source, deps.entrypoints);
    const redactor = createRedactor({ paths: config.redactPaths });
    const shadow = new ShadowEvaluator({
      decide: candidate.decide,
      revision: candidate.revision,
      sample,
      budgetMs: deps.budgetMs,
      metrics: new ShadowMetrics(deps.metrics.registry),
      logger: deps.logger,
      // The logged call has the decision record's own paths, so the decision log's redaction applies as is.
      redact: (call) => {
        const { subject, service, action } = call as { subject: string; service: string; action: string };
        const shown = redactor({ subject: { id: subject }, resource: { service }, action }) as { subject: { id: string }; resource: { service: string }; action: string };
        return { subject: shown.subject.id, service: shown.resource.service, action: shown.action };
      },
    });
    deps.logger.info({ shadow: source, revision: candidate.revision, sample }, 'shadow revision evaluated beside the live one');
    return shadow;
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}
