import type { Body, Location, Term } from '../ast.js';
import type { Block, Policy } from '../../ir/types.js';
import type { Diagnostic } from '../diagnostics.js';
import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import type { SafetyChecker } from '../compile/safety.js';
import type { OrderedBodies } from '../compile/order-bodies.js';
import { dataRef, isGenerated, varsOf } from '../compile/terms.js';
import { BodyPlanner, type PlannerServices } from './body-planner.js';
import { FnBuilder, IrBuilder, boolOp, local } from './ir-builder.js';
import { EMPTY_ENV, MockEnvs, type MockEnv } from './mock-env.js';
import type { RuleTree } from './rule-tree.js';
import { annotationValue, metadataChain } from './annotations.js';
import type { Module } from '../ast.js';
import { VarScope } from './var-scope.js';
import { exitsEarly } from './early-exit.js';
import { applicableIndex, type GroupIndex } from './rule-index.js';
import { planIndexedDefs } from './index-dispatch.js';
import type { LeafTarget } from './dispatch-steps.js';

/**
 * A host builtin that only coverage builds call: its one argument is `file:line` of a rule head
 * or expression that execution reached; it returns true.
 */
export const COVERAGE_BUILTIN = 'warden.coverage.mark';

/** Branches of an else chain one function holds at most (see planLongElseChain). */
const ELSE_BRANCHES_PER_FUNCTION = 64;

/** A definition's first body or one of its `else` branches. */
interface ChainBranch {
  body: Body;
  value: Term;
  loc: Location;
}

/**
 * Plans rule groups into IR functions (on demand, per mock environment) and queries into plans.
 * Bodies come already ordered by the safety stage (`OrderedBodies`).
 */
export class Planner implements PlannerServices {
  readonly ir = new IrBuilder();
  private readonly envs = new MockEnvs();
  private readonly planned = new Map<string, string>();
  /** Variables planning found unbound (see `PlannerServices.unbound`), as `file:line:col name`. */
  readonly unboundVars: string[] = [];

  constructor(
    readonly tree: RuleTree,
    readonly safety: SafetyChecker,
    readonly ordered: OrderedBodies,
    readonly report: (d: Diagnostic) => void,
    private readonly modules: Module[] = [],
  ) {}

  unbound(loc: Location, name: string): void {
    this.unboundVars.push(`${loc.file}:${loc.line}:${loc.col} ${name}`);
  }

  withMocks(env: MockEnv, more: Array<[string, Term]>): MockEnv {
    return this.envs.extend(env, more);
  }

  metadata(def: RuleDef | undefined, which: 'rule' | 'chain'): unknown {
    if (!def) return which === 'rule' ? {} : [];
    if (which === 'rule') {
      const a = def.rule.annotations;
      return a && a.scope === 'rule' ? annotationValue(a) : {};
    }
    const group = this.tree.node(def.path)?.group;
    return metadataChain(def, group ? [...group.defs, ...group.defaults] : [def], this.modules);
  }

  private carriers = 0;
  /** Functions made for parts of long else chains, for their names. */
  private elseParts = 0;

  nextCarrier(): number {
    return this.carriers++;
  }

  /** Set by tools that measure coverage: planned code then reports what it reaches. */
  coverage = false;

  /**
   * A rule or function whose definitions all give one constant returns at the first that holds
   * (see `exitsEarly`). Off: every definition runs, as in OPA's Wasm target (tests compare both).
   */
  earlyExit = true;

  /** Rule sets whose definitions are visited through an index (stage `ruleIndex`); empty: none. */
  ruleIndexes: ReadonlyMap<RuleGroup, GroupIndex> = new Map();

  markCovered(fb: FnBuilder, loc: Location): void {
    if (!this.coverage) return;
    fb.ir.useBuiltin(COVERAGE_BUILTIN, 1);
    fb.emit('CallStmt', { func: COVERAGE_BUILTIN, args: [fb.str(`${loc.file}:${loc.line}`)], result: fb.newLocal() });
  }

  /**
   * The environment a `with` replacement function runs in: as OPA, no function or builtin mocks
   * (a mock never calls another mock, nor itself); rule and data replacements stay.
   */
  withoutFunctionMocks(env: MockEnv): MockEnv {
    const isFunctionMock = (name: string): boolean => {
      if (!name.startsWith('data.')) return true;
      return this.tree.node(name.slice(5).split('.'))?.group?.kind === 'function';
    };
    return this.envs.without(env, [...env.mocks.keys()].filter(isFunctionMock));
  }

