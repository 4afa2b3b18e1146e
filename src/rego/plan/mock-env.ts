import type { Term } from '../ast.js';
import { termKey } from '../compile/terms.js';

/**
 * Replacements made by `with` for rules, functions and builtins, keyed by `data.a.b` path or
 * builtin name. Rules planned under a non-empty environment get their own functions (`g1.…`),
 * as in OPA's planner, so that the replacement reaches every rule the expression calls.
 */
export interface MockEnv {
  id: number;
  mocks: ReadonlyMap<string, Term>;
}

export const EMPTY_ENV: MockEnv = { id: 0, mocks: new Map() };

export class MockEnvs {
  private readonly byKey = new Map<string, MockEnv>([['', EMPTY_ENV]]);

  /** `base` without the replacements of `names`. */
  without(base: MockEnv, names: string[]): MockEnv {
    if (!names.some((n) => base.mocks.has(n))) return base;
    const mocks = new Map(base.mocks);
    for (const n of names) mocks.delete(n);
    return this.intern(mocks);
  }

  /** `base` extended with `more` (later entries win), interned so equal environments share an id. */
  extend(base: MockEnv, more: Array<[string, Term]>): MockEnv {
    const mocks = new Map(base.mocks);
    for (const [k, v] of more) mocks.set(k, v);
    return this.intern(mocks);
  }

  private intern(mocks: Map<string, Term>): MockEnv {
    const key = [...mocks].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${termKey(v)}`).join(';');
    let env = this.byKey.get(key);
    if (!env) {
      env = { id: this.byKey.size, mocks };
      this.byKey.set(key, env);
    }
    return env;
  }
}
