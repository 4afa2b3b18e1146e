import type { Body, Expr, RefTerm, Term, VarTerm, Location } from '../ast.js';
import type { Operand } from '../../ir/types.js';
import type { Diagnostic } from '../diagnostics.js';
import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import { valueTerm } from './annotations.js';
import type { SafetyChecker } from '../compile/safety.js';
import type { BoundNames } from '../compile/bound-names.js';
import type { OrderedBodies } from '../compile/order-bodies.js';
import { DEPRECATED_BUILTINS, builtinArity, isBuiltin } from '../compile/builtin-catalog.js';
import { displayName, refName, termKey, varsOf, walkTerm, ROOTS } from '../compile/terms.js';
import { FnBuilder, boolOp, local } from './ir-builder.js';
import type { MockEnv } from './mock-env.js';
import type { RuleTree, TreeNode } from './rule-tree.js';
import { hoistDynamicOperands, hoistNegationOperands, type Hoisted } from './operand-hoisting.js';
import { VarScope } from './var-scope.js';
import { isConstant } from './early-exit.js';
import { planSortedSearch } from './sorted-search.js';

/** Strings in Rego's order (their UTF-8 bytes), the order the `lt` builtin searches them in. */
const regoStringOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

type K = () => void;
type KOp = (op: Operand) => void;

/** What a body planner needs from the policy-wide planner. */
export interface PlannerServices {
  tree: RuleTree;
  /** Whether a term is evaluable with what is bound (to pick a unification's direction). */
  safety: SafetyChecker;
  /** Bodies as the safety stage ordered them. */
  ordered: OrderedBodies;
  report(d: Diagnostic): void;
  /**
   * A variable found unbound while planning: the safety stage reports those, so this stops the
   * path without a diagnostic of its own, and the plan stage fails if nothing else was reported.
   */
  unbound(loc: Location, name: string): void;
  /** The IR function for a rule group under a mock environment (planned on first use). */
  funcName(group: RuleGroup, env: MockEnv): string;
  withMocks(env: MockEnv, more: Array<[string, Term]>): MockEnv;
  withoutFunctionMocks(env: MockEnv): MockEnv;
  /** A fresh number for carrying a `with` value through data. */
  nextCarrier(): number;
  /** `rego.metadata.rule()` / `rego.metadata.chain()` of a rule definition. */
  metadata(def: RuleDef | undefined, which: 'rule' | 'chain'): unknown;
  /** With coverage on: records that execution reached `loc` (see `COVERAGE_BUILTIN`). */
  markCovered(fb: FnBuilder, loc: Location): void;
}


/**
 * Plans bodies, terms and unification into IR statements in continuation-passing style: whatever
 * follows an expression is planned inside it, so iteration (ScanStmt) naturally nests the rest of
 * the body, and a failing statement ends the current block, as OPA's planner does.
 */
export class BodyPlanner {
  constructor(
    readonly fb: FnBuilder,
    private readonly svc: PlannerServices,
    public env: MockEnv,
    /** The rule definition being planned, for `rego.metadata.*`. */
    public currentDef?: RuleDef,
    /** Locals holding input and data in this function. */
    private readonly inputLocal = 0,
    private readonly dataLocal = 1,
  ) {}

  /** Numbers the variables that stand for operands evaluated before a negation. */
  private negationVars = 0;
  private dynamicVars = 0;

  private error(loc: Location, message: string, code: Diagnostic['code'] = 'rego_compile_error'): void {
    this.svc.report({ code, message, file: loc.file, line: loc.line, col: loc.col });
  }

  // ---------------------------------------------------------------- bodies and expressions

  /** Plans `body` in the order the safety stage gave it, then `k`. */
  planBody(body: Body, scope: VarScope, k: K): void {
    const ordered = this.svc.ordered.get(body);
    const step = (i: number): void => {
      if (i === ordered.length) return k();
      this.planExpr(ordered[i]!, scope, () => step(i + 1));
    };
    step(0);
  }

  private planExpr(e: Expr, scope: VarScope, k: K): void {
    this.fb.loc = e.loc;
    this.svc.markCovered(this.fb, e.loc);
    if (e.with.length > 0) return this.planWith(e, scope, k);
    if (e.negated) return this.planNegated(e, scope, k);
    this.planExprCore(e, scope, k);
  }

  private planNegated(e: Expr, scope: VarScope, k: K): void {
    const fb = this.fb;
    const { hoisted, expr } = e.operandsInside ? { hoisted: [], expr: e } : hoistNegationOperands(e, () => `$not${this.negationVars++}`, (t) => this.isBound(t, scope));
    const outside = scope.child();
    const step = (i: number): void => {
      if (i < hoisted.length) {
        const { name, term } = hoisted[i]!;
        return this.planTerm(term, outside, (op) => {
          outside.set(name, fb.toLocal(op));
          step(i + 1);
        });
      }
      // A flag rather than NotStmt: iteration inside the expression must succeed once, and a
      // ScanStmt completes whether or not any of its iterations did.
      const held = fb.newLocal();
      fb.emit('ResetLocalStmt', { target: held });
      const block = fb.block(() => this.planExprCore(expr, outside.child(), () => fb.emit('AssignVarStmt', { source: boolOp(true), target: held })));
      fb.emit('BlockStmt', { blocks: [block] });
      fb.emit('IsUndefinedStmt', { source: held });
      k();
    };
    step(0);
  }

