import type { Block, BuiltinFunc, Func, Operand, Policy, Stmt } from '../ir/types.js';
import { FunctionBuilder } from './function-builder.js';
import { OP } from './opcodes.js';
import { StaticData } from './static-data.js';
import { NATIVE_BUILTINS, HOST_BUILTIN_PREFIX } from './native-builtins.js';
import { PER_EVALUATION_BUILTINS } from '../builtins/registry/index.js';
import { DEFER } from './value-layout.js';
import { planDeferredInserts, type DeferredInserts } from './deferred-inserts.js';
import { CodegenError } from './errors.js';
import { blockLocals, type BlockLocals } from './block-locals.js';
import { localSpans, type LocalSpans } from './local-spans.js';
import { walkStmts } from './ir-walk.js';
import { dataLookups } from './data-lookups.js';
import type { GeneratedFunction } from './link-module.js';

/** How generated code reaches what lives outside it. */
export interface CodegenContext {
  /** Function index of a runtime export. */
  runtimeFn(name: string): number;
  /** Function index of the generated function for IR function `name`. */
  irFuncIndex(name: string): number | undefined;
  /** Funcs with a `path`, for CallDynamicStmt. */
  funcsByPath: Func[];
  data: StaticData;
  strings: string[];
  builtins: Map<string, BuiltinFunc>;
  /** Host builtin name → id in `builtins()`; filled while generating. */
  hostIds: Map<string, number>;
  resultSetGlobal: number;
  /** Global that caches a zero-argument host builtin's result for one evaluation. */
  nullaryCacheGlobal(builtin: string): number;
  /** Function that forgets memoized rule values (called when `with` changes input or data). */
  memoResetFn: number;
  /** Adds a function (a part of a split one) to the module; returns its function index. */
  addFunction(f: GeneratedFunction): number;
  /** Global a part of a split function sets when it returns the function's value (ReturnLocalStmt). */
  partReturnGlobal: number;
}

/** How one body is generated. */
export interface BodyOptions {
  /** What a conflicting AssignVarOnceStmt reports: 0 for a rule, 1 for a function. */
  conflictKind: number;
  /** The IR local a function returns: it lives across top-level blocks. */
  returnLocal?: number;
  /**
   * A function whose top-level blocks hold more IR statements than this is split: runs of blocks
   * that touch only their own locals, the parameters and the return local become functions of
   * about this many statements each (V8 refuses function bodies over 7,654,321 bytes).
   */
  statementLimit?: number;
  /** This body is a part of a split function (see `partReturnGlobal`). */
  isPart?: boolean;
}

function hasReturn(blocks: Block[]): boolean {
  let found = false;
  walkStmts(blocks, (s) => {
    if (s.type === 'ReturnLocalStmt') found = true;
  });
  return found;
}

const MAX_HOST_ARGS = 4;

/** Generates the body of one IR plan (params input, data) or function (its params). */
export class BodyGenerator {
  private readonly fb: FunctionBuilder;
  private readonly locals = new Map<number, number>();
  private deferred: DeferredInserts = { inserts: new Set(), finishAfter: new Map() };
  /** Wasm locals taken for the top-level block being generated, given back when it ends. */
  private held: number[] | undefined;
  /** The spans of the top-level block being generated, when its locals have them. */
  private spans: (LocalSpans & { top: Block; assignedFirst: ReadonlySet<number>; spanned: ReadonlySet<number> }) | undefined;
  private parts = 0;

  constructor(
    private readonly ctx: CodegenContext,
    private readonly where: string,
    private readonly params: readonly number[],
    private readonly options: BodyOptions,
  ) {
    this.fb = new FunctionBuilder(params.length);
    params.forEach((p, i) => this.locals.set(p, i));
  }

  /** Lookups by a key not known when planned into documents of `data` (see dataLookups). */
  private dataLookups: ReadonlySet<Stmt> = new Set();

  /** Generates `blocks`, the body. */
  body(blocks: Block[]): void {
    if (this.params[1] !== undefined) this.dataLookups = dataLookups(blocks, this.params[1]);
    this.blocks(blocks);
  }

