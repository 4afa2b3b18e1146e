import type { Block, Func, Operand, Policy, Stmt } from '../ir/types.js';
import { readLocals, walkStmts, writtenLocals } from './ir-walk.js';

/**
 * What a policy can observe of its input, as a tree of the keys it looks up: `true` where a value
 * is read whole (compared, iterated, handed to a builtin, returned), else the keys looked up below
 * (`s:<key>` an object key, `n:<index>` an array index); a node with no keys is only tested for
 * being there. Two inputs alike along this tree get the same decision, whatever else they hold.
 */
export type InputReads = true | { [key: string]: InputReads };

/** The name of the custom section in which a module built by Warden carries its {@link InputReads}. */
export const INPUT_READS_SECTION = 'warden.input_reads';

type Path = ReadonlyArray<string | number>;

/** Input paths longer than this are not followed further (see the DotStmt transfer). */
const MAX_PATH_DEPTH = 64;

/** Paths of the input, numbered: each is reached from its parent by one key, so that is its identity. */
class PathTable {
  /** The root, the input itself. */
  static readonly ROOT = 0;
  readonly paths: Path[] = [[]];
  private readonly children = new Map<number, Map<string | number, number>>();

  child(parent: number, key: string | number): number {
    let byKey = this.children.get(parent);
    if (!byKey) this.children.set(parent, (byKey = new Map()));
    let id = byKey.get(key);
    if (id === undefined) {
      id = this.paths.push([...this.paths[parent]!, key]) - 1;
      byKey.set(key, id);
    }
    return id;
  }
}

/** The input paths each local of one function (or plan) may hold, and which locals hold constant integers. */
class FunctionState {
  readonly holds = new Map<number, Set<number>>();
  /** Locals set to one integer only (`null`: set otherwise somewhere). */
  readonly integers = new Map<number, number | null>();

  constructor(readonly blocks: Block[], strings: readonly string[]) {
    walkStmts(blocks, (s) => {
      for (const local of writtenLocals(s)) {
        const value = s.type === 'MakeNumberIntStmt' ? s.stmt.value : s.type === 'MakeNumberRefStmt' ? integerText(strings[s.stmt.Index]) : null;
        const known = this.integers.get(local);
        this.integers.set(local, known === undefined || known === value ? value : null);
      }
    });
  }

  pathsOf(local: number): ReadonlySet<number> {
    return this.holds.get(local) ?? EMPTY;
  }