  private planExprCore(e: Expr, scope: VarScope, k: K): void {
    switch (e.type) {
      case 'term':
        return this.planTerm(e.term, scope, (op) => {
          this.fb.emit('NotEqualStmt', { a: op, b: boolOp(false) });
          k();
        });
      case 'some':
        return k();
      case 'someIn':
        return this.planTerm(e.collection, scope, (coll) => {
          const src = this.fb.toLocal(coll);
          const key = this.fb.newLocal();
          const value = this.fb.newLocal();
          const block = this.fb.block(() => {
            this.unifyValue(e.value, local(value), scope, () => {
              if (e.key) this.unifyValue(e.key, local(key), scope, k);
              else k();
            });
          });
          this.fb.emit('ScanStmt', { source: src, key, value, block });
        });
      case 'every':
        return this.planEvery(e, scope, k);
      case 'call':
        return this.planCallExpr(e, scope, k);
    }
  }

  /** `every k, v in d { body }` holds when the domain is a collection and no element fails the body. */
  private planEvery(e: Extract<Expr, { type: 'every' }>, scope: VarScope, k: K): void {
    const fb = this.fb;
    this.planTerm(e.domain, scope, (dom) => {
      const src = fb.toLocal(dom);
      const kinds = (['IsArrayStmt', 'IsObjectStmt', 'IsSetStmt'] as const).map((type) =>
        fb.block(() => {
          fb.emit(type, { source: local(src) });
          fb.emit('BreakStmt', { index: 1 });
        }),
      );
      fb.emit('BlockStmt', { blocks: [fb.block(() => { fb.emit('BlockStmt', { blocks: kinds }); fb.emit('BreakStmt', { index: 1 }); })] });
      const violated = fb.newLocal();
      fb.emit('ResetLocalStmt', { target: violated });
      const key = fb.newLocal();
      const value = fb.newLocal();
      const scanBody = fb.block(() => {
        const s = scope.child();
        s.set(e.value.name, value);
        if (e.key) s.set(e.key.name, key);
        const held = fb.newLocal();
        fb.emit('ResetLocalStmt', { target: held });
        const body = fb.block(() => this.planBody(e.body, s, () => fb.emit('AssignVarStmt', { source: boolOp(true), target: held })));
        fb.emit('BlockStmt', { blocks: [body] });
        fb.emit('IsUndefinedStmt', { source: held });
        fb.emit('AssignVarStmt', { source: boolOp(true), target: violated });
      });
      fb.emit('ScanStmt', { source: src, key, value, block: scanBody });
      fb.emit('IsUndefinedStmt', { source: violated });
      k();
    });
  }

  private planCallExpr(written: Extract<Expr, { type: 'call' }>, scope: VarScope, k: K): void {
    const evaluable = (t: Term, bound: BoundNames) => this.svc.safety.evaluable(t, bound, new Set());
    const { hoisted, expr: e } = hoistDynamicOperands(written, () => `$dyn${this.dynamicVars++}`, scope, evaluable);
    if (hoisted.length > 0) return this.planHoisted(hoisted, scope, () => this.planCallExpr(e, scope, k));
    const name = refName(e.operator);
    const args = e.args;
    // After the safety check both sides of == are bound or bound by evaluating the other (a ref's
    // key): OPA rewrites it to unification, which compares once a variable is bound.
    if (name === 'eq' && args.length === 2) return this.unify(args[0]!, args[1]!, scope, k);
    if (name === 'equal' && args.length === 2) {
      // Only a variable that is a ref's key may be unbound here (evaluating the ref binds it);
      // anything else got past the safety stage, and `==` must not bind it (fail closed).
      const keys = new Set<string>();
      for (const a of args) walkTerm(a, (x) => x.type === 'ref' && x.path.forEach((p) => varsOf(p, keys)));
      const unbound = args.flatMap((a) => this.unboundOutsideKeys(a, scope)).find((v) => !keys.has(v.name));
      if (unbound) return this.svc.unbound(unbound.loc, displayName(unbound.name));
      return this.unify(args[0]!, args[1]!, scope, k);
    }
    if (name === 'neq' && args.length === 2) {
      return this.planTerm(args[0]!, scope, (a) =>
        this.planTerm(args[1]!, scope, (b) => {
          this.fb.emit('NotEqualStmt', { a, b });
          k();
        }),
      );
    }
    if (name === 'print' || name === 'internal.print') return this.planPrint(args, scope, k);
    const arity = this.arityOf(e.operator);
    if (arity === undefined) {
      this.error(e.operator.loc, `undefined function ${name ?? 'call'}`, 'rego_type_error');
      return;
    }
    if (this.isWalkRelation(e.operator) && args.length === 2) {
      return this.planWalkPairs(e.operator, args[0]!, scope, (pair) => this.unifyValue(args[1]!, pair, scope, k));
    }
    if (args.length === arity + 1) {
      return this.planCall(e.operator, args.slice(0, arity), scope, (result) => this.unifyValue(args[arity]!, result, scope, k));
    }
    if (args.length !== arity) {
      this.error(e.loc, `${name}: ${args.length < arity ? 'too few' : 'too many'} arguments`, 'rego_type_error');
      return;
    }
    this.planCall(e.operator, args, scope, (result) => {
      this.fb.emit('NotEqualStmt', { a: result, b: boolOp(false) });
      k();
    });
  }