  /** A Wasm local for codegen's own use (loop counters, saved values) within the current block. */
  private scratch(): number {
    if (!this.held) return this.fb.newLocal();
    const { local } = this.fb.takeLocal();
    this.held.push(local);
    return local;
  }

  private local(irLocal: number): number {
    let l = this.locals.get(irLocal);
    if (l === undefined) {
      // A use outside the span found for it would read another local's value: never compile that.
      if (this.spans?.spanned.has(irLocal)) throw new CodegenError(this.where, `local ${irLocal} used outside its span`);
      l = this.fb.newLocal();
      this.locals.set(irLocal, l);
    }
    return l;
  }

  private rt(name: string): this {
    this.fb.call(this.ctx.runtimeFn(name));
    return this;
  }

  private operand(o: Operand): void {
    switch (o.type) {
      case 'local':
        this.fb.get(this.local(o.value));
        return;
      case 'bool':
        this.fb.i32(this.ctx.data.bool(o.value));
        return;
      case 'string_index':
        this.fb.i32(this.ctx.data.string(this.ctx.strings[o.value]!));
        return;
    }
  }

  /** Leaves the innermost IR block when the i32 on the stack is zero. */
  private failIfZero(): void {
    this.fb.op(OP.i32Eqz);
    this.fb.breakIr(0, true);
  }

  /** The top-level blocks; `deferred` is given when they are a part of a split function's. */
  blocks(blocks: Block[], deferred = planDeferredInserts(blocks)): void {
    this.deferred = deferred;
    const ret = this.options.returnLocal;
    const locals = blockLocals(blocks, ret === undefined ? this.params : [...this.params, ret]);
    const limit = this.options.statementLimit;
    if (limit === undefined || ret === undefined || locals.statements.reduce((a, b) => a + b, 0) <= limit) {
      blocks.forEach((b, i) => this.topBlock(b, i, locals));
      return;
    }
    let run: Block[] = [];
    let runStatements = 0;
    const flush = (): void => {
      if (run.length > 0) this.part(run, ret);
      run = [];
      runStatements = 0;
    };
    blocks.forEach((b, i) => {
      if (!locals.selfContained[i]) {
        flush();
        this.topBlock(b, i, locals);
        return;
      }
      if (runStatements > 0 && runStatements + locals.statements[i]! > limit) flush();
      run.push(b);
      runStatements += locals.statements[i]!;
    });
    flush();
  }

  /**
   * A top-level block, its own IR locals on Wasm locals that the next block reuses; within it, each
   * on a Wasm local only for its span (see localSpans), so later spans reuse it too.
   */
  private topBlock(b: Block, index: number, locals: BlockLocals): void {
    const held: number[] = [];
    this.held = held;
    const own = locals.own[index]!;
    const spanned = new Set(own);
    const spans = localSpans(b, spanned);
    if (spans) {
      this.spans = { ...spans, top: b, assignedFirst: locals.assignedFirst, spanned };
      this.block(b);
      this.spans = undefined;
    } else {
      for (const irLocal of own) this.openLocal(irLocal, !locals.assignedFirst.has(irLocal), held);
      this.block(b);
      for (const irLocal of own) this.locals.delete(irLocal);
    }
    this.fb.releaseLocals(held);
    this.held = undefined;
  }

  /** Puts `irLocal` on a free Wasm local, reset to undefined when it held another's value and `reset`. */
  private openLocal(irLocal: number, reset: boolean, held?: number[]): void {
    const { local, stale } = this.fb.takeLocal();
    held?.push(local);
    this.locals.set(irLocal, local);
    if (stale && reset) this.fb.i32(0).set(local);
  }

  private openSpans(b: Block, index: number): void {
    const spans = this.spans;
    const opening = spans?.opens.get(b)?.get(index);
    if (!spans || !opening) return;
    // A span in the top-level block itself starts at its first use: one that assigns needs no reset.
    for (const irLocal of opening) this.openLocal(irLocal, b !== spans.top || !spans.assignedFirst.has(irLocal));
  }

  private closeSpans(b: Block, index: number): void {
    const closing = this.spans?.closes.get(b)?.get(index);
    if (!closing) return;
    const free = closing.map((irLocal) => this.locals.get(irLocal)!);
    for (const irLocal of closing) this.locals.delete(irLocal);
    this.fb.releaseLocals(free);
  }