  /** Adds `paths` to what `local` may hold; whether anything was new. */
  add(local: number, paths: Iterable<number>): boolean {
    let set = this.holds.get(local);
    if (!set) this.holds.set(local, (set = new Set()));
    const before = set.size;
    for (const p of paths) set.add(p);
    return set.size !== before;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/** The integer a number's text spells plainly (`0`, `-2`), as an array index; else `null`. */
function integerText(text: string | undefined): number | null {
  return text !== undefined && /^-?\d{1,15}$/.test(text) ? Number(text) : null;
}

function operandLocal(o: Operand): number | undefined {
  return o.type === 'local' ? o.value : undefined;
}

/**
 * The parts of `input` each of a plan's entrypoints can observe (see {@link InputReads}), by
 * entrypoint; `true` when that is the whole input. Flow-insensitive and conservative: a local that
 * may hold a part of the input anywhere in a function is taken to hold it everywhere in it, a value
 * handed to a function of the plan is followed into it, and any use of a part other than a
 * constant-key lookup reads it whole.
 */
export function inputReads(policy: Policy): Map<string, InputReads> {
  const strings = (policy.static?.strings ?? []).map((s) => s.value);
  const funcs = new Map<string, Func>((policy.funcs?.funcs ?? []).map((f) => [f.name, f]));
  const out = new Map<string, InputReads>();
  for (const plan of policy.plans?.plans ?? []) out.set(plan.name, planInputReads(plan.blocks, funcs, strings));
  return out;
}

function planInputReads(planBlocks: Block[], funcs: ReadonlyMap<string, Func>, strings: readonly string[]): InputReads {
  const table = new PathTable();
  const root = PathTable.ROOT;
  const looked = new Set<number>();
  const whole = new Set<number>();
  const plan = new FunctionState(planBlocks, strings);
  // A plan's local 0 is the input (local 1 the data), as in OPA's IR.
  plan.add(0, [root]);
  const states: FunctionState[] = [plan];
  const byFunc = new Map<string, FunctionState>();
  const stateOf = (f: Func): FunctionState => {
    let state = byFunc.get(f.name);
    if (!state) {
      state = new FunctionState(f.blocks, strings);
      byFunc.set(f.name, state);
      states.push(state);
    }
    return state;
  };
  const readWhole = (state: FunctionState, local: number | undefined): boolean => {
    if (local === undefined) return false;
    let changed = false;
    for (const p of state.pathsOf(local)) {
      if (!whole.has(p)) {
        whole.add(p);
        changed = true;
      }
    }
    return changed;
  };

  const transfer = (state: FunctionState, s: Stmt): boolean => {
    switch (s.type) {
      case 'DotStmt': {
        const source = operandLocal(s.stmt.source);
        const keyLocal = operandLocal(s.stmt.key);
        let changed = readWhole(state, keyLocal);
        if (source === undefined || state.pathsOf(source).size === 0) return changed;
        const key = s.stmt.key.type === 'string_index' ? strings[s.stmt.key.value] : keyLocal !== undefined ? state.integers.get(keyLocal) : undefined;
        if (key === undefined || key === null) return readWhole(state, source) || changed;
        // A path this deep comes from a cycle (`x := input.x; … with input as x` makes the input
        // hold input.x, input.x.x, …): it is read whole, so the paths stay finite and the analysis ends.
        const parents = [...state.pathsOf(source)];
        if (parents.some((p) => table.paths[p]!.length >= MAX_PATH_DEPTH)) return readWhole(state, source) || changed;
        const children = parents.map((p) => table.child(p, key));
        for (const c of children) looked.add(c);
        return state.add(s.stmt.target, children) || changed;
      }
      case 'AssignVarStmt': {
        const source = operandLocal(s.stmt.source);
        return source === undefined ? false : state.add(s.stmt.target, state.pathsOf(source));
      }
      case 'CallStmt': {
        const callee = funcs.get(s.stmt.func);
        let changed = false;
        s.stmt.args.forEach((arg, i) => {
          const local = operandLocal(arg);
          if (local === undefined) return;
          const param = callee?.params[i];
          if (param === undefined) changed = readWhole(state, local) || changed;
          else changed = stateOf(callee!).add(param, state.pathsOf(local)) || changed;
        });
        return changed;
      }
      case 'WithStmt': {
        const value = operandLocal(s.stmt.value);
        // Replacing the whole document makes it the value (the planner also puts the input back
        // this way after a replacement); replacing a part of it depends on the shape of what it is
        // inserted into, and the value is then followed no further: both are read whole.
        if (s.stmt.path.length === 0) return value === undefined ? false : state.add(s.stmt.local, state.pathsOf(value));
        return readWhole(state, value) || readWhole(state, s.stmt.local);
      }
      default: {
        let changed = false;
        for (const local of readLocals(s)) changed = readWhole(state, local) || changed;
        return changed;
      }
    }
  };

  for (let changed = true; changed; ) {
    changed = false;
    // Functions are added to `states` as calls to them are found.
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      walkStmts(state.blocks, (s) => (changed = transfer(state, s) || changed));
    }
  }
  if (whole.has(root)) return true;
  return treeOf(table, looked, whole);
}

function treeOf(table: PathTable, looked: ReadonlySet<number>, whole: ReadonlySet<number>): InputReads {
  const tree: { [key: string]: InputReads } = {};
  const ids = [...new Set([...looked, ...whole])].sort((a, b) => table.paths[a]!.length - table.paths[b]!.length);
  for (const id of ids) {
    let node: InputReads = tree;
    const path = table.paths[id]!;
    for (let i = 0; i < path.length && node !== true; i++) {
      const key = `${typeof path[i] === 'number' ? 'n' : 's'}:${path[i]}`;
      if (i === path.length - 1) {
        if (whole.has(id)) node[key] = true;
        else node[key] ??= {};
      } else {
        node = node[key] ??= {};
      }
    }
  }
  return tree;
}