  /** The unbound variables in `t` outside ref keys (comprehensions plan their own). */
  private unboundOutsideKeys(t: Term, scope: VarScope, out: VarTerm[] = []): VarTerm[] {
    switch (t.type) {
      case 'var':
        if (!ROOTS.has(t.name) && scope.get(t.name) === undefined) out.push(t);
        break;
      case 'ref':
        this.unboundOutsideKeys(t.head, scope, out);
        break;
      case 'array':
      case 'set':
        t.items.forEach((x) => this.unboundOutsideKeys(x, scope, out));
        break;
      case 'object':
        t.entries.flat().forEach((x) => this.unboundOutsideKeys(x, scope, out));
        break;
      case 'call':
        t.args.forEach((x) => this.unboundOutsideKeys(x, scope, out));
        break;
    }
    return out;
  }

  /** Evaluates terms moved out of an expression, each bound to its variable, in order. */
  private planHoisted(hoisted: Hoisted[], scope: VarScope, k: K): void {
    const step = (i: number): void => {
      if (i === hoisted.length) return k();
      const { name, term } = hoisted[i]!;
      this.planTerm(term, scope, (op) => {
        scope.set(name, this.fb.toLocal(op));
        step(i + 1);
      });
    };
    step(0);
  }

  /** `walk` unless a `with` replaced it: a relation, as OPA declares it. */
  private isWalkRelation(op: RefTerm): boolean {
    return refName(op) === 'walk' && !this.env.mocks.has('walk');
  }

  /**
   * `walk(x)` wherever it appears (`walk(x, [p, v])`, `some v in walk(x)`, `count(walk(x))`) is a
   * relation: each `[path, value]` pair is one solution of the enclosing expression, as OPA's
   * compiler gives the call an output variable of its own before planning.
   */
  private planWalkPairs(op: RefTerm, arg: Term, scope: VarScope, k: KOp): void {
    this.planCall(op, [arg], scope, (pairs) => {
      const key = this.fb.newLocal();
      const value = this.fb.newLocal();
      const block = this.fb.block(() => k(local(value)));
      this.fb.emit('ScanStmt', { source: this.fb.toLocal(pairs), key, value, block });
    });
  }

  /** `print(a, b)`: each argument as a set of its values (empty when undefined), then internal.print. */
  private planPrint(args: Term[], scope: VarScope, k: K): void {
    const arr = this.fb.newLocal();
    this.fb.emit('MakeArrayStmt', { capacity: args.length, target: arr });
    for (const a of args) {
      const set = this.fb.newLocal();
      this.fb.emit('MakeSetStmt', { target: set });
      const block = this.fb.block(() => this.planTerm(a, scope.child(), (op) => this.fb.emit('SetAddStmt', { value: op, set })));
      this.fb.emit('BlockStmt', { blocks: [block] });
      this.fb.emit('ArrayAppendStmt', { array: arr, value: local(set) });
    }
    this.fb.ir.useBuiltin('internal.print', 1);
    this.fb.emit('CallStmt', { func: 'internal.print', args: [local(arr)], result: this.fb.newLocal() });
    k();
  }

  private planWith(e: Expr, scope: VarScope, k: K): void {
    const plain = { ...e, with: [] };
    const docMocks: Array<{ root: number; path: string[]; value: Term }> = [];
    const fnMocks: Array<[string, Term]> = [];
    for (const w of e.with) {
      const t = w.target;
      // A value naming a builtin (`with f as count`) replaces the function rather than being a variable.
      const replacement: Term = w.value.type === 'var' && builtinArity(w.value.name) !== undefined && scope.get(w.value.name) === undefined
        ? { type: 'ref', head: w.value, path: [], loc: w.value.loc }
        : w.value;
      const head = t.head.type === 'var' ? t.head.name : '';
      const path = t.path.map((p) => (p.type === 'string' ? p.value : undefined));
      if (path.some((p) => p === undefined)) {
        this.error(t.loc, 'with target must be a ref of strings');
        continue;
      }
      const segs = path as string[];
      if (head === 'input') docMocks.push({ root: this.inputLocal, path: segs, value: w.value });
      else if (head === 'data') {
        const rulesInvolved = this.svc.tree.ruleAlong(segs) !== undefined || (this.svc.tree.node(segs)?.children.size ?? 0) > 0 || this.svc.tree.node(segs)?.group;
        if (rulesInvolved) fnMocks.push([`data.${segs.join('.')}`, this.carried(replacement, scope, docMocks)]);
        else docMocks.push({ root: this.dataLocal, path: segs, value: w.value });
      } else {
        const name = refName(t);
        if (name !== undefined) fnMocks.push([name, this.carried(replacement, scope, docMocks)]);
      }
    }
    const savedEnv = this.env;
    const inner = (kk: K): void => {
      if (fnMocks.length > 0) this.env = this.svc.withMocks(savedEnv, fnMocks);
      this.planExpr(plain, scope, () => {
        this.env = savedEnv;
        kk();
      });
      this.env = savedEnv;
    };
    const apply = (i: number, restore: Array<{ root: number; saved: number }>): void => {
      if (i === docMocks.length) {
        inner(() => {
          // The rest of the body sees the documents as they were.
          const unwind = (j: number): void => {
            if (j < 0) return k();
            const r = restore[j]!;
            const block = this.fb.block(() => unwind(j - 1));
            this.fb.emit('WithStmt', { local: r.root, path: [], value: local(r.saved), block });
          };
          unwind(restore.length - 1);
        });
        return;
      }
      const m = docMocks[i]!;
      this.planTerm(m.value, scope, (value) => {
        const saved = this.fb.newLocal();
        this.fb.emit('AssignVarStmt', { source: local(m.root), target: saved });
        const block = this.fb.block(() => apply(i + 1, [...restore, { root: m.root, saved }]));
        this.fb.emit('WithStmt', { local: m.root, path: m.path.map((p) => this.fb.ir.string(p)), value, block });
      });
    };
    apply(0, []);
  }

