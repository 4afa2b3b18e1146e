/** Variable → local bindings while planning a body; nested bodies see their parents' bindings. */
export class VarScope {
  private readonly vars = new Map<string, number>();
  constructor(readonly parent?: VarScope) {}

  get(name: string): number | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }

  set(name: string, local: number): void {
    this.vars.set(name, local);
  }

  child(): VarScope {
    return new VarScope(this);
  }

  /** Whether `name` is bound here or in a parent (a scope is the safety checks' set of bound names). */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}
