import { WardenError } from '../errors.js';

/** A plan that does not match OPA's IR format. `where` names the statement and field. */
export class PlanError extends WardenError<'plan_error'> {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super('plan_error', `invalid plan: ${where}: ${problem}`);
    this.name = 'PlanError';
  }
}