  /**
   * A `with` replacement that reads this body's variables cannot be planned inside the functions it
   * reaches; it travels there in `data` under a reserved key for the duration of the expression.
   */
  private carried(value: Term, scope: VarScope, docMocks: Array<{ root: number; path: string[]; value: Term }>): Term {
    const locals = [...varsOf(value)].filter((v) => !ROOTS.has(v) && scope.get(v) !== undefined);
    if (locals.length === 0 || (value.type === 'ref' && this.arityOf(value) !== undefined)) return value;
    const key = `$warden.with.${this.svc.nextCarrier()}`;
    docMocks.push({ root: this.dataLocal, path: [key], value });
    return { type: 'ref', head: { type: 'var', name: 'data', loc: value.loc }, path: [{ type: 'string', value: key, loc: value.loc }], loc: value.loc };
  }

  // ---------------------------------------------------------------- calls

  /** Arguments a callable takes: a builtin, a user function (data ref), or undefined. */
  arityOf(op: RefTerm): number | undefined {
    const name = refName(op);
    if (name === undefined) return undefined;
    const mock = this.env.mocks.get(name);
    if (mock && mock.type === 'ref') {
      const target = this.arityOf(mock);
      if (target !== undefined) return target;
    }
    if (op.head.type === 'var' && op.head.name === 'data') {
      const path = op.path.map((p) => (p.type === 'string' ? p.value : ''));
      const node = this.svc.tree.node(path);
      if (node?.group?.kind === 'function') return node.group.arity;
      return undefined;
    }
    return builtinArity(name);
  }

  planCall(op: RefTerm, args: Term[], scope: VarScope, k: KOp): void {
    const name = refName(op)!;
    if (name === 'rego.metadata.rule' || name === 'rego.metadata.chain') {
      return this.planTerm(valueTerm(this.svc.metadata(this.currentDef, name === 'rego.metadata.rule' ? 'rule' : 'chain'), op.loc), scope, k);
    }
    this.planTerms(args, scope, (ops) => this.callWithOperands(op, ops, scope, k));
  }

  /** A call whose arguments are evaluated (in the caller's environment). */
  private callWithOperands(op: RefTerm, ops: Operand[], scope: VarScope, k: KOp): void {
    const name = refName(op)!;
    const mock = this.env.mocks.get(name);
    if (mock) {
      if (mock.type === 'ref' && this.arityOf(mock) !== undefined) {
        // The replacement sees the originals: `with f as g` where g calls f is not recursion.
        const saved = this.env;
        this.env = this.svc.withoutFunctionMocks(saved);
        try {
          return this.callWithOperands(mock, ops, scope, (result) => {
            this.env = saved;
            k(result);
          });
        } finally {
          this.env = saved;
        }
      }
      // Replaced by a value: the call yields the value.
      return this.planTerm(mock, scope, k);
    }
    const result = this.fb.newLocal();
    if (op.head.type === 'var' && op.head.name === 'data') {
      const path = op.path.map((p) => (p.type === 'string' ? p.value : ''));
      const group = this.svc.tree.node(path)?.group;
      if (!group || group.kind !== 'function') {
        this.error(op.loc, `undefined function data.${path.join('.')}`, 'rego_type_error');
        return;
      }
      const func = this.svc.funcName(group, this.env);
      this.fb.emit('CallStmt', { func, args: [local(this.inputLocal), local(this.dataLocal), ...ops], result });
      return k(local(result));
    }
    if (!isBuiltin(name)) {
      this.error(op.loc, `undefined function ${name}`, 'rego_type_error');
      return;
    }
    if (DEPRECATED_BUILTINS.has(name) && (this.currentDef?.module.regoVersion ?? 1) === 1) {
      this.error(op.loc, `deprecated built-in function calls in expression: ${name}`, 'rego_type_error');
      return;
    }
    this.fb.ir.useBuiltin(name, builtinArity(name)!);
    this.fb.emit('CallStmt', { func: name, args: ops, result });
    k(local(result));
  }

  planTerms(terms: Term[], scope: VarScope, k: (ops: Operand[]) => void): void {
    const ops: Operand[] = [];
    const step = (i: number): void => {
      // Constants need no continuation: runs of them are planned in a loop, so that long
      // literals (allow-lists of thousands of items) do not nest one call per item.
      for (; i < terms.length && isConstant(terms[i]!); i++) ops[i] = this.planConstant(terms[i]!);
      if (i === terms.length) return k(ops);
      this.planTerm(terms[i]!, scope, (op) => {
        ops[i] = op;
        step(i + 1);
      });
    };
    step(0);
  }

  // ---------------------------------------------------------------- terms

  /** A term without variables, references or calls: straight-line statements, no continuation. */
  private planConstant(t: Term): Operand {
    const fb = this.fb;
    switch (t.type) {
      case 'boolean':
        return boolOp(t.value);
      case 'string':
        return fb.str(t.value);
      case 'null':
      case 'number': {
        const l = fb.newLocal();
        if (t.type === 'null') fb.emit('MakeNullStmt', { target: l });
        else fb.emit('MakeNumberRefStmt', { Index: fb.ir.string(t.text), target: l });
        return local(l);
      }
      case 'array':
      case 'set':
        return this.collection(t.type, t.items.map((x) => this.planConstant(x)));
      case 'object':
        return this.collection('object', t.entries.flat().map((x) => this.planConstant(x)));
      default:
        throw new Error(`planConstant: ${t.type} is not a constant`);
    }
  }

