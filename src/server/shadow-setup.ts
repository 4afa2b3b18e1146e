import type { Logger } from 'pino';
import { createRedactor } from '../audit/redact.js';
import type { WardenMetrics } from '../audit/metrics.js';
import { loadShadowCandidate, parseShadowConfig, ShadowEvaluator, ShadowMetrics, ShadowReloader } from '../shadow/index.js';
import type { ServeConfig } from './config.js';
import { ServiceError } from './errors.js';

/** The shadow's parts: the evaluator beside the live revision, and what keeps its candidate current. */
export interface ShadowParts {
  evaluator: ShadowEvaluator;
  reloader: ShadowReloader;
}

/**
 * The shadow evaluator of `config.shadow`, its candidate compiled with the live entrypoints, and
 * its reloader (SIGHUP, and the source's changes once watched); `undefined` without a shadow.
 *
 * @throws ServiceError `invalid_config` when the setting is wrong or the candidate does not compile (the start is refused)
 */
export async function shadowSetup(config: ServeConfig, deps: { entrypoints: string[]; budgetMs: number; metrics: WardenMetrics; logger: Logger }): Promise<ShadowParts | undefined> {
  if (config.shadow === undefined) return undefined;
  try {
    const { source, sample } = parseShadowConfig(config.shadow);
    const candidate = await loadShadowCandidate(source, deps.entrypoints);
    const redactor = createRedactor({ paths: config.redactPaths });
    const metrics = new ShadowMetrics(deps.metrics.registry);
    const shadow = new ShadowEvaluator({
      decide: candidate.decide,
      revision: candidate.revision,
      sample,
      budgetMs: deps.budgetMs,
      metrics,
      logger: deps.logger,
      // The logged call has the decision record's own paths, so the decision log's redaction applies as is.
      redact: (call) => {
        const { subject, service, action } = call as { subject: string; service: string; action: string };
        const shown = redactor({ subject: { id: subject }, resource: { service }, action }) as { subject: { id: string }; resource: { service: string }; action: string };
        return { subject: shown.subject.id, service: shown.resource.service, action: shown.action };
      },
    });
    const reloader = new ShadowReloader({ source, entrypoints: deps.entrypoints, evaluator: shadow, metrics, logger: deps.logger, pollIntervalMs: config.policyPollIntervalMs });
    await reloader.markLoaded();
    deps.logger.info({ shadow: source, revision: candidate.revision, sample }, 'shadow revision evaluated beside the live one');
    return { evaluator: shadow, reloader };
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}
