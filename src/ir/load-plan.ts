import { PlanError } from './errors.js';
import { STMT_FIELDS, type FieldKind } from './schema.js';
import type { Block, Policy, StmtType } from './types.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: Json): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

class PlanChecker {
  constructor(
    private readonly stringCount: number,
    private readonly fileCount: number,
  ) {}

  checkBlocks(blocks: Json, where: string): void {
    if (!Array.isArray(blocks)) throw new PlanError(where, 'expected an array of blocks');
    blocks.forEach((b, i) => this.checkBlock(b, `${where}[${i}]`));
  }

  checkBlock(block: Json, where: string): asserts block is Block {
    if (!isObject(block)) throw new PlanError(where, 'expected a block object');
    const stmts = block.stmts ?? [];
    if (!Array.isArray(stmts)) throw new PlanError(`${where}.stmts`, 'expected an array');
    block.stmts = stmts;
    stmts.forEach((s, i) => this.checkStmt(s, `${where}.stmts[${i}]`));
  }

  private checkStmt(stmt: Json, where: string): void {
    if (!isObject(stmt)) throw new PlanError(where, 'expected a statement object');
    const type = stmt.type;
    if (typeof type !== 'string' || !(type in STMT_FIELDS)) {
      throw new PlanError(`${where}.type`, `unknown statement type ${JSON.stringify(type)}`);
    }
    const at = `${where} (${type})`;
    const body = stmt.stmt ?? {};
    if (!isObject(body)) throw new PlanError(`${at}.stmt`, 'expected an object');
    stmt.stmt = body;
    for (const [field, kind] of Object.entries(STMT_FIELDS[type as StmtType])) {
      this.checkField(body, field, kind, `${at}.${field}`);
    }
    if (body.file !== undefined && !(isIndex(body.file) && (this.fileCount === 0 || body.file < this.fileCount))) {
      throw new PlanError(`${at}.file`, 'expected an index into static.files');
    }
  }

  private checkField(body: Record<string, Json>, field: string, kind: FieldKind, where: string): void {
    const v = body[field];
    switch (kind) {
      case 'local':
        if (!isIndex(v)) throw new PlanError(where, 'expected a local (a non-negative integer)');
        return;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new PlanError(where, 'expected an integer');
        if (field === 'Index' && !(v >= 0 && v < this.stringCount)) {
          throw new PlanError(where, `string index ${v} is out of range (${this.stringCount} strings)`);
        }
        return;
      case 'string':
        if (typeof v !== 'string' || v === '') throw new PlanError(where, 'expected a non-empty string');
        return;
      case 'operand':
        this.checkOperand(v, where);
        return;
      case 'operands':
        if (v === undefined || v === null) {
          body[field] = [];
          return;
        }
        if (!Array.isArray(v)) throw new PlanError(where, 'expected an array of operands');
        v.forEach((o, i) => this.checkOperand(o, `${where}[${i}]`));
        return;
      case 'locals':
        if (v === undefined || v === null) {
          body[field] = [];
          return;
        }
        if (!Array.isArray(v) || !v.every(isIndex)) throw new PlanError(where, 'expected an array of locals');
        return;
      case 'ints':
        if (v === undefined || v === null) {
          body[field] = [];
          return;
        }
        if (!Array.isArray(v) || !v.every((x) => isIndex(x) && x < this.stringCount)) {
          throw new PlanError(where, 'expected an array of string indexes');
        }
        return;
      case 'block':
        this.checkBlock(v, where);
        return;
      case 'blocks':
        // Go writes an empty slice as null: OPA plans a BlockStmt with no blocks that way.
        if (v === undefined || v === null) {
          body[field] = [];
          return;
        }
        this.checkBlocks(v, where);
        return;
    }
  }

