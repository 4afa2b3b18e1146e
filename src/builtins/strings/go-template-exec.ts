// Provenance: follows Go's src/text/template/exec.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import type { FmtArg } from './go-fmt.js';
import { goSprintf } from './go-printf.js';
import { formatFloat } from './go-float.js';
import { TemplateError, type BlockNode, type Node, type Operand, type Pipeline } from './go-template-parse.js';
import { queryEscape } from '../encoding/go-url.js';

// Executes parsed templates over the data OPA passes (ast.As into map[string]any): strings,
// json.Number numbers (kept as their text), booleans, nil, []any and map[string]any. A key that
// is not in the data renders as `<undefined>`.

/** A number from the data, which Go holds as json.Number (its text). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A missing map key. */
export const MISSING = Symbol('missing');

export type TValue =
  | null
  | boolean
  | string
  | JsonNumber
  | { int: bigint }
  | number
  | TValue[]
  | Map<string, TValue>
  | typeof MISSING;

class Break {}
class Continue {}

function truth(v: TValue): boolean {
  if (v === null || v === MISSING || v === false || v === '') return false;
  if (typeof v === 'number') return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object' && 'int' in v) return v.int !== 0n;
  return true;
}

/** fmt's %v of a Go value. */
export function show(v: TValue): string {
  if (v === MISSING) return '<undefined>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return '[' + v.map(show).join(' ') + ']';
  if (v instanceof Map) return 'map[' + [...v.keys()].sort().map((k) => `${k}:${show(v.get(k)!)}`).join(' ') + ']';
  return v.int.toString();
}

function numeric(v: TValue): number | bigint | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof JsonNumber) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (v !== null && typeof v === 'object' && 'int' in v) return v.int;
  return undefined;
}

function compare(name: string, a: TValue, b: TValue): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
    return Number(x) < Number(y) ? -1 : Number(x) > Number(y) ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (name === 'eq' || name === 'ne') {
    if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : 1;
    if ((a === null || a === MISSING) && (b === null || b === MISSING)) return 0;
  }
  throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
}

function toFmtArg(v: TValue): FmtArg {
  if (typeof v === 'string') return { kind: 'string', v };
  if (typeof v === 'number') return { kind: 'float', v };
  if (v !== null && typeof v === 'object' && 'int' in v) return { kind: 'int', v: v.int };
  return { kind: 'string', v: show(v) };
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function sprint(args: TValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += show(a);
  });
  return out;
}

function index(v: TValue, key: TValue): TValue {
  if (v instanceof Map) {
    if (typeof key !== 'string') throw new TemplateError('error calling index: value has type int; should be string');
    return v.has(key) ? v.get(key)! : MISSING;
  }
  if (Array.isArray(v) || typeof v === 'string') {
    const n = numeric(key);
    if (n === undefined) throw new TemplateError('error calling index: cannot index slice/array with non-integer');
    const i = Number(n);
    if (i < 0 || i >= v.length) throw new TemplateError(`error calling index: index out of range: ${i}`);
    return typeof v === 'string' ? { int: BigInt(Buffer.from(v, 'utf8')[i] ?? 0) } : v[i]!;
  }
  if (v === null || v === MISSING) throw new TemplateError('error calling index: index of untyped nil');
  throw new TemplateError(`error calling index: can't index item of type ${typeName(v)}`);
}

function typeName(v: TValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof JsonNumber) return 'json.Number';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  return 'int';
}

function length(v: TValue): TValue {
  if (typeof v === 'string') return { int: BigInt(Buffer.byteLength(v, 'utf8')) };
  if (Array.isArray(v)) return { int: BigInt(v.length) };
  if (v instanceof Map) return { int: BigInt(v.size) };
  throw new TemplateError(`error calling len: len of type ${v === null || v === MISSING ? '<nil>' : typeName(v)}`);
}

const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' };

type Func = (args: TValue[]) => TValue;

