import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { parseJsonExact } from './exact-json.js';

/**
 * The SDK's instance fields an evaluation reads (opa-wasm's LoadedPolicy, pinned by package-lock;
 * data writes move `dataAddr`/`dataHeapPtr`, so they are read on every call).
 */
interface EvalInternals {
  minorVersion: number;
  mem: Memory;
  wasmInstance: { exports: { opa_eval?: (reserved: number, entrypoint: number, data: number, input: number, inputLen: number, heap: number, format: number) => number } };
  dataAddr: number;
  dataHeapPtr: number;
  entrypoints: Record<string, number>;
}

/** The instance's `WebAssembly.Memory`. */
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** A Buffer over the instance's memory, made again only when the memory grew (its old buffer is detached then). */
const views = new WeakMap<Memory, Buffer>();

function viewOf(mem: Memory): Buffer {
  const buffer = mem.buffer;
  const view = views.get(mem);
  if (view?.buffer === buffer) return view;
  const fresh = Buffer.from(buffer);
  views.set(mem, fresh);
  return fresh;
}

/**
 * Whether `policy` can be evaluated through the ABI directly: the SDK instance fields are there and
 * the module has ABI 1.2's one-call `opa_eval` (the SDK's own fast path).
 */
function abiReady(p: Partial<EvalInternals>): p is EvalInternals {
  return (p.minorVersion ?? 0) >= 2 && typeof p.wasmInstance?.exports.opa_eval === 'function' && typeof p.mem?.grow === 'function' && typeof p.dataHeapPtr === 'number' && typeof p.entrypoints === 'object';
}

/**
 * `policy.evaluate(inputJson's bytes, entrypoint)`, doing what the SDK's ABI 1.2 path does without
 * its copies: the input is written as UTF-8 straight into the instance's memory where the SDK puts
 * it (at the data's heap end, growing the memory as the SDK does), and the result's JSON is read
 * from there; no ArrayBuffer, TextEncoder or TextDecoder per call. Same result set, same throws
 * (builtin errors and `opa_abort` come from the SDK's imports as before); an instance without the
 * fields this relies on is evaluated by the SDK.
 */
export function evaluateJson(policy: LoadedPolicy, inputJson: string, entrypoint: string): unknown {
  const p = policy as unknown as Partial<EvalInternals>;
  if (!abiReady(p)) return policy.evaluate(encoder.encode(inputJson).buffer as ArrayBuffer, entrypoint);
  if (!Object.prototype.hasOwnProperty.call(p.entrypoints, entrypoint)) throw `entrypoint ${entrypoint} is not valid in this instance`;
  const id = p.entrypoints[entrypoint]!;
  const addr = p.dataHeapPtr;
  let view = viewOf(p.mem);
  // UTF-8 takes at most three bytes per UTF-16 unit: the exact length is counted only when that much room is not there.
  if (view.length - addr < inputJson.length * 3) {
    const delta = addr + Buffer.byteLength(inputJson, 'utf8') - view.length;
    if (delta > 0) {
      p.mem.grow(Math.ceil(delta / PAGE_BYTES));
      view = viewOf(p.mem);
    }
  }
  const length = view.write(inputJson, addr, 'utf8');
  const ret = p.wasmInstance.exports.opa_eval!(0, id, p.dataAddr, addr, length, addr + length, 0);
  // The evaluation may have grown the memory.
  view = viewOf(p.mem);
  const end = view.indexOf(0, ret);
  return parseJsonExact(view.toString('utf8', ret, end < 0 ? view.length : end));
}
