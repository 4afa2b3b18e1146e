import { TAG } from './value-layout.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The policy's constants, laid out in the runtime's value format at a fixed base address so that
 * generated code refers to them as plain `i32.const` pointers. Immutable: nothing writes to them.
 */
export class StaticData {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<string, number>();
  private readonly arrays = new Map<string, number>();
  private nullAddr = -1;
  private readonly bools: [number, number] = [-1, -1];
  private readonly encoder = new TextEncoder();

  constructor(readonly base: number) {}

  get end(): number {
    return this.base + this.size;
  }

  private alloc(bytes: Uint8Array, align = 8): number {
    const pad = (align - (this.size % align)) % align;
    if (pad) this.chunks.push(new Uint8Array(pad));
    this.size += pad;
    const addr = this.base + this.size;
    this.chunks.push(bytes);
    this.size += bytes.length;
    return addr;
  }

  private header(words: number[]): Uint8Array {
    const b = new Uint8Array(words.length * 4);
    const v = new DataView(b.buffer);
    words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
    return b;
  }

  /** Raw UTF-8 bytes (not a value); returns address and length. */
  raw(text: string): { addr: number; len: number } {
    const bytes = this.encoder.encode(text);
    return { addr: this.alloc(bytes, 1), len: bytes.length };
  }

  string(s: string): number {
    let addr = this.strings.get(s);
    if (addr === undefined) {
      const { addr: bytes, len } = this.raw(s);
      addr = this.alloc(this.header([TAG.string, len, bytes, 0xffffffff]));
      this.strings.set(s, addr);
    }
    return addr;
  }

  int(n: bigint): number {
    const key = `i${n}`;
    let addr = this.numbers.get(key);
    if (addr === undefined) {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setUint32(0, TAG.int, true);
      v.setBigInt64(8, n, true);
      addr = this.alloc(b);
      this.numbers.set(key, addr);
    }
    return addr;
  }

  /** A number from its Rego/JSON text: an integer value when it is a plain integer in range. */
  number(text: string): number {
    if (/^-?\d{1,19}$/.test(text)) {
      const n = BigInt(text);
      if (n >= INT64_MIN && n <= INT64_MAX) return this.int(n);
    }
    const key = `r${text}`;
    let addr = this.numbers.get(key);
    if (addr === undefined) {
      const { addr: bytes, len } = this.raw(text);
      addr = this.alloc(this.header([TAG.ref, len, bytes]));
      this.numbers.set(key, addr);
    }
    return addr;
  }

  bool(b: boolean): number {
    const i = b ? 1 : 0;
    if (this.bools[i] < 0) this.bools[i] = this.alloc(this.header([TAG.bool, i]));
    return this.bools[i];
  }

  null(): number {
    if (this.nullAddr < 0) this.nullAddr = this.alloc(this.header([TAG.null, 0]));
    return this.nullAddr;
  }

  /** An immutable array of values already laid out here. */
  array(items: number[]): number {
    const key = items.join(',');
    let addr = this.arrays.get(key);
    if (addr === undefined) {
      const elems = this.alloc(this.header(items));
      addr = this.alloc(this.header([TAG.array, items.length, items.length, elems]));
      this.arrays.set(key, addr);
    }
    return addr;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