const FUNCS: Record<string, Func> = {
  not: ([a]) => !truth(a ?? null),
  len: ([a]) => length(a ?? null),
  index: ([v, ...keys]) => keys.reduce<TValue>((acc, k) => index(acc, k), v ?? null),
  print: (args) => sprint(args),
  println: (args) => args.map(show).join(' ') + '\n',
  printf: ([f, ...args]) => goSprintf(typeof f === 'string' ? f : show(f ?? null), args.map(toFmtArg)),
  eq: ([a, ...rest]) => rest.some((b) => compare('eq', a ?? null, b) === 0),
  ne: ([a, b]) => compare('ne', a ?? null, b ?? null) !== 0,
  lt: ([a, b]) => compare('lt', a ?? null, b ?? null) < 0,
  le: ([a, b]) => compare('le', a ?? null, b ?? null) <= 0,
  gt: ([a, b]) => compare('gt', a ?? null, b ?? null) > 0,
  ge: ([a, b]) => compare('ge', a ?? null, b ?? null) >= 0,
  html: (args) => sprint(args).replace(/[<>&'"\0]/g, (c) => HTML[c]!),
  urlquery: (args) => queryEscape(sprint(args)),
  slice: ([v, ...idx]) => {
    const ns = idx.map((x) => Number(numeric(x) ?? NaN));
    if (typeof v === 'string') return Buffer.from(v, 'utf8').subarray(ns[0] ?? 0, ns[1]).toString('utf8');
    if (Array.isArray(v)) return v.slice(ns[0] ?? 0, ns[1]);
    throw new TemplateError(`error calling slice: can't slice item of type ${typeName(v ?? null)}`);
  },
};

export class Executor {
  out = '';
  private scopes: Array<Map<string, TValue>>;

  constructor(root: TValue) {
    this.scopes = [new Map([['$', root]])];
  }

  lookupVar(name: string): TValue {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v !== undefined) return v;
    }
    throw new TemplateError(`undefined variable: ${name}`);
  }

  setVar(name: string, value: TValue, assign: boolean): void {
    if (assign) {
      for (let i = this.scopes.length - 1; i >= 0; i--) {
        if (this.scopes[i]!.has(name)) {
          this.scopes[i]!.set(name, value);
          return;
        }
      }
      throw new TemplateError(`undefined variable: ${name}`);
    }
    this.scopes[this.scopes.length - 1]!.set(name, value);
  }

  fields(v: TValue, fields: string[]): TValue {
    for (const f of fields) {
      if (v instanceof Map) v = v.has(f) ? v.get(f)! : MISSING;
      else if (v === MISSING || v === null) return MISSING;
      else throw new TemplateError(`can't evaluate field ${f} in type ${typeName(v)}`);
    }
    return v;
  }

  operand(op: Operand, dot: TValue, final: TValue | undefined): TValue {
    switch (op.t) {
      case 'dot':
        return dot;
      case 'field':
        return this.fields(dot, op.fields);
      case 'var':
        return this.fields(this.lookupVar(op.name), op.fields);
      case 'string':
        return op.v;
      case 'number':
        return op.int ? { int: BigInt(op.v) } : op.v;
      case 'bool':
        return op.v;
      case 'nil':
        return null;
      case 'pipe':
        return this.fields(this.pipeline(op.pipe, dot), op.fields);
      case 'func': {
        const fn = FUNCS[op.name];
        if (fn === undefined && op.name !== 'and' && op.name !== 'or') {
          throw new TemplateError(`function ${JSON.stringify(op.name)} not defined`);
        }
        return fn !== undefined ? fn(final === undefined ? [] : [final]) : (final ?? null);
      }
    }
  }

  command(cmd: Operand[], dot: TValue, final: TValue | undefined): TValue {
    const head = cmd[0]!;
    if (head.t !== 'func') {
      if (cmd.length > 1 || final !== undefined) throw new TemplateError(`can't give argument to non-function`);
      return this.operand(head, dot, undefined);
    }
    const rest = cmd.slice(1);
    if (head.name === 'and' || head.name === 'or') {
      const ops: Array<() => TValue> = rest.map((o) => () => this.operand(o, dot, undefined));
      if (final !== undefined) ops.push(() => final);
      let v: TValue = null;
      for (const get of ops) {
        v = get();
        if (head.name === 'and' ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const fn = FUNCS[head.name];
    if (fn === undefined) throw new TemplateError(`function ${JSON.stringify(head.name)} not defined`);
    const args = rest.map((o) => this.operand(o, dot, undefined));
    if (final !== undefined) args.push(final);
    return fn(args);
  }

  pipeline(pipe: Pipeline, dot: TValue): TValue {
    let v: TValue | undefined;
    for (const cmd of pipe.cmds) v = this.command(cmd, dot, v);
    for (const name of pipe.decl) this.setVar(name, v!, pipe.assign);
    return v!;
  }

  run(nodes: Node[], dot: TValue): void {
    for (const node of nodes) {
      switch (node.t) {
        case 'text':
          this.out += node.v;
          break;
        case 'action': {
          const v = this.pipeline(node.pipe, dot);
          if (node.pipe.decl.length === 0) this.out += show(v);
          break;
        }
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
        case 'if':
        case 'with': {
          this.scopes.push(new Map());
          const v = this.pipeline(node.pipe, dot);
          if (truth(v)) this.run(node.body, node.t === 'with' ? v : dot);
          else this.run(node.else, dot);
          this.scopes.pop();
          break;
        }
        case 'range':
          this.range(node, dot);
          break;
      }
    }
  }

  private range(node: BlockNode, dot: TValue): void {
    this.scopes.push(new Map());
    const decl = node.pipe.decl;
    const v = this.pipeline({ ...node.pipe, decl: [] }, dot);
    let items: Array<[TValue, TValue]>;
    if (Array.isArray(v)) items = v.map((x, i) => [{ int: BigInt(i) }, x]);
    else if (v instanceof Map) items = [...v.keys()].sort().map((k) => [k, v.get(k)!]);
    else if (typeof v === 'object' && v !== null && 'int' in v) {
      items = Array.from({ length: Math.max(0, Number(v.int)) }, (_, i) => [{ int: BigInt(i) }, { int: BigInt(i) }]);
    } else if (v === null || v === MISSING) items = [];
    else throw new TemplateError(`range can't iterate over ${show(v)}`);
    if (items.length === 0) this.run(node.else, dot);
    const depth = this.scopes.length;
    for (const [k, x] of items) {
      this.scopes.length = depth;
      this.scopes.push(new Map());
      if (decl.length === 1) this.setVar(decl[0]!, x, node.pipe.assign);
      if (decl.length === 2) {
        this.setVar(decl[0]!, k, node.pipe.assign);
        this.setVar(decl[1]!, x, node.pipe.assign);
      }
      try {
        this.run(node.body, x);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      }
    }
    this.scopes.length = depth - 1;
  }
}