  /** An array, set or object of planned operands (objects: keys and values alternate). */
  private collection(kind: 'array' | 'set' | 'object', ops: Operand[]): Operand {
    const fb = this.fb;
    const l = fb.newLocal();
    if (kind === 'array') {
      fb.emit('MakeArrayStmt', { capacity: ops.length, target: l });
      for (const op of ops) fb.emit('ArrayAppendStmt', { array: l, value: op });
    } else if (kind === 'set') {
      fb.emit('MakeSetStmt', { target: l });
      for (const op of ops) fb.emit('SetAddStmt', { value: op, set: l });
    } else {
      fb.emit('MakeObjectStmt', { target: l });
      for (let i = 0; i < ops.length; i += 2) fb.emit('ObjectInsertStmt', { key: ops[i]!, value: ops[i + 1]!, object: l });
    }
    return local(l);
  }

  planTerm(t: Term, scope: VarScope, k: KOp): void {
    const fb = this.fb;
    if (isConstant(t)) return k(this.planConstant(t));
    switch (t.type) {
      case 'var': {
        if (t.name === 'input') {
          fb.emit('IsDefinedStmt', { source: this.inputLocal });
          return k(local(this.inputLocal));
        }
        if (t.name === 'data') return this.planDataRef([], { ...t, type: 'ref', head: t, path: [] } as RefTerm, scope, k);
        const l = scope.get(t.name);
        if (l === undefined) return this.svc.unbound(t.loc, displayName(t.name));
        return k(local(l));
      }
      case 'ref':
        return this.planRef(t, scope, k);
      case 'array':
      case 'set':
        return this.planTerms(t.items, scope, (ops) => k(this.collection(t.type, ops)));
      case 'object':
        return this.planTerms(t.entries.flat(), scope, (ops) => k(this.collection('object', ops)));
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        return this.planComprehension(t, scope, k);
      case 'call': {
        const arity = this.arityOf(t.operator);
        if (arity !== undefined && t.args.length !== arity) {
          this.error(t.loc, `${refName(t.operator)}: ${t.args.length < arity ? 'too few' : 'too many'} arguments`, 'rego_type_error');
          return;
        }
        if (this.isWalkRelation(t.operator) && t.args.length === 1) return this.planWalkPairs(t.operator, t.args[0]!, scope, k);
        return this.planCall(t.operator, t.args, scope, k);
      }
      case 'templateString':
        return this.planTemplate(t, scope, k);
    }
  }

  private planComprehension(t: Extract<Term, { type: 'arrayComprehension' | 'setComprehension' | 'objectComprehension' }>, scope: VarScope, k: KOp): void {
    const fb = this.fb;
    const target = fb.newLocal();
    if (t.type === 'arrayComprehension') fb.emit('MakeArrayStmt', { capacity: 0, target });
    else if (t.type === 'setComprehension') fb.emit('MakeSetStmt', { target });
    else fb.emit('MakeObjectStmt', { target });
    const inner = scope.child();
    const block = fb.block(() =>
      this.planBody(t.body, inner, () => {
        if (t.type === 'objectComprehension') {
          this.planTerm(t.key, inner, (key) => this.planTerm(t.value, inner, (value) => fb.emit('ObjectInsertOnceStmt', { key, value, object: target })));
        } else {
          this.planTerm(t.head, inner, (v) => {
            if (t.type === 'arrayComprehension') fb.emit('ArrayAppendStmt', { array: target, value: v });
            else fb.emit('SetAddStmt', { value: v, set: target });
          });
        }
      }),
    );
    fb.emit('BlockStmt', { blocks: [block] });
    k(local(target));
  }

  /** `$"a{x}b"`: parts as an array, each embedded value as a set (empty when undefined). */
  private planTemplate(t: Extract<Term, { type: 'templateString' }>, scope: VarScope, k: KOp): void {
    const fb = this.fb;
    const arr = fb.newLocal();
    fb.emit('MakeArrayStmt', { capacity: t.parts.length, target: arr });
    for (const p of t.parts) {
      if (typeof p === 'string') {
        fb.emit('ArrayAppendStmt', { array: arr, value: fb.str(p) });
        continue;
      }
      if (p.type === 'setComprehension' && p.templateValue) {
        this.planTerm(p, scope, (op) => fb.emit('ArrayAppendStmt', { array: arr, value: op }));
        continue;
      }
      const set = fb.newLocal();
      fb.emit('MakeSetStmt', { target: set });
      const block = fb.block(() => this.planTerm(p, scope.child(), (op) => fb.emit('SetAddStmt', { value: op, set })));
      fb.emit('BlockStmt', { blocks: [block] });
      fb.emit('ArrayAppendStmt', { array: arr, value: local(set) });
    }
    const result = fb.newLocal();
    fb.ir.useBuiltin('internal.template_string', 1);
    fb.emit('CallStmt', { func: 'internal.template_string', args: [local(arr)], result });
    k(local(result));
  }

  // ---------------------------------------------------------------- references

  private planRef(t: RefTerm, scope: VarScope, k: KOp): void {
    const head = t.head;
    if (head.type === 'var' && head.name === 'data') return this.planDataRef(t.path, t, scope, k);
    if (head.type === 'var' && head.name === 'input') return this.planPath(this.inputLocal, t.path, 0, scope, k);
    this.planTerm(head, scope, (h) => this.planPath(this.fb.toLocal(h), t.path, 0, scope, k));
  }

