import { ByteWriter } from './byte-writer.js';
import type { RuntimeModule, WasmExport } from './runtime-module.js';
import { checkEngineLimits } from './engine-limits.js';

export interface GeneratedFunction {
  params: number;
  results: 0 | 1;
  body: Uint8Array;
  /** What the function is, for errors (`func "g0.data.authz.allow"`). */
  name?: string;
}

export interface LinkInput {
  runtime: RuntimeModule;
  functions: GeneratedFunction[];
  /** Exports of generated functions: name → index into `functions`. */
  exports: Map<string, number>;
  /** Runtime exports kept in the final module (the ABI), by name. */
  keepRuntimeExports: (name: string) => boolean;
  extraGlobals: number;
  startFunction: number;
  /** Passive data segment with the policy's constants, copied by the start function. */
  staticData: Uint8Array;
  /** Custom sections, after every other: facts about the policy for its host, ignored by engines. */
  customSections?: ReadonlyArray<{ name: string; payload: Uint8Array }>;
}

const I32 = 0x7f;

function section(out: ByteWriter, id: number, content: ByteWriter): void {
  out.byte(id).sized(content);
}

function vector(count: number, raw: Uint8Array, extra?: (w: ByteWriter) => void, extraCount = 0): ByteWriter {
  const w = new ByteWriter();
  w.u32(count + extraCount).bytes(raw);
  extra?.(w);
  return w;
}

/**
 * Appends generated functions, globals, exports, a start function and a passive data segment to
 * the runtime. Runtime function indices stay unchanged because everything new goes after them.
 */
export function linkModule(input: LinkInput): Uint8Array {
  // Every path to a module passes here: refuse what V8 would refuse at load, before emitting it.
  checkEngineLimits(input);
  const { runtime: rt, functions } = input;
  const signatures = new Map<string, number>();
  const newTypes: Array<[number, number]> = [];
  const typeOf = (params: number, results: number): number => {
    const key = `${params}:${results}`;
    let idx = signatures.get(key);
    if (idx === undefined) {
      idx = rt.types.count + newTypes.length;
      newTypes.push([params, results]);
      signatures.set(key, idx);
    }
    return idx;
  };
  const funcTypes = functions.map((f) => typeOf(f.params, f.results));
  const firstNew = rt.importedFuncs + rt.functions.count;

  const out = new ByteWriter();
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  section(out, 1, vector(rt.types.count, rt.types.entries, (w) => {
    for (const [p, r] of newTypes) {
      w.byte(0x60).u32(p);
      for (let i = 0; i < p; i++) w.byte(I32);
      w.u32(r);
      for (let i = 0; i < r; i++) w.byte(I32);
    }
  }, newTypes.length));
  section(out, 2, new ByteWriter().bytes(rt.imports));
  section(out, 3, vector(rt.functions.count, rt.functions.entries, (w) => funcTypes.forEach((t) => w.u32(t)), functions.length));
  if (rt.table) section(out, 4, new ByteWriter().bytes(rt.table));
  section(out, 6, vector(rt.globals.count, rt.globals.entries, (w) => {
    for (let i = 0; i < input.extraGlobals; i++) w.byte(I32).byte(1).byte(0x41).i32(0).byte(0x0b);
  }, input.extraGlobals));

  const exports: WasmExport[] = rt.exports.filter((e) => input.keepRuntimeExports(e.name));
  for (const [name, idx] of input.exports) exports.push({ name, kind: 0, index: firstNew + idx });
  const ex = new ByteWriter().u32(exports.length);
  for (const e of exports) ex.name(e.name).byte(e.kind).u32(e.index);
  section(out, 7, ex);
  section(out, 8, new ByteWriter().u32(firstNew + input.startFunction));
  if (rt.elements) section(out, 9, new ByteWriter().bytes(rt.elements));
  section(out, 12, new ByteWriter().u32(rt.data.count + 1));
  section(out, 10, vector(rt.code.count, rt.code.entries, (w) => functions.forEach((f) => w.sized(f.body)), functions.length));
  section(out, 11, vector(rt.data.count, rt.data.entries, (w) => w.byte(1).sized(input.staticData), 1));
  for (const custom of input.customSections ?? []) section(out, 0, new ByteWriter().name(custom.name).bytes(custom.payload));
  return out.finish().slice();
}