  /**
   * Moves top-level blocks into a function of their own, called with the parameters and the
   * return local's value, returning that local's new value. A ReturnLocalStmt in them sets the
   * part-return global, and the caller then returns too.
   */
  private part(blocks: Block[], ret: number): void {
    const name = `${this.where} part ${++this.parts}`;
    const gen = new BodyGenerator(this.ctx, name, [...this.params, ret], { conflictKind: this.options.conflictKind, returnLocal: ret, isPart: true });
    gen.blocks(blocks, this.deferred);
    const index = this.ctx.addFunction({ params: this.params.length + 1, results: 1, body: gen.finish(ret), name });
    const fb = this.fb;
    this.params.forEach((_, i) => fb.get(i));
    fb.get(this.local(ret)).call(index).set(this.local(ret));
    if (hasReturn(blocks)) {
      const flag = this.ctx.partReturnGlobal;
      fb.globalGet(flag).open(OP.if).i32(0).globalSet(flag).get(this.local(ret)).op(OP.return).close();
    }
  }

  private block(b: Block, tail?: () => void): void {
    this.fb.open(OP.block, true);
    b.stmts.forEach((s, index) => {
      this.openSpans(b, index);
      this.stmt(s);
      for (const obj of this.deferred.finishAfter.get(s) ?? []) {
        this.fb.get(this.local(obj));
        this.rt('rt_finish_object');
      }
      this.closeSpans(b, index);
    });
    tail?.();
    this.fb.close(true);
  }