  private readonly inProgress: string[] = [];

  funcName(group: RuleGroup, env: MockEnv): string {
    const name = `g${env.id}.data.${group.path.join('.')}`;
    if (this.inProgress.includes(name)) {
      const cycle = this.inProgress.slice(this.inProgress.indexOf(name)).map((n) => n.replace(/^g\d+\./, ''));
      const loc = (group.defs[0] ?? group.defaults[0])!.loc;
      this.report({ code: 'rego_recursion_error', message: `rule ${cycle[0]} is recursive: ${[...cycle, cycle[0]].join(' -> ')}`, file: loc.file, line: loc.line, col: loc.col });
      return name;
    }
    if (!this.planned.has(name)) {
      this.planned.set(name, name);
      this.inProgress.push(name);
      try {
        this.planGroup(group, env, name);
      } finally {
        this.inProgress.pop();
      }
    }
    return name;
  }

  private planGroup(group: RuleGroup, env: MockEnv, name: string): void {
    const params = [0, 1, ...Array.from({ length: group.arity }, (_, i) => i + 2)];
    const ret = params.length;
    const fb = new FnBuilder(this.ir, ret + 1);
    const bp = new BodyPlanner(fb, this, env);
    const early = this.earlyExit && exitsEarly(group);
    const blocks = [];
    if (group.kind === 'set') blocks.push(fb.block(() => fb.emit('MakeSetStmt', { target: ret })));
    if (group.kind === 'object') blocks.push(fb.block(() => fb.emit('MakeObjectStmt', { target: ret })));
    const planDef = (def: RuleDef) => fb.block(() => this.planDef(bp, group, def, ret, early));
    const index = applicableIndex(this.ruleIndexes.get(group), env.mocks);
    if (index) {
      let leaves = 0;
      const planLeaf = (defs: RuleDef[]): string =>
        this.planGroupPart(group, env, `${name}#${leaves++}`, (leafBp, leafRet) => defs.map((def) => leafBp.fb.block(() => this.planDef(leafBp, group, def, leafRet, early))));
      const planPart = (fill: (part: LeafTarget, key: number) => Block[]): string =>
        this.planGroupPart(group, env, `${name}#${leaves++}`, (partBp, partRet) => fill({ bp: partBp, group, ret: partRet, early }, partRet - 1), 1);
      blocks.push(...planIndexedDefs({ bp, group, ret, early, planDef, planLeaf, planPart }, index));
    } else {
      for (const def of group.defs) blocks.push(planDef(def));
    }
    for (const def of group.defaults) {
      blocks.push(
        fb.block(() => {
          fb.loc = def.loc;
          fb.emit('IsUndefinedStmt', { source: ret });
          this.markCovered(fb, def.loc);
          bp.planTerm(def.value, new VarScope(), (v) => fb.emit('AssignVarOnceStmt', { source: v, target: ret }));
        }),
      );
    }
    blocks.push(fb.block(() => fb.emit('ReturnLocalStmt', { source: ret })));
    this.ir.funcs.push({ name, params, return: ret, blocks, path: [`g${env.id}`, ...group.path] });
  }

  /**
   * A function of the group's parameters (and `extra` more) returning what `fill`'s blocks put in
   * its result local, without the defaults: a value, or the set or object of contributions (see
   * `planIndexedDefs`).
   */
  private planGroupPart(group: RuleGroup, env: MockEnv, name: string, fill: (bp: BodyPlanner, ret: number) => Block[], extra = 0): string {
    const params = [0, 1, ...Array.from({ length: group.arity + extra }, (_, i) => i + 2)];
    const ret = params.length;
    const fb = new FnBuilder(this.ir, ret + 1);
    const bp = new BodyPlanner(fb, this, env);
    const blocks = [];
    if (group.kind === 'set') blocks.push(fb.block(() => fb.emit('MakeSetStmt', { target: ret })));
    if (group.kind === 'object') blocks.push(fb.block(() => fb.emit('MakeObjectStmt', { target: ret })));
    blocks.push(...fill(bp, ret));
    blocks.push(fb.block(() => fb.emit('ReturnLocalStmt', { source: ret })));
    this.ir.funcs.push({ name, params, return: ret, blocks });
    return name;
  }

