/**
 * OPA's plan IR, as `opa build -t plan` writes it (`/plan.json`). Field names and shapes follow
 * OPA's `v1/ir` package exactly, so plans from OPA and from Warden's planner are interchangeable.
 */
export type Local = number;

export type Operand =
  | { type: 'local'; value: Local }
  | { type: 'bool'; value: boolean }
  | { type: 'string_index'; value: number };

export interface Location {
  file: number;
  row: number;
  col: number;
}

export interface Block {
  stmts: Stmt[];
}

type S<T extends string, F> = { type: T; stmt: F & Location };

export type Stmt =
  | S<'ArrayAppendStmt', { array: Local; value: Operand }>
  | S<'AssignIntStmt', { value: number; target: Local }>
  | S<'AssignVarStmt', { source: Operand; target: Local }>
  | S<'AssignVarOnceStmt', { source: Operand; target: Local }>
  | S<'BlockStmt', { blocks: Block[] }>
  | S<'BreakStmt', { index: number }>
  | S<'CallStmt', { func: string; args: Operand[]; result: Local }>
  | S<'CallDynamicStmt', { path: Operand[]; args: Local[]; result: Local }>
  | S<'DotStmt', { source: Operand; key: Operand; target: Local }>
  | S<'EqualStmt', { a: Operand; b: Operand }>
  | S<'NotEqualStmt', { a: Operand; b: Operand }>
  | S<'IsArrayStmt', { source: Operand }>
  | S<'IsObjectStmt', { source: Operand }>
  | S<'IsSetStmt', { source: Operand }>
  | S<'IsDefinedStmt', { source: Local }>
  | S<'IsUndefinedStmt', { source: Local }>
  | S<'LenStmt', { source: Operand; target: Local }>
  | S<'MakeNullStmt', { target: Local }>
  | S<'MakeNumberIntStmt', { value: number; target: Local }>
  | S<'MakeNumberRefStmt', { Index: number; target: Local }>
  | S<'MakeArrayStmt', { capacity: number; target: Local }>
  | S<'MakeObjectStmt', { target: Local }>
  | S<'MakeSetStmt', { target: Local }>
  | S<'NopStmt', Record<string, never>>
  | S<'NotStmt', { block: Block }>
  | S<'ObjectInsertStmt', { key: Operand; value: Operand; object: Local }>
  | S<'ObjectInsertOnceStmt', { key: Operand; value: Operand; object: Local }>
  | S<'ObjectMergeStmt', { a: Local; b: Local; target: Local }>
  | S<'ResetLocalStmt', { target: Local }>
  | S<'ResultSetAddStmt', { value: Local }>
  | S<'ReturnLocalStmt', { source: Local }>
  | S<'ScanStmt', { source: Local; key: Local; value: Local; block: Block }>
  | S<'SetAddStmt', { value: Operand; set: Local }>
  | S<'WithStmt', { local: Local; path: number[]; value: Operand; block: Block }>;

export type StmtType = Stmt['type'];

/** A builtin's declaration as OPA's type checker writes it; only `result` matters to codegen. */
export interface BuiltinDecl {
  type?: string;
  args?: unknown[];
  result?: unknown;
  [key: string]: unknown;
}

export interface BuiltinFunc {
  name: string;
  decl?: BuiltinDecl;
}

export interface Plan {
  name: string;
  blocks: Block[];
}

export interface Func {
  name: string;
  params: Local[];
  return: Local;
  blocks: Block[];
  path?: string[];
}

export interface Policy {
  static?: {
    strings?: Array<{ value: string }>;
    builtin_funcs?: BuiltinFunc[];
    files?: Array<{ value: string }>;
  };
  plans?: { plans: Plan[] };
  funcs?: { funcs: Func[] };
}
