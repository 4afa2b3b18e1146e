export type * from './types.js';
export { loadPlan } from './load-plan.js';
export { PlanError } from './errors.js';
export { STMT_FIELDS } from './schema.js';