  /** One definition (with its else chain) contributing to the group's result in `ret`; `early`: return once it holds. */
  private planDef(bp: BodyPlanner, group: RuleGroup, def: RuleDef, ret: number, early: boolean): void {
    const fb = bp.fb;
    bp.currentDef = def;
    fb.loc = def.loc;
    const head = (scope: VarScope, target: number) => (): void => {
      fb.loc = def.loc;
      this.markCovered(fb, def.loc);
      switch (group.kind) {
        case 'set':
          bp.planTerm(def.element!, scope, (v) => fb.emit('SetAddStmt', { value: v, set: target }));
          return;
        case 'object':
          this.planObjectInsert(bp, def.keys, def.element ?? def.value, scope, target, def.element !== undefined);
          return;
        default:
          bp.planTerm(def.value, scope, (v) => {
            fb.emit('AssignVarOnceStmt', { source: v, target });
            if (early && target === ret) fb.emit('ReturnLocalStmt', { source: ret });
          });
      }
    };
    if (group.kind === 'set' || group.kind === 'object' || def.elses.length === 0) {
      const scope = new VarScope();
      this.unifyArgs(bp, def, scope, () => bp.planBody(def.body, scope, head(scope, ret)));
      return;
    }
    // An else chain: the first branch that succeeds gives this definition's value.
    const chain = fb.newLocal();
    fb.emit('ResetLocalStmt', { target: chain });
    const branches = [{ body: def.body, value: def.value, loc: def.loc }, ...def.elses];
    if (def.elses.length >= ELSE_BRANCHES_PER_FUNCTION) this.planLongElseChain(bp, group, def, branches, chain);
    else fb.emit('BlockStmt', { blocks: branches.map((branch, i) => fb.block(() => this.planChainBranch(bp, def, branch, chain, i === 0))) });
    fb.emit('IsDefinedStmt', { source: chain });
    fb.emit('AssignVarOnceStmt', { source: local(chain), target: ret });
    if (early) fb.emit('ReturnLocalStmt', { source: ret });
  }

  /** Unifies the definition's arguments with the function's parameters (locals 2…), then `k`. */
  private unifyArgs(bp: BodyPlanner, def: RuleDef, scope: VarScope, k: () => void): void {
    const step = (i: number): void => {
      if (i === def.args.length) return k();
      bp.unifyValue(def.args[i]!, local(i + 2), scope, () => step(i + 1));
    };
    step(0);
  }

  /**
   * One branch of an else chain: its body, then its value into `target`. Every branch but the
   * first runs only while `target` is still undefined (no earlier branch held).
   */
  private planChainBranch(bp: BodyPlanner, def: RuleDef, branch: ChainBranch, target: number, first: boolean): void {
    const fb = bp.fb;
    bp.currentDef = def;
    if (!first) {
      fb.loc = branch.loc;
      fb.emit('IsUndefinedStmt', { source: target });
    }
    const scope = new VarScope();
    this.unifyArgs(bp, def, scope, () =>
      bp.planBody(branch.body, scope, () => {
        if (first) fb.loc = def.loc;
        this.markCovered(fb, branch.loc);
        bp.planTerm(branch.value, scope, (v) => fb.emit('AssignVarOnceStmt', { source: v, target }));
      }),
    );
  }

  /**
   * An else chain of many branches, in functions of {@link ELSE_BRANCHES_PER_FUNCTION} branches
   * each, called in turn until one gives a value (into `chain`). One function holding every branch
   * has the locals of all of them, and V8's compilers take time and memory in proportion to blocks
   * times locals: 5,000 branches took 1.5 s and 2.6 GB to compile on first use, 20,000 more memory
   * than the machine had.
   */
  private planLongElseChain(bp: BodyPlanner, group: RuleGroup, def: RuleDef, branches: ChainBranch[], chain: number): void {
    const fb = bp.fb;
    const params = [0, 1, ...Array.from({ length: group.arity }, (_, i) => i + 2)].map(local);
    const result = fb.newLocal();
    const calls = [];
    for (let i = 0; i < branches.length; i += ELSE_BRANCHES_PER_FUNCTION) {
      const part = branches.slice(i, i + ELSE_BRANCHES_PER_FUNCTION);
      const name = this.planGroupPart(group, bp.env, `g${bp.env.id}.data.${group.path.join('.')}#else${this.elseParts++}`, (partBp, partRet) =>
        part.map((branch, j) => partBp.fb.block(() => this.planChainBranch(partBp, def, branch, partRet, i + j === 0))),
      );
      calls.push(
        fb.block(() => {
          fb.loc = part[0]!.loc;
          fb.emit('IsUndefinedStmt', { source: chain });
          fb.emit('CallStmt', { func: name, args: params, result });
          fb.emit('AssignVarStmt', { source: local(result), target: chain });
        }),
      );
    }
    fb.emit('BlockStmt', { blocks: calls });
  }

