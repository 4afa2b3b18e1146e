import { randomUUID } from 'node:crypto';
import { failedDecision } from '../../engine/index.js';
import type { CheckStage } from './check.js';

/** Gives the check its decision id and its route's answer; a check no stage decided is a deny (fail closed). */
export const answerStage: CheckStage = {
  name: 'answer',
  run: (check) => {
    check.outcome ??= { decision: failedDecision('error', 'no stage decided the check'), revision: '', cached: false, inputJson: check.inputJson ?? '{}' };
    check.decisionId = randomUUID();
    check.response = check.route.answer(check);
  },
};
