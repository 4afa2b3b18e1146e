import { loadPlan } from '../ir/load-plan.js';
import type { BuiltinFunc, Func, Policy } from '../ir/types.js';
import { FunctionBuilder } from './function-builder.js';
import { linkModule, type GeneratedFunction, type LinkInput } from './link-module.js';
import { OP } from './opcodes.js';
import { generateConstantWrapper, generateEpochBump, generateFunc, generateMemoWrapper, generatePlan, type CodegenContext } from './plan-codegen.js';
import { loadRuntime, type RuntimeModule } from './runtime-module.js';
import { StaticData } from './static-data.js';
import { constantRules } from './constant-rules.js';
import { INPUT_READS_SECTION, inputReads } from './input-reads.js';

export interface CompilePlanOptions {
  /** Builtin errors abort evaluation (default). `false` gives OPA's default: the call is undefined. */
  strictBuiltinErrors?: boolean;
  /**
   * IR statements above which a function's top-level blocks are split into functions of about
   * this size (default 10,000). Tests lower it to exercise splitting on small policies.
   */
  functionStatementLimit?: number;
  /**
   * The memo epoch that starts the count again at 1 (default 2^32, which wraps to 0). Tests set a
   * small one to see memos of earlier rounds forgotten.
   */
  memoEpochWrap?: number;
  /**
   * Rules whose value is the same in every evaluation are built once, when the module is
   * instantiated (default true; see constantRules). Tests turn it off for an oracle.
   */
  constantsOnce?: boolean;
}

const DEFAULT_FUNCTION_STATEMENT_LIMIT = 10_000;

// Fixed slots at the start of the generated functions.
const START = 0;
const BUILTINS = 1;
const ENTRYPOINTS = 2;
const OPA_EVAL = 3;
const LEGACY_EVAL = 4;
const MEMO_RESET = 5;
const EVAL_RESET = 6;
const FIRST_PLAN = 7;

function runtimeFunctions(rt: RuntimeModule): (name: string) => number {
  const byName = new Map(rt.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index]));
  return (name) => {
    const idx = byName.get(name);
    if (idx === undefined) throw new Error(`runtime.wasm lacks export ${name}: rebuild it with \`npm run build:runtime\``);
    return idx;
  };
}

function jsonConstant(rtFn: (n: string) => number, data: StaticData, value: unknown): GeneratedFunction {
  const { addr, len } = data.raw(JSON.stringify(value));
  const fb = new FunctionBuilder(0);
  fb.i32(addr).i32(len).call(rtFn('opa_json_parse'));
  return { params: 0, results: 1, body: fb.finish() };
}

/** Dispatches on the entrypoint id to the plan functions (shared by `opa_eval` and legacy `eval`). */
function dispatchPlans(fb: FunctionBuilder, planCount: number, firstPlanIndex: number, entrypoint: () => void, input: () => void, data: () => void): void {
  for (let i = 0; i < planCount; i++) {
    entrypoint();
    fb.i32(i).op(OP.i32Eq).open(OP.if);
    input();
    data();
    fb.call(firstPlanIndex + i).close();
  }
}

/**
 * Compiles an OPA plan (`opa build -t plan` JSON, parsed or as text) to a WebAssembly module with
 * OPA's ABI (version 1.3) that `@open-policy-agent/opa-wasm` loads; host builtins come from
 * Warden's `hostBuiltins`.
 */
export async function compilePlan(plan: unknown, options: CompilePlanOptions = {}): Promise<Uint8Array> {
  return compilePlanSync(plan, options);
}

/** `compilePlan` on this thread: code generation, then linking with the runtime. */
export function compilePlanSync(plan: unknown, options: CompilePlanOptions = {}): Uint8Array {
  return linkModule(generateModule(plan, options));
}

/**
 * The compiler's `codegen` stage: a plan's functions as WebAssembly code with their constants,
 * and the dispatch and start functions of OPA's ABI, ready for `linkModule`.
 */