  private stmt(s: Stmt): void {
    const fb = this.fb;
    switch (s.type) {
      case 'ArrayAppendStmt':
        fb.get(this.local(s.stmt.array));
        this.operand(s.stmt.value);
        this.rt('rt_array_append');
        return;
      case 'AssignIntStmt':
        fb.i32(this.ctx.data.int(BigInt(s.stmt.value))).set(this.local(s.stmt.target));
        return;
      case 'AssignVarStmt':
        this.operand(s.stmt.source);
        fb.set(this.local(s.stmt.target));
        return;
      case 'AssignVarOnceStmt': {
        const target = this.local(s.stmt.target);
        fb.get(target).op(OP.i32Eqz).open(OP.if);
        this.operand(s.stmt.source);
        fb.set(target).elseBranch().get(target);
        this.operand(s.stmt.source);
        fb.i32(this.options.conflictKind);
        this.rt('rt_assign_once_check');
        fb.close();
        return;
      }
      case 'BlockStmt':
        for (const b of s.stmt.blocks) this.block(b);
        return;
      case 'BreakStmt':
        fb.breakIr(s.stmt.index);
        return;
      case 'CallStmt':
        this.call(s.stmt.func, s.stmt.args, s.stmt.result);
        return;
      case 'CallDynamicStmt':
        this.callDynamic(s.stmt.path, s.stmt.args, s.stmt.result);
        return;
      case 'DotStmt': {
        const target = this.local(s.stmt.target);
        this.operand(s.stmt.source);
        this.operand(s.stmt.key);
        this.rt(this.dataLookups.has(s) ? 'rt_dot_data' : 'rt_dot');
        fb.tee(target);
        this.failIfZero();
        return;
      }
      case 'EqualStmt':
        this.operand(s.stmt.a);
        this.operand(s.stmt.b);
        this.rt('rt_equal');
        this.failIfZero();
        return;
      case 'NotEqualStmt':
        this.operand(s.stmt.a);
        this.operand(s.stmt.b);
        this.rt('rt_equal');
        fb.breakIr(0, true);
        return;
      case 'IsArrayStmt':
      case 'IsObjectStmt':
      case 'IsSetStmt': {
        const fn = s.type === 'IsArrayStmt' ? 'rt_is_array' : s.type === 'IsObjectStmt' ? 'rt_is_object' : 'rt_is_set';
        // An undefined operand is never of any type; guard before the runtime reads its tag.
        this.operand(s.stmt.source);
        this.failIfZero();
        this.operand(s.stmt.source);
        this.rt(fn);
        this.failIfZero();
        return;
      }
      case 'IsDefinedStmt':
        fb.get(this.local(s.stmt.source));
        this.failIfZero();
        return;
      case 'IsUndefinedStmt':
        fb.get(this.local(s.stmt.source));
        fb.breakIr(0, true);
        return;
      case 'LenStmt': {
        const target = this.local(s.stmt.target);
        this.operand(s.stmt.source);
        this.rt('rt_len');
        fb.tee(target);
        this.failIfZero();
        return;
      }
      case 'MakeNullStmt':
        fb.i32(this.ctx.data.null()).set(this.local(s.stmt.target));
        return;
      case 'MakeNumberIntStmt':
        fb.i32(this.ctx.data.int(BigInt(s.stmt.value))).set(this.local(s.stmt.target));
        return;
      case 'MakeNumberRefStmt':
        fb.i32(this.ctx.data.number(this.ctx.strings[s.stmt.Index]!)).set(this.local(s.stmt.target));
        return;
      case 'MakeArrayStmt':
        fb.i32(Math.max(0, s.stmt.capacity));
        this.rt('rt_make_array');
        fb.set(this.local(s.stmt.target));
        return;
      case 'MakeObjectStmt':
        this.rt('rt_make_object');
        fb.set(this.local(s.stmt.target));
        return;
      case 'MakeSetStmt':
        this.rt('rt_make_set');
        fb.set(this.local(s.stmt.target));
        return;
      case 'NopStmt':
        return;
      case 'NotStmt':
        // The negated block completing means the NotStmt fails: leave the enclosing IR block.
        this.block(s.stmt.block, () => fb.breakIr(1));
        return;
      case 'ObjectInsertStmt':
      case 'ObjectInsertOnceStmt':
        fb.get(this.local(s.stmt.object));
        this.operand(s.stmt.key);
        this.operand(s.stmt.value);
        if (s.type === 'ObjectInsertStmt') this.rt('rt_object_insert');
        else this.rt(this.deferred.inserts.has(s) ? 'rt_object_append_once' : 'rt_object_insert_once');
        return;
      case 'ObjectMergeStmt':
        fb.get(this.local(s.stmt.a)).get(this.local(s.stmt.b));
        this.rt('rt_object_merge');
        fb.set(this.local(s.stmt.target));
        return;
      case 'ResetLocalStmt':
        fb.i32(0).set(this.local(s.stmt.target));
        return;
      case 'ResultSetAddStmt':
        fb.globalGet(this.ctx.resultSetGlobal).get(this.local(s.stmt.value));
        this.rt('rt_result_add');
        return;
      case 'ReturnLocalStmt':
        if (this.options.isPart) fb.i32(1).globalSet(this.ctx.partReturnGlobal);
        fb.get(this.local(s.stmt.source)).op(OP.return);
        return;
      case 'ScanStmt':
        this.scan(s.stmt.source, s.stmt.key, s.stmt.value, s.stmt.block);
        return;
      case 'SetAddStmt':
        fb.get(this.local(s.stmt.set));
        this.operand(s.stmt.value);
        this.rt('rt_set_add');
        return;
      case 'WithStmt':
        this.withStmt(s.stmt.local, s.stmt.path, s.stmt.value, s.stmt.block);
        return;
    }
  }

  private scan(source: number, key: number, value: number, body: Block): void {
    const fb = this.fb;
    const src = this.local(source);
    const n = this.scratch();
    const i = this.scratch();
    fb.get(src);
    this.rt('rt_iter_count');
    fb.set(n).i32(0).set(i);
    fb.open(OP.block).open(OP.loop);
    fb.get(i).get(n).op(OP.i32GeU).br(1, true);
    fb.get(src).get(i);
    this.rt('rt_iter_key');
    fb.set(this.local(key));
    fb.get(src).get(i);
    this.rt('rt_iter_value');
    fb.set(this.local(value));
    this.block(body);
    fb.get(i).i32(1).op(OP.i32Add).set(i).br(0);
    fb.close().close();
  }

