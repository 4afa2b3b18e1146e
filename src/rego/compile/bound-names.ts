/** Whether a variable is bound: all the safety checks ask of the names bound so far (a Set is one). */
export interface BoundNames {
  has(name: string): boolean;
}

/**
 * `base` with names added on top, without copying it: the checks ask once per expression, and a
 * copy per expression made a body of thousands of expressions quadratic to compile.
 */
export class AddedNames implements BoundNames {
  private readonly added = new Set<string>();

  constructor(private readonly base: BoundNames) {}

  has(name: string): boolean {
    return this.added.has(name) || this.base.has(name);
  }

  add(name: string): this {
    this.added.add(name);
    return this;
  }
}