  /** Applies ref segments to the value in `src`: Dot for known keys, Scan for unbound variables. */
  planPath(src: number, path: Term[], i: number, scope: VarScope, k: KOp): void {
    if (i === path.length) return k(local(src));
    const seg = path[i]!;
    const fb = this.fb;
    const unbound = [...varsOf(seg)].some((v) => scope.get(v) === undefined && !ROOTS.has(v));
    if (!unbound) {
      return this.planTerm(seg, scope, (key) => {
        const target = fb.newLocal();
        fb.emit('DotStmt', { source: local(src), key, target });
        this.planPath(target, path, i + 1, scope, k);
      });
    }
    const key = fb.newLocal();
    const value = fb.newLocal();
    const block = fb.block(() => this.unifyValue(seg, local(key), scope, () => this.planPath(value, path, i + 1, scope, k)));
    fb.emit('ScanStmt', { source: src, key, value, block });
  }

  /** `data…`: rules are called, prefixes of rules become objects, the rest is base data. */
  private planDataRef(path: Term[], t: RefTerm, scope: VarScope, k: KOp): void {
    const fb = this.fb;
    let node: TreeNode | undefined = this.svc.tree.root;
    let i = 0;
    const ground: string[] = [];
    for (; i < path.length; i++) {
      if (node.group) break;
      const seg = path[i]!;
      // Rule paths are strings: any other known key can only reach base data.
      if (seg.type !== 'string' && seg.type !== 'var' && seg.type !== 'ref' && seg.type !== 'call') {
        node = undefined;
        break;
      }
      if (seg.type !== 'string') break;
      const next: TreeNode | undefined = node.children.get(seg.value);
      if (!next) {
        node = undefined;
        break;
      }
      ground.push(seg.value);
      node = next;
    }
    const mock = this.mockAlong(ground);
    if (mock) {
      return this.planTerm(mock.value, scope, (v) => this.planPath(fb.toLocal(v), path, mock.depth, scope, k));
    }
    // Base documents: a number key also finds its text there, in codegen (see src/wasm/data-lookups.ts).
    if (!node) return this.planPath(this.dataLocal, path, 0, scope, k);
    if (node.group) {
      // A function of no arguments (`f() := …`) may be named without parentheses, as in OPA.
      if (node.group.kind === 'function' && node.group.arity > 0) {
        this.error(t.loc, `function data.${ground.join('.')} used as a value`, 'rego_type_error');
        return;
      }
      const result = fb.newLocal();
      fb.emit('CallStmt', { func: this.svc.funcName(node.group, this.env), args: [local(this.inputLocal), local(this.dataLocal)], result });
      if (node.children.size === 0) return this.planPath(result, path, i, scope, k);
      // Rules deeper than a ref-head rule at this path contribute to the same document.
      const merged = this.mergeChildren(result, node, ground);
      return this.planPath(merged, path, i, scope, k);
    }
    if (i < path.length && this.isBound(path[i]!, scope)) return this.planKeyedChild(node, ground, path, i, scope, k);
    const rest = path.slice(i).map((seg) => (seg.type === 'string' ? seg.value : null));
    const doc = this.virtualDoc(node, ground, true, rest);
    this.planPath(doc, path, i, scope, k);
  }

  /**
   * `data.…[key]…` with a key known only when evaluated, at a prefix of rule paths: the document
   * under that key alone, as OPA's evaluator looks it up, where the whole document at the prefix
   * would evaluate every rule below it (a table of thousands of packages or ref-head rules). The
   * known segments that follow (`data.svc[ns][name].allow`) are looked up the same way, level by
   * level, down to the first segment that iterates; what is found there gives the same value as
   * the whole document would.
   */
  private planKeyedChild(node: TreeNode, ground: string[], path: Term[], i: number, scope: VarScope, k: KOp): void {
    const fb = this.fb;
    let end = i + 1;
    while (end < path.length && this.isBound(path[end]!, scope)) end++;
    // The keys are evaluated once, before any search, in the order they are written.
    const keys: Operand[] = [];
    const planKeys = (j: number, done: () => void): void => {
      if (j === end) return done();
      const seg = path[j]!;
      if (seg.type === 'string') {
        keys[j] = fb.str(seg.value);
        return planKeys(j + 1, done);
      }
      this.planTerm(seg, scope, (op) => {
        keys[j] = local(fb.toLocal(op));
        planKeys(j + 1, done);
      });
    };
    planKeys(i, () => {
      const found = fb.newLocal();
      // Inside a loop, what an earlier iteration found must not stand for this one's.
      fb.emit('ResetLocalStmt', { target: found });
      this.planKeyedLevel(node, ground, path, i, end, keys, found);
      fb.emit('IsDefinedStmt', { source: found });
      this.planPath(found, path, end, scope, k);
    });
  }