  private withStmt(target: number, path: number[], value: Operand, body: Block): void {
    const fb = this.fb;
    const l = this.local(target);
    const saved = this.scratch();
    const ok = this.scratch();
    fb.get(l).set(saved);
    if (path.length === 0) {
      this.operand(value);
    } else {
      const keys = path.map((p) => this.ctx.data.string(this.ctx.strings[p]!));
      fb.get(l).i32(this.ctx.data.array(keys));
      this.operand(value);
      this.rt('rt_with_upsert');
    }
    fb.set(l).i32(0).set(ok);
    fb.call(this.ctx.memoResetFn);
    this.block(body, () => fb.i32(1).set(ok));
    fb.call(this.ctx.memoResetFn);
    fb.get(saved).set(l).get(ok);
    this.failIfZero();
  }

  private call(func: string, args: Operand[], result: number): void {
    const fb = this.fb;
    const target = this.local(result);
    const irFunc = this.ctx.irFuncIndex(func);
    if (irFunc !== undefined) {
      for (const a of args) this.operand(a);
      fb.call(irFunc).tee(target);
      this.failIfZero();
      return;
    }
    const decl = this.ctx.builtins.get(func)?.decl;
    const isVoid = decl !== undefined && decl.result === undefined;
    const native = NATIVE_BUILTINS[func];
    if (native) {
      for (const a of args) this.operand(a);
      this.rt(native.fn);
      fb.set(target);
      if (native.defers) {
        fb.get(target).i32(DEFER).op(OP.i32Eq).open(OP.if);
        this.hostCall(func, args);
        fb.set(target).close();
      }
    } else {
      this.hostCall(func, args);
      fb.set(target);
    }
    if (!isVoid) {
      fb.get(target);
      this.failIfZero();
    }
  }

  private hostCall(func: string, args: Operand[]): void {
    if (args.length > MAX_HOST_ARGS) {
      throw new CodegenError(this.where, `builtin ${func} takes ${args.length} arguments; the host interface allows at most ${MAX_HOST_ARGS} and Warden has no native implementation`);
    }
    const name = HOST_BUILTIN_PREFIX + func;
    let id = this.ctx.hostIds.get(name);
    if (id === undefined) {
      id = this.ctx.hostIds.size;
      this.ctx.hostIds.set(name, id);
    }
    if (args.length === 0) {
      // time.now_ns, opa.runtime and the like: one value per evaluation, as OPA guarantees. The host
      // is still called once in every evaluation that needs one: that call is how the engine learns
      // the decision must not be cached (src/builtins/nondeterminism.ts).
      const g = this.ctx.nullaryCacheGlobal(func);
      const tmp = this.scratch();
      this.fb.globalGet(g).tee(tmp).op(OP.i32Eqz).open(OP.if);
      this.fb.i32(id);
      this.rt('rt_host_call0');
      this.fb.tee(tmp).globalSet(g).close().get(tmp);
      return;
    }
    // The first call in each evaluation still reaches the host, which marks it non-deterministic.
    if (PER_EVALUATION_BUILTINS.has(func)) return this.memoHostCall(func, id, args);
    this.fb.i32(id);
    for (const a of args) this.operand(a);
    this.rt(`rt_host_call${args.length}`);
  }

  /** One value per arguments and evaluation (an object keyed by the argument array), as OPA. */
  private memoHostCall(func: string, id: number, args: Operand[]): void {
    const fb = this.fb;
    const g = this.ctx.nullaryCacheGlobal(`memo:${func}`);
    const key = this.scratch();
    const value = this.scratch();
    fb.i32(args.length);
    this.rt('rt_make_array');
    fb.set(key);
    for (const a of args) {
      fb.get(key);
      this.operand(a);
      this.rt('rt_array_append');
    }
    fb.globalGet(g).op(OP.i32Eqz).open(OP.if);
    this.rt('rt_make_object');
    fb.globalSet(g).close();
    fb.globalGet(g).get(key);
    this.rt('rt_dot');
    fb.tee(value).op(OP.i32Eqz).open(OP.if);
    fb.i32(id);
    for (const a of args) this.operand(a);
    this.rt(`rt_host_call${args.length}`);
    fb.tee(value).open(OP.if);
    fb.globalGet(g).get(key).get(value);
    this.rt('rt_object_upsert');
    fb.close().close().get(value);
  }