  private checkOperand(o: Json, where: string): void {
    if (!isObject(o)) throw new PlanError(where, 'expected an operand {type, value}');
    switch (o.type) {
      case 'local':
        if (!isIndex(o.value)) throw new PlanError(`${where}.value`, 'expected a local');
        return;
      case 'bool':
        if (typeof o.value !== 'boolean') throw new PlanError(`${where}.value`, 'expected a boolean');
        return;
      case 'string_index':
        if (!isIndex(o.value) || o.value >= this.stringCount) {
          throw new PlanError(`${where}.value`, `string index out of range (${this.stringCount} strings)`);
        }
        return;
      default:
        throw new PlanError(`${where}.type`, `unknown operand type ${JSON.stringify(o.type)}`);
    }
  }
}

/**
 * Validates a plan (parsed JSON or its text) against OPA's IR format and returns it typed.
 * Errors name the plan or function, the statement and the field.
 */
export function loadPlan(input: Json): Policy {
  let plan = input;
  if (typeof plan === 'string') {
    try {
      plan = JSON.parse(plan);
    } catch (e) {
      throw new PlanError('(root)', `not JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(plan)) throw new PlanError('(root)', 'expected an object');
  const stat = plan.static ?? {};
  if (!isObject(stat)) throw new PlanError('static', 'expected an object');
  const strings = stat.strings ?? [];
  if (!Array.isArray(strings)) throw new PlanError('static.strings', 'expected an array');
  strings.forEach((s, i) => {
    if (!isObject(s) || typeof s.value !== 'string') throw new PlanError(`static.strings[${i}]`, 'expected {value: string}');
  });
  const builtins = stat.builtin_funcs ?? [];
  if (!Array.isArray(builtins)) throw new PlanError('static.builtin_funcs', 'expected an array');
  builtins.forEach((b, i) => {
    if (!isObject(b) || typeof b.name !== 'string') throw new PlanError(`static.builtin_funcs[${i}]`, 'expected {name, decl}');
  });
  const files = stat.files ?? [];
  if (!Array.isArray(files)) throw new PlanError('static.files', 'expected an array');
  const checker = new PlanChecker(strings.length, files.length);

  const plans = plan.plans === undefined ? { plans: [] } : plan.plans;
  if (!isObject(plans) || !Array.isArray(plans.plans ?? [])) throw new PlanError('plans.plans', 'expected an array');
  const planList = (plans.plans ?? []) as Json[];
  planList.forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string') throw new PlanError(`plans.plans[${i}]`, 'expected {name, blocks}');
    checker.checkBlocks(p.blocks ?? [], `plan "${p.name}" blocks`);
  });

  const funcs = plan.funcs === undefined ? { funcs: [] } : plan.funcs;
  if (!isObject(funcs) || !Array.isArray(funcs.funcs ?? [])) throw new PlanError('funcs.funcs', 'expected an array');
  const funcList = (funcs.funcs ?? []) as Json[];
  const names = new Set<string>();
  funcList.forEach((f, i) => {
    if (!isObject(f) || typeof f.name !== 'string') throw new PlanError(`funcs.funcs[${i}]`, 'expected {name, params, return, blocks}');
    const at = `func "${f.name}"`;
    if (names.has(f.name)) throw new PlanError(at, 'duplicate function name');
    names.add(f.name);
    if (!Array.isArray(f.params) || !f.params.every(isIndex)) throw new PlanError(`${at}.params`, 'expected an array of locals');
    if (!isIndex(f.return)) throw new PlanError(`${at}.return`, 'expected a local');
    if (f.path !== undefined && !(Array.isArray(f.path) && f.path.every((p) => typeof p === 'string'))) {
      throw new PlanError(`${at}.path`, 'expected an array of strings');
    }
    checker.checkBlocks(f.blocks ?? [], `${at} blocks`);
  });

  return {
    static: { strings: strings as Array<{ value: string }>, builtin_funcs: builtins as never, files: files as never },
    plans: { plans: planList as never },
    funcs: { funcs: funcList as never },
  };
}
