import type { Location as AstLocation } from '../ast.js';
import type { Block, BuiltinDecl, Func, Operand, Plan, Policy, Stmt } from '../../ir/types.js';
import { VOID_BUILTINS } from '../compile/builtin-catalog.js';

/** Accumulates the policy-wide parts of a plan: strings, files, builtins, functions and plans. */
export class IrBuilder {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly builtins = new Map<string, BuiltinDecl>();
  readonly funcs: Func[] = [];
  readonly plans: Plan[] = [];

  string(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  file(f: string): number {
    let i = this.fileIndex.get(f);
    if (i === undefined) {
      i = this.files.length;
      this.files.push(f);
      this.fileIndex.set(f, i);
    }
    return i;
  }

  useBuiltin(name: string, arity: number): void {
    if (this.builtins.has(name)) return;
    const decl: BuiltinDecl = { type: 'function', args: Array.from({ length: arity }, () => ({ type: 'any' })) };
    if (!VOID_BUILTINS.has(name)) decl.result = { type: 'any' };
    this.builtins.set(name, decl);
  }

  policy(): Policy {
    return {
      static: {
        strings: this.strings.map((value) => ({ value })),
        builtin_funcs: [...this.builtins].map(([name, decl]) => ({ name, decl })),
        files: this.files.map((value) => ({ value })),
      },
      plans: { plans: this.plans },
      funcs: { funcs: this.funcs },
    };
  }
}

/** Statement emission for one function or plan: locals, the current block, locations. */
export class FnBuilder {
  private nextLocal: number;
  cur: Stmt[] = [];
  loc: AstLocation | undefined;

  constructor(
    readonly ir: IrBuilder,
    firstFree: number,
  ) {
    this.nextLocal = firstFree;
  }

  newLocal(): number {
    return this.nextLocal++;
  }

  emit<T extends Stmt['type']>(type: T, fields: Omit<Extract<Stmt, { type: T }>['stmt'], 'file' | 'row' | 'col'>): void {
    const loc = this.loc;
    const where = loc ? { file: this.ir.file(loc.file), row: loc.line, col: loc.col } : { file: 0, row: 0, col: 0 };
    this.cur.push({ type, stmt: { ...fields, ...where } } as Stmt);
  }

  /** Runs `fn` with a fresh current statement list and returns it as a block. */
  block(fn: () => void): Block {
    const saved = this.cur;
    this.cur = [];
    try {
      fn();
      return { stmts: this.cur };
    } finally {
      this.cur = saved;
    }
  }

  /** An operand held in a local (constants are copied into one). */
  toLocal(op: Operand): number {
    if (op.type === 'local') return op.value;
    const l = this.newLocal();
    this.emit('AssignVarStmt', { source: op, target: l });
    return l;
  }

  str(s: string): Operand {
    return { type: 'string_index', value: this.ir.string(s) };
  }
}

export const local = (value: number): Operand => ({ type: 'local', value });
export const boolOp = (value: boolean): Operand => ({ type: 'bool', value });
