/** A plan that does not match OPA's IR format. `where` names the statement and field. */
export class PlanError extends Error {
  readonly code = 'plan_error';
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`invalid plan: ${where}: ${problem}`);
    this.name = 'PlanError';
  }
}
