import { readFileSync } from 'node:fs';

/** build/runtime.wasm on its own, for calling runtime exports directly in tests. */
export interface RuntimeInstance {
  /** A value from Rego term text (opa_value_parse); throws on malformed text. */
  value(text: string): number;
  /** A value's Rego text (opa_value_dump). */
  dump(v: number): string;
  /** A value from JSON text (opa_json_parse, the SDK's path for data and input); 0 when malformed. */
  parseJson(text: string | Uint8Array): number;
  /** A value's JSON text (opa_json_dump). */
  json(v: number): string;
  /** Calls an export taking and returning i32s. */
  call(name: string, ...args: number[]): number;
  /** Copies `bytes` into memory at a fresh opa_malloc block; its address. */
  write(bytes: Uint8Array): number;
  /** A copy of `len` bytes of memory at `addr`. */
  read(addr: number, len: number): Uint8Array;
}

const wasm = readFileSync(new URL('../../build/runtime.wasm', import.meta.url));

/** The part of the WebAssembly JS API used here (the project's lib settings leave out the DOM's typings). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

/** Instantiates the runtime with its heap after the runtime's own data; aborts throw. */
export async function runtimeInstance(): Promise<RuntimeInstance> {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const cstring = (addr: number): string => {
    const bytes = new Uint8Array(memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(addr, end));
  };
  const unavailable = (): never => {
    throw new Error('no host builtins here');
  };
  const { instance } = await WebAssembly.instantiate(wasm, {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Error(cstring(addr));
      },
      opa_println: () => undefined,
      opa_builtin0: unavailable,
      opa_builtin1: unavailable,
      opa_builtin2: unavailable,
      opa_builtin3: unavailable,
      opa_builtin4: unavailable,
    },
  });
  const fns = instance.exports as Record<string, (...args: number[]) => number>;
  const call = (name: string, ...args: number[]): number => {
    const f = fns[name];
    if (typeof f !== 'function') throw new Error(`runtime has no export ${name}`);
    return f(...args);
  };
  call('rt_init', 1 << 16, 1);
  return {
    call,
    value(text) {
      const bytes = new TextEncoder().encode(text);
      const p = call('opa_malloc', bytes.length);
      new Uint8Array(memory.buffer).set(bytes, p);
      const v = call('opa_value_parse', p, bytes.length);
      if (v === 0) throw new Error(`not a Rego value: ${text}`);
      return v;
    },
    dump: (v) => cstring(call('opa_value_dump', v)),
    parseJson(text) {
      const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
      const p = call('opa_malloc', bytes.length);
      new Uint8Array(memory.buffer).set(bytes, p);
      return call('opa_json_parse', p, bytes.length);
    },
    json: (v) => cstring(call('opa_json_dump', v)),
    write(bytes) {
      const p = call('opa_malloc', bytes.length);
      new Uint8Array(memory.buffer).set(bytes, p);
      return p;
    },
    read: (addr, len) => new Uint8Array(memory.buffer).slice(addr, addr + len),
  };
}