export function generateModule(plan: unknown, options: CompilePlanOptions = {}): LinkInput {
  const policy: Policy = loadPlan(plan);
  const rt = loadRuntime();
  const rtFn = runtimeFunctions(rt);
  const strict = options.strictBuiltinErrors ?? true;
  const plans = policy.plans?.plans ?? [];
  const funcs = policy.funcs?.funcs ?? [];
  const firstNew = rt.importedFuncs + rt.functions.count;
  const firstFunc = FIRST_PLAN + plans.length;
  const firstWrapper = firstFunc + funcs.length;
  // Rules (functions of input and data alone, at a path of data) are memoized through a wrapper;
  // callers call that. Functions without a path are parts of one rule (the rule index's leaves),
  // called once per evaluation of that memoized rule: a memo of their own would only add a global
  // to reset on every evaluation.
  const rules = funcs.map((f, i) => ({ f, i })).filter(({ f }) => f.params.length === 2 && f.path !== undefined);
  const funcIndex = new Map(funcs.map((f, i) => [f.name, firstNew + firstFunc + i]));
  // Globals after the result set's: each rule's memo value, then each one's memo epoch, the epoch.
  const firstMemoGlobal = rt.globals.count + 1;
  const memoOf = (j: number) => ({ value: firstMemoGlobal + j, epoch: firstMemoGlobal + rules.length + j });
  const epochGlobal = firstMemoGlobal + 2 * rules.length;
  rules.forEach(({ f }, j) => funcIndex.set(f.name, firstNew + firstWrapper + j));
  const partReturnGlobal = epochGlobal + 1;
  const nullaryGlobals = new Map<string, number>();
  const firstNullaryGlobal = partReturnGlobal + 1;
  const firstPart = firstWrapper + rules.length;
  const parts: GeneratedFunction[] = [];
  const data = new StaticData((rt.staticEnd + 15) & ~15);
  const ctx: CodegenContext = {
    runtimeFn: rtFn,
    irFuncIndex: (name) => funcIndex.get(name),
    funcsByPath: funcs.filter((f: Func) => f.path !== undefined),
    data,
    strings: (policy.static?.strings ?? []).map((s) => s.value),
    builtins: new Map((policy.static?.builtin_funcs ?? []).map((b: BuiltinFunc) => [b.name, b])),
    hostIds: new Map(),
    resultSetGlobal: rt.globals.count,
    nullaryCacheGlobal: (name) => {
      let g = nullaryGlobals.get(name);
      if (g === undefined) {
        g = firstNullaryGlobal + nullaryGlobals.size;
        nullaryGlobals.set(name, g);
      }
      return g;
    },
    memoResetFn: firstNew + MEMO_RESET,
    addFunction: (f) => firstNew + firstPart + parts.push(f) - 1,
    partReturnGlobal,
  };
  const statementLimit = options.functionStatementLimit ?? DEFAULT_FUNCTION_STATEMENT_LIMIT;

  const generated: GeneratedFunction[] = [];
  plans.forEach((p, i) => {
    generated[FIRST_PLAN + i] = { params: 2, results: 0, body: generatePlan(ctx, p.name, p.blocks ?? []), name: `plan "${p.name}"` };
  });
  funcs.forEach((f, i) => {
    generated[firstFunc + i] = { params: f.params.length, results: 1, body: generateFunc(ctx, f, statementLimit), name: `func "${f.name}"` };
  });
  // Built by the start function, below the heap the SDK resets before every evaluation.
  const constants = options.constantsOnce === false ? [] : constantRules(rules.map(({ f }) => f));
  const constantNames = new Set(constants.map((f) => f.name));
  rules.forEach(({ f, i }, j) => {
    const body = constantNames.has(f.name) ? generateConstantWrapper(memoOf(j).value) : generateMemoWrapper(memoOf(j), epochGlobal, firstNew + firstFunc + i);
    generated[firstWrapper + j] = { params: 2, results: 1, body };
  });
  parts.forEach((f, k) => {
    generated[firstPart + k] = f;
  });
  generated[MEMO_RESET] = { params: 0, results: 0, body: generateEpochBump(epochGlobal, rules.map((_, j) => memoOf(j).epoch), (options.memoEpochWrap ?? 0) | 0) };
  {
    const fb = new FunctionBuilder(0);
    fb.call(firstNew + MEMO_RESET);
    for (const g of nullaryGlobals.values()) fb.i32(0).globalSet(g);
    generated[EVAL_RESET] = { params: 0, results: 0, body: fb.finish() };
  }
  generated[BUILTINS] = jsonConstant(rtFn, data, Object.fromEntries(ctx.hostIds));
  generated[ENTRYPOINTS] = jsonConstant(rtFn, data, Object.fromEntries(plans.map((p, i) => [p.name, i])));

  const planIndex = firstNew + FIRST_PLAN;
  const rs = ctx.resultSetGlobal;
  {
    // opa_eval(reserved, entrypoint, data, inputPtr, inputLen, heapPtr, format) → dumped result set
    const fb = new FunctionBuilder(7);
    const input = fb.newLocal();
    fb.get(3).get(4).get(5).call(rtFn('rt_eval_begin')).set(input);
    fb.call(firstNew + EVAL_RESET);
    fb.call(rtFn('rt_result_set')).globalSet(rs);
    dispatchPlans(fb, plans.length, planIndex, () => fb.get(1), () => fb.get(input), () => fb.get(2));
    fb.globalGet(rs).get(6).call(rtFn('rt_dump'));
    generated[OPA_EVAL] = { params: 7, results: 1, body: fb.finish() };
  }
  {
    // eval(ctx): the pre-1.2 ABI path, reading input, data and entrypoint from the context.
    const fb = new FunctionBuilder(1);
    fb.call(firstNew + EVAL_RESET);
    fb.call(rtFn('rt_result_set')).globalSet(rs);
    dispatchPlans(
      fb, plans.length, planIndex,
      () => fb.get(0).call(rtFn('rt_ctx_entrypoint')),
      () => fb.get(0).call(rtFn('rt_ctx_input')),
      () => fb.get(0).call(rtFn('rt_ctx_data')),
    );
    fb.get(0).globalGet(rs).call(rtFn('rt_ctx_set_result')).i32(0);
    generated[LEGACY_EVAL] = { params: 1, results: 1, body: fb.finish() };
  }
  const staticBytes = data.bytes();
  {
    const fb = new FunctionBuilder(0);
    if (rt.start !== undefined) fb.call(rt.start);
    fb.i32((data.end + 15) & ~15).i32(strict ? 1 : 0).call(rtFn('rt_init'));
    fb.i32(data.base).i32(0).i32(staticBytes.length);
    fb.code.byte(OP.prefixFC).u32(OP.memoryInit).u32(rt.data.count).byte(0);
    fb.code.byte(OP.prefixFC).u32(OP.dataDrop).u32(rt.data.count);
    const ruleOf = new Map(rules.map(({ f, i }, j) => [f.name, { i, j }]));
    for (const f of constants) {
      const { i, j } = ruleOf.get(f.name)!;
      fb.i32(0).i32(0).call(firstNew + firstFunc + i).globalSet(memoOf(j).value);
    }
    generated[START] = { params: 0, results: 0, body: fb.finish() };
  }

  return {
    runtime: rt,
    functions: generated,
    exports: new Map([
      ['builtins', BUILTINS],
      ['entrypoints', ENTRYPOINTS],
      ['opa_eval', OPA_EVAL],
      ['eval', LEGACY_EVAL],
    ]),
    keepRuntimeExports: (name) => name.startsWith('opa_') || name.startsWith('warden_'),
    extraGlobals: 1 + 2 * rules.length + 1 + 1 + nullaryGlobals.size,
    startFunction: START,
    staticData: staticBytes,
    customSections: inputReadsSection(policy),
  };
}

/** The custom section saying what of the input each entrypoint reads, for those that do not read all of it. */
function inputReadsSection(policy: Policy): Array<{ name: string; payload: Uint8Array }> {
  const partial = [...inputReads(policy)].filter(([, reads]) => reads !== true);
  return partial.length === 0 ? [] : [{ name: INPUT_READS_SECTION, payload: new TextEncoder().encode(JSON.stringify(Object.fromEntries(partial))) }];
}
