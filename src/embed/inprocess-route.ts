import { recordJsonWith, recordTail } from '../audit/index.js';
import { failedDecision } from '../engine/index.js';
import type { CheckRoute } from '../server/check-route/check.js';
import { decisionTime } from '../server/decision-time.js';
import { authorizeInputJson, type InputLimits } from './authorize-input.js';
import type { AuthorizeResult } from './authorize-result.js';
import { EmbedError } from './errors.js';

/** An in-process check's own state: the caller's input, as given. */
export interface InprocessCheckData {
  input: unknown;
}

/**
 * The route of `Authorizer.authorize`: the caller's input is checked and made canonical (a
 * malformed one is a deny saying what is wrong, logged without its input), and the decision is
 * answered as an {@link AuthorizeResult} and logged with `api: "inprocess"` (with no decision log,
 * its record is never built: `''`).
 */
export function inprocessRoute(entrypoint: string, limits: InputLimits, logging: boolean): CheckRoute {
  return {
    api: 'inprocess',
    entrypoint,
    shape: 'authz',
    identify(check) {
      if (check.inputJson !== undefined || check.outcome) return;
      try {
        check.inputJson = authorizeInputJson((check.data as InprocessCheckData).input, limits);
      } catch (e) {
        if (!(e instanceof EmbedError)) throw e;
        check.outcome = { decision: failedDecision('error', `malformed input: ${e.message}`), revision: '', cached: false, inputJson: '{}' };
      }
    },
    answer(check): AuthorizeResult {
      const { decision, cached, revision } = check.outcome!;
      return { allowed: decision.allow, reasons: decision.reasons, decision_id: check.decisionId!, cached, policy_revision: revision };
    },
    record(check, latency) {
      if (!logging) return '';
      const { decision, cached, revision, inputJson } = check.outcome!;
      const tail = recordTail({ allowed: decision.allow, reasons: decision.reasons, revision, cached }, inputJson);
      return recordJsonWith({ decision_id: check.decisionId!, time: decisionTime(), api: 'inprocess', latency }, tail);
    },
  };
}