  /** `p[k1][k2] := v`: nested objects created on the way, the last key inserted once. */
  private planObjectInsert(bp: BodyPlanner, keys: Term[], value: Term, scope: VarScope, target: number, leafSet = false): void {
    const fb = bp.fb;
    bp.planTerms(keys, scope, (ops) =>
      bp.planTerm(value, scope, (v) => {
        let obj = target;
        const levels = leafSet ? ops.length : ops.length - 1;
        for (let i = 0; i < levels; i++) {
          const next = fb.newLocal();
          fb.emit('ResetLocalStmt', { target: next });
          fb.emit('BlockStmt', { blocks: [fb.block(() => fb.emit('DotStmt', { source: local(obj), key: ops[i]!, target: next }))] });
          fb.emit('BlockStmt', {
            blocks: [
              fb.block(() => {
                fb.emit('IsUndefinedStmt', { source: next });
                if (leafSet && i === levels - 1) fb.emit('MakeSetStmt', { target: next });
                else fb.emit('MakeObjectStmt', { target: next });
                fb.emit('ObjectInsertStmt', { key: ops[i]!, value: local(next), object: obj });
              }),
            ],
          });
          // Another rule put a value of another kind here: inserting over it is a conflict.
          const want = leafSet && i === levels - 1 ? 'IsSetStmt' : 'IsObjectStmt';
          const parent = obj;
          const key = ops[i]!;
          fb.emit('BlockStmt', {
            blocks: [
              fb.block(() => {
                fb.emit('NotStmt', { block: fb.block(() => fb.emit(want, { source: local(next) })) });
                const clash = fb.newLocal();
                fb.emit('MakeObjectStmt', { target: clash });
                fb.emit('ObjectInsertOnceStmt', { key, value: local(clash), object: parent });
              }),
            ],
          });
          obj = next;
        }
        if (leafSet) fb.emit('SetAddStmt', { value: v, set: obj });
        else fb.emit('ObjectInsertOnceStmt', { key: ops[ops.length - 1]!, value: v, object: obj });
      }),
    );
  }

  /** A query plan whose rows bind the query's (non-generated) variables, as OPA's query entrypoint. */
  planQuery(name: string, body: Body): void {
    const fb = new FnBuilder(this.ir, 2);
    const bp = new BodyPlanner(fb, this, EMPTY_ENV);
    const names = new Set<string>();
    for (const e of body) {
      for (const t of [...('args' in e ? e.args : []), ...('term' in e ? [e.term] : []), ...(e.type === 'someIn' ? [e.value, e.collection, ...(e.key ? [e.key] : [])] : [])]) varsOf(t, names);
    }
    const bindings = [...names].filter((n) => !isGenerated(n) && n !== 'input' && n !== 'data').sort();
    const scope = new VarScope();
    const block = fb.block(() =>
      bp.planBody(body, scope, () => {
        const row = fb.newLocal();
        fb.emit('MakeObjectStmt', { target: row });
        for (const b of bindings) {
          const l = scope.get(b);
          if (l !== undefined) fb.emit('ObjectInsertStmt', { key: fb.str(b), value: local(l), object: row });
        }
        fb.emit('ResultSetAddStmt', { value: row });
      }),
    );
    this.ir.plans.push({ name, blocks: [block] });
  }

  /** An entrypoint plan `a/b/c` whose single row is `{"result": data.a.b.c}`. */
  planEntrypoint(path: string[], loc: Term['loc']): void {
    const fb = new FnBuilder(this.ir, 2);
    const bp = new BodyPlanner(fb, this, EMPTY_ENV);
    const block = fb.block(() =>
      bp.planTerm(dataRef(path, loc), new VarScope(), (v) => {
        const row = fb.newLocal();
        fb.emit('MakeObjectStmt', { target: row });
        fb.emit('ObjectInsertStmt', { key: fb.str('result'), value: v, object: row });
        fb.emit('ResultSetAddStmt', { value: row });
      }),
    );
    this.ir.plans.push({ name: path.join('/'), blocks: [block] });
  }

  policy(): Policy {
    return this.ir.policy();
  }
}

export { boolOp };
