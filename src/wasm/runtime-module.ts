import { readFileSync } from 'node:fs';
import { ByteReader } from './byte-reader.js';

/** A section's vector: how many entries, and their raw bytes after the count. */
export interface RawVector {
  count: number;
  entries: Uint8Array;
}

export interface WasmExport {
  name: string;
  kind: number;
  index: number;
}

/** The precompiled runtime (values, JSON, allocator, native builtins), parsed for linking. */
export interface RuntimeModule {
  types: RawVector;
  imports: Uint8Array;
  importedFuncs: number;
  functions: RawVector;
  table?: Uint8Array;
  globals: RawVector;
  exports: WasmExport[];
  start?: number;
  elements?: Uint8Array;
  code: RawVector;
  data: RawVector;
  /** First free byte after the runtime's own static data. */
  staticEnd: number;
}

const SECTION = { type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12 };

function vector(content: Uint8Array): RawVector {
  const r = new ByteReader(content);
  const count = r.u32();
  return { count, entries: content.subarray(r.pos) };
}

function countImportedFuncs(content: Uint8Array): number {
  const r = new ByteReader(content);
  const n = r.u32();
  let funcs = 0;
  for (let i = 0; i < n; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) {
      r.u32();
      funcs++;
    } else if (kind === 1) {
      r.byte();
      readLimits(r);
    } else if (kind === 2) readLimits(r);
    else if (kind === 3) {
      r.byte();
      r.byte();
    } else throw new Error(`runtime.wasm: unknown import kind ${kind}`);
  }
  return funcs;
}

function readLimits(r: ByteReader): void {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

function readExports(content: Uint8Array): WasmExport[] {
  const r = new ByteReader(content);
  const n = r.u32();
  const out: WasmExport[] = [];
  for (let i = 0; i < n; i++) out.push({ name: r.name(), kind: r.byte(), index: r.u32() });
  return out;
}

function staticDataEnd(content: Uint8Array): number {
  const r = new ByteReader(content);
  const n = r.u32();
  let end = 0;
  for (let i = 0; i < n; i++) {
    const flags = r.u32();
    if (flags === 1) {
      r.bytes(r.u32());
      continue;
    }
    if (flags === 2) r.u32();
    if (r.byte() !== 0x41) throw new Error('runtime.wasm: data offset is not an i32.const');
    const offset = r.i32();
    if (r.byte() !== 0x0b) throw new Error('runtime.wasm: data offset expression too long');
    const size = r.u32();
    r.bytes(size);
    end = Math.max(end, offset + size);
  }
  return end;
}

export function parseRuntime(binary: Uint8Array): RuntimeModule {
  const r = new ByteReader(binary);
  const magic = r.bytes(8);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d || magic[4] !== 1) throw new Error('runtime.wasm: not a wasm module');
  const sections = new Map<number, Uint8Array>();
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const content = r.bytes(size);
    if (id !== 0) sections.set(id, content);
  }
  const empty = new Uint8Array([0]);
  const imports = sections.get(SECTION.import) ?? empty;
  const startSection = sections.get(SECTION.start);
  const data = sections.get(SECTION.data) ?? empty;
  if (sections.has(SECTION.memory)) throw new Error('runtime.wasm must import its memory');
  return {
    types: vector(sections.get(SECTION.type) ?? empty),
    imports,
    importedFuncs: countImportedFuncs(imports),
    functions: vector(sections.get(SECTION.function) ?? empty),
    table: sections.get(SECTION.table),
    globals: vector(sections.get(SECTION.global) ?? empty),
    exports: readExports(sections.get(SECTION.export) ?? empty),
    start: startSection ? new ByteReader(startSection).u32() : undefined,
    elements: sections.get(SECTION.element),
    code: vector(sections.get(SECTION.code) ?? empty),
    data: vector(data),
    staticEnd: staticDataEnd(data),
  };
}

let cached: RuntimeModule | undefined;

/** The runtime built by `npm run build:runtime` (build/runtime.wasm), parsed once per process. */
export function loadRuntime(): RuntimeModule {
  if (!cached) {
    const url = new URL('../../build/runtime.wasm', import.meta.url);
    let binary: Uint8Array;
    try {
      binary = readFileSync(url);
    } catch {
      throw new Error(`Warden's Wasm runtime is missing at ${url.pathname}: run \`npm run build:runtime\``);
    }
    cached = parseRuntime(binary);
  }
  return cached;
}
