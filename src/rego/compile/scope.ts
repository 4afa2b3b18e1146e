/** Lexical scopes for declared locals (`:=`, `some`, function args, `every`), renamed to unique names. */
export class Scope {
  private readonly names = new Map<string, string>();
  constructor(
    readonly parent: Scope | undefined,
    private readonly fresh: (name: string) => string,
    /** Query scopes keep their names: they are the result's bindings. */
    private readonly preserve = false,
  ) {}

  /** Declares `name` here; returns its unique name, or undefined when it is already declared here. */
  declare(name: string): string | undefined {
    if (this.names.has(name)) return undefined;
    const unique = this.preserve ? name : this.fresh(name);
    this.names.set(name, unique);
    return unique;
  }

  lookup(name: string): string | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  child(): Scope {
    return new Scope(this, this.fresh);
  }
}