  private callDynamic(path: Operand[], args: number[], result: number): void {
    const fb = this.fb;
    const target = this.local(result);
    fb.i32(0).set(target);
    fb.open(OP.block);
    for (const f of this.ctx.funcsByPath) {
      if (!f.path || f.path.length !== path.length || f.params.length !== args.length) continue;
      fb.open(OP.block);
      path.forEach((p, i) => {
        this.operand(p);
        fb.i32(this.ctx.data.string(f.path![i]!));
        this.rt('rt_equal');
        fb.op(OP.i32Eqz).br(0, true);
      });
      for (const a of args) fb.get(this.local(a));
      fb.call(this.ctx.irFuncIndex(f.name)!).set(target).br(1);
      fb.close();
    }
    fb.close();
    fb.get(target);
    this.failIfZero();
  }

  finish(returnLocal?: number): Uint8Array {
    if (returnLocal !== undefined) this.fb.get(this.local(returnLocal));
    return this.fb.finish();
  }
}

/** Builds a plan function: (input, data) → (), adding result rows to the result-set global. */
export function generatePlan(ctx: CodegenContext, name: string, blocks: Block[]): Uint8Array {
  const g = new BodyGenerator(ctx, `plan "${name}"`, [0, 1], { conflictKind: 0 });
  g.body(blocks);
  return g.finish();
}

/** Builds an IR function: params → value (0 = undefined). */
export function generateFunc(ctx: CodegenContext, f: Func, statementLimit?: number): Uint8Array {
  const options = { conflictKind: f.params.length > 2 ? 1 : 0, returnLocal: f.return, statementLimit };
  const g = new BodyGenerator(ctx, `func "${f.name}"`, f.params, options);
  g.body(f.blocks ?? []);
  // Falling off the end means no block returned: undefined. A ReturnLocalStmt returns earlier.
  return g.finish(f.return);
}

/** Where a rule's memo lives: its value (0: undefined) and the memo epoch it was evaluated in. */
export interface MemoGlobals {
  value: number;
  epoch: number;
}

/**
 * Wraps a rule (an IR function of input and data only) so that it is evaluated at most once per
 * evaluation, as OPA memoizes rules: its memo holds when it was stored in the current epoch.
 * Starting an evaluation, or entering or leaving a `with`, only moves the epoch on (see
 * generateEpochBump), so forgetting every memo costs the same for 20,000 rules as for one.
 */
export function generateMemoWrapper(memo: MemoGlobals, epochGlobal: number, implIndex: number): Uint8Array {
  const fb = new FunctionBuilder(2);
  const v = fb.newLocal();
  fb.globalGet(memo.epoch).globalGet(epochGlobal).op(OP.i32Eq).open(OP.if);
  fb.globalGet(memo.value).op(OP.return).close();
  // Stored with the epoch current when the rule returns: a `with` inside it has moved the epoch on
  // and back out, and the value is the rule's in the evaluation's own context.
  fb.get(0).get(1).call(implIndex).tee(v).globalSet(memo.value);
  fb.globalGet(epochGlobal).globalSet(memo.epoch);
  fb.get(v);
  return fb.finish();
}

/** A rule whose value the start function built (see constantRules): that value, in every evaluation. */
export function generateConstantWrapper(valueGlobal: number): Uint8Array {
  return new FunctionBuilder(2).globalGet(valueGlobal).finish();
}

/**
 * Moves the memo epoch on, forgetting every memo. When the count reaches `wrap` (0: after 2^32
 * moves) it starts again at 1, and the memos' epochs are zeroed first, so that none stored in an
 * earlier round passes for the current epoch.
 */
export function generateEpochBump(epochGlobal: number, memoEpochs: number[], wrap: number): Uint8Array {
  const fb = new FunctionBuilder(0);
  fb.globalGet(epochGlobal).i32(1).op(OP.i32Add).globalSet(epochGlobal);
  fb.globalGet(epochGlobal).i32(wrap).op(OP.i32Eq).open(OP.if);
  for (const g of memoEpochs) fb.i32(0).globalSet(g);
  fb.i32(1).globalSet(epochGlobal);
  fb.close();
  return fb.finish();
}

export type { Policy };