  /**
   * Assigns to `found` the value at `path[j..end)` in the document of `node` (at `nodePath`), as the
   * whole document would give it: the child whose name equals key `j` (searched for among the names,
   * or named by a string segment) gives it, a package by the same lookup one level down, a rule or
   * a `with` replacement by its value; when no child's name equals the key, or the child's value is
   * undefined, the base data at `nodePath` does.
   */
  private planKeyedLevel(node: TreeNode, nodePath: string[], path: Term[], j: number, end: number, keys: Operand[], found: number): void {
    const fb = this.fb;
    const settled = fb.newLocal();
    fb.emit('ResetLocalStmt', { target: settled });
    const dotsToEnd = (value: Operand, from: number): void => {
      let v = fb.toLocal(value);
      for (let x = from; x < end; x++) {
        const next = fb.newLocal();
        fb.emit('DotStmt', { source: local(v), key: keys[x]!, target: next });
        v = next;
      }
      fb.emit('AssignVarStmt', { source: local(v), target: found });
    };
    const viaChild = (name: string, child: TreeNode): void => {
      const childPath = [...nodePath, name];
      if (!child.group && !this.env.mocks.has(`data.${childPath.join('.')}`) && j + 1 < end) {
        // A package's document is an object whatever is below it: the key has found its value here.
        fb.emit('AssignVarStmt', { source: boolOp(true), target: settled });
        return this.planKeyedLevel(child, childPath, path, j + 1, end, keys, found);
      }
      const pattern = path.slice(j + 1).map((seg) => (seg.type === 'string' ? seg.value : null));
      this.planChildDoc(child, childPath, true, pattern, (v) => {
        fb.emit('AssignVarStmt', { source: boolOp(true), target: settled });
        dotsToEnd(v, j + 1);
      });
    };
    const seg = path[j]!;
    const search = fb.block(() => {
      if (seg.type === 'string') {
        const child = node.children.get(seg.value);
        if (child && child.group?.kind !== 'function') viaChild(seg.value, child);
        return;
      }
      const names = [...node.children].filter(([, c]) => c.group?.kind !== 'function').map(([name]) => name).sort(regoStringOrder);
      const key = (keys[j] as Extract<Operand, { type: 'local' }>).value;
      planSortedSearch(fb, key, names.length, (x) => fb.str(names[x]!), (x) => viaChild(names[x]!, node.children.get(names[x]!)!));
    });
    const base = fb.block(() => {
      fb.emit('IsUndefinedStmt', { source: settled });
      const obj = fb.newLocal();
      fb.emit('MakeObjectStmt', { target: obj });
      this.mergeBaseInto(obj, nodePath);
      const value = fb.newLocal();
      fb.emit('DotStmt', { source: local(obj), key: keys[j]!, target: value });
      dotsToEnd(local(value), j + 1);
    });
    fb.emit('BlockStmt', { blocks: [search, base] });
  }

  private mockAlong(ground: string[]): { value: Term; depth: number } | undefined {
    for (let d = ground.length; d > 0; d--) {
      const m = this.env.mocks.get(`data.${ground.slice(0, d).join('.')}`);
      if (m) return { value: m, depth: d };
    }
    return undefined;
  }

  /** A rule's object merged with the documents of rules defined below its path. */
  private mergeChildren(value: number, node: TreeNode, path: string[]): number {
    const fb = this.fb;
    const below = this.virtualDoc({ children: node.children }, path, false);
    const merged = fb.newLocal();
    fb.emit('ObjectMergeStmt', { a: value, b: below, target: merged });
    return merged;
  }

  /**
   * The object at a prefix of rule paths: base data there merged with every rule below it.
   * `pattern`: the rest of the reference reading this document (a string for a known key, null
   * for a variable), so that `data.pkgs[x].result` builds only the `result` rules under each
   * package, and a rule that dispatches to its siblings is not planned as depending on itself.
   */
  private virtualDoc(node: TreeNode, path: string[], withBase = true, pattern: Array<string | null> = []): number {
    const fb = this.fb;
    const obj = fb.newLocal();
    fb.emit('MakeObjectStmt', { target: obj });
    // Base data first, copied, then each rule document over it: the documents of rules and of
    // their prefixes (with the base data below them merged in, or replaced by a `with` there)
    // own their keys; base data only adds the keys no rule is under.
    if (withBase) this.mergeBaseInto(obj, path);
    for (const [name, child] of [...node.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (child.group?.kind === 'function') continue;
      if (typeof pattern[0] === 'string' && pattern[0] !== name) continue;
      const block = fb.block(() => this.planChildDoc(child, [...path, name], withBase, pattern.slice(1), (v) => fb.emit('ObjectInsertStmt', { key: fb.str(name), value: v, object: obj })));
      fb.emit('BlockStmt', { blocks: [block] });
    }
    return obj;
  }

  /** The document of `child` (at `childPath`) in its parent's document, to `k`; undefined ends the block. */
  private planChildDoc(child: TreeNode, childPath: string[], withBase: boolean, pattern: Array<string | null>, k: KOp): void {
    const fb = this.fb;
    const mock = this.env.mocks.get(`data.${childPath.join('.')}`);
    if (mock) return this.planTerm(mock, new VarScope(), k);
    let value: number;
    if (child.group) {
      value = fb.newLocal();
      fb.emit('CallStmt', { func: this.svc.funcName(child.group, this.env), args: [local(this.inputLocal), local(this.dataLocal)], result: value });
      if (child.children.size > 0) value = this.mergeChildren(value, child, childPath);
      if (withBase) value = this.underBase(value, childPath);
    } else value = this.virtualDoc(child, childPath, true, pattern);
    k(local(value));
  }

  /**
   * A rule's document where base data also sits at its path: as OPA's planner merges the rules'
   * document into the base document, the base value stays unless both are objects.
   */
  private underBase(value: number, path: string[]): number {
    const fb = this.fb;
    const chosen = fb.newLocal();
    fb.emit('AssignVarStmt', { source: local(value), target: chosen });
    const block = fb.block(() => fb.emit('ObjectMergeStmt', { a: this.baseDocAt(path), b: value, target: chosen }));
    fb.emit('BlockStmt', { blocks: [block] });
    return chosen;
  }

  /** The base document at `path` (inside a block: undefined there ends it). */
  private baseDocAt(path: string[]): number {
    let src = this.dataLocal;
    for (const seg of path) {
      const next = this.fb.newLocal();
      this.fb.emit('DotStmt', { source: local(src), key: this.fb.str(seg), target: next });
      src = next;
    }
    return src;
  }

  /** When the base document at `path` is an object, `obj` (empty) becomes a copy of it. */
  private mergeBaseInto(obj: number, path: string[]): void {
    const fb = this.fb;
    const block = fb.block(() => {
      const src = this.baseDocAt(path);
      fb.emit('IsObjectStmt', { source: local(src) });
      fb.emit('ObjectMergeStmt', { a: obj, b: src, target: obj });
    });
    fb.emit('BlockStmt', { blocks: [block] });
  }

  // ---------------------------------------------------------------- unification

  private isBound(t: Term, scope: VarScope): boolean {
    return [...varsOf(t)].every((v) => ROOTS.has(v) || scope.get(v) !== undefined);
  }

  private evaluable(t: Term, scope: VarScope): boolean {
    return this.svc.safety.evaluable(t, scope, new Set());
  }

  unify(a: Term, b: Term, scope: VarScope, k: K): void {
    if (a.type === 'var' && scope.get(a.name) === undefined && !ROOTS.has(a.name)) return this.planTerm(b, scope, (op) => this.bindOrCompare(a, op, scope, k));
    if (b.type === 'var' && scope.get(b.name) === undefined && !ROOTS.has(b.name)) return this.planTerm(a, scope, (op) => this.bindOrCompare(b, op, scope, k));
    if (a.type === 'array' && b.type === 'array' && !this.isBound(a, scope) && !this.isBound(b, scope)) {
      if (a.items.length !== b.items.length) {
        this.fb.emit('BreakStmt', { index: 0 });
        return;
      }
      const step = (i: number): void => {
        if (i === a.items.length) return k();
        this.unify(a.items[i]!, b.items[i]!, scope, () => step(i + 1));
      };
      return step(0);
    }
    if (a.type === 'object' && b.type === 'object' && !this.isBound(a, scope) && !this.isBound(b, scope)) {
      const bByKey = new Map(b.entries.map(([kt, vt]) => [termKey(kt), vt]));
      if (a.entries.length !== b.entries.length || !a.entries.every(([kt]) => bByKey.has(termKey(kt)))) {
        this.fb.emit('BreakStmt', { index: 0 });
        return;
      }
      const step = (i: number): void => {
        if (i === a.entries.length) return k();
        const [kt, vt] = a.entries[i]!;
        this.unify(vt, bByKey.get(termKey(kt))!, scope, () => step(i + 1));
      };
      return step(0);
    }
    if (this.evaluable(a, scope)) return this.planTerm(a, scope, (op) => this.unifyValue(b, op, scope, k));
    if (this.evaluable(b, scope)) return this.planTerm(b, scope, (op) => this.unifyValue(a, op, scope, k));
    this.svc.unbound(a.loc, 'both sides of a unification');
  }

  /** `v` may have become bound while the other side was evaluated (`x = input.xs[x]`): then compare. */
  private bindOrCompare(v: VarTerm, op: Operand, scope: VarScope, k: K): void {
    const l = scope.get(v.name);
    if (l === undefined) return this.bind(v, op, scope, k);
    this.fb.emit('EqualStmt', { a: local(l), b: op });
    k();
  }

  private bind(v: VarTerm, op: Operand, scope: VarScope, k: K): void {
    const l = this.fb.newLocal();
    this.fb.emit('AssignVarStmt', { source: op, target: l });
    scope.set(v.name, l);
    k();
  }

  /** Matches `pattern` against the value `op`, binding the pattern's unbound variables. */
  unifyValue(pattern: Term, op: Operand, scope: VarScope, k: K): void {
    const fb = this.fb;
    if (pattern.type === 'var' && !ROOTS.has(pattern.name) && scope.get(pattern.name) === undefined) return this.bind(pattern, op, scope, k);
    if (this.isBound(pattern, scope) || (pattern.type !== 'array' && pattern.type !== 'object')) {
      return this.planTerm(pattern, scope, (p) => {
        fb.emit('EqualStmt', { a: p, b: op });
        k();
      });
    }
    const src = fb.toLocal(op);
    if (pattern.type === 'array') {
      fb.emit('IsArrayStmt', { source: local(src) });
      const n = fb.newLocal();
      fb.emit('LenStmt', { source: local(src), target: n });
      const want = fb.newLocal();
      fb.emit('MakeNumberIntStmt', { value: pattern.items.length, target: want });
      fb.emit('EqualStmt', { a: local(n), b: local(want) });
      const step = (i: number): void => {
        if (i === pattern.items.length) return k();
        const idx = fb.newLocal();
        fb.emit('MakeNumberIntStmt', { value: i, target: idx });
        const elem = fb.newLocal();
        fb.emit('DotStmt', { source: local(src), key: local(idx), target: elem });
        this.unifyValue(pattern.items[i]!, local(elem), scope, () => step(i + 1));
      };
      return step(0);
    }
    fb.emit('IsObjectStmt', { source: local(src) });
    const n = fb.newLocal();
    fb.emit('LenStmt', { source: local(src), target: n });
    const want = fb.newLocal();
    fb.emit('MakeNumberIntStmt', { value: pattern.entries.length, target: want });
    fb.emit('EqualStmt', { a: local(n), b: local(want) });
    const step = (i: number): void => {
      if (i === pattern.entries.length) return k();
      const [key, value] = pattern.entries[i]!;
      this.planTerm(key, scope, (kop) => {
        const elem = fb.newLocal();
        fb.emit('DotStmt', { source: local(src), key: kop, target: elem });
        this.unifyValue(value, local(elem), scope, () => step(i + 1));
      });
    };
    step(0);
  }
}

export { walkTerm };
