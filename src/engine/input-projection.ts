import { ByteReader } from '../wasm/byte-reader.js';
import { INPUT_READS_SECTION, type InputReads } from '../wasm/input-reads.js';

/** An {@link InputReads} tree made ready to walk: `true` (read whole), or the keys looked up, in a fixed order. */
export type ReadTree = true | ReadNode;

interface ReadNode {
  readonly children: readonly ReadTree[];
  /** Object keys looked up → index into `children`. */
  readonly keys: ReadonlyMap<string, number>;
  /** The same keys by their length, to match a key in the text without cutting it out. */
  readonly keysByLength: ReadonlyMap<number, ReadonlyArray<{ readonly key: string; readonly at: number }>>;
  /** Array indexes looked up → index into `children`. */
  readonly indexes: ReadonlyMap<number, number>;
  /** What each child is looked up by: an object key (a string) or an array index (a number). */
  readonly slots: ReadonlyArray<string | number>;
}

const MAX_TREE_DEPTH = 256;

/** An {@link InputReads} tree (as a module's section carries it) made ready to walk. */
export function readTreeOf(reads: InputReads): ReadTree {
  return toReadTree(reads, 0);
}

function toReadTree(reads: unknown, depth: number): ReadTree {
  if (reads === true) return true;
  if (reads === null || typeof reads !== 'object' || Array.isArray(reads) || depth > MAX_TREE_DEPTH) throw new Error('not an input-reads tree');
  const children: ReadTree[] = [];
  const keys = new Map<string, number>();
  const indexes = new Map<number, number>();
  const slots: Array<string | number> = [];
  for (const k of Object.keys(reads).sort()) {
    const kind = k.slice(0, 2);
    const name = k.slice(2);
    if (kind === 's:') keys.set(name, children.length);
    else if (kind === 'n:' && /^-?\d{1,15}$/.test(name)) indexes.set(Number(name), children.length);
    else throw new Error(`bad input-reads key ${k}`);
    slots.push(kind === 's:' ? name : Number(name));
    children.push(toReadTree((reads as Record<string, unknown>)[k], depth + 1));
  }
  const keysByLength = new Map<number, Array<{ key: string; at: number }>>();
  for (const [key, at] of keys) {
    const same = keysByLength.get(key.length) ?? [];
    same.push({ key, at });
    keysByLength.set(key.length, same);
  }
  return { children, keys, indexes, keysByLength, slots };
}

/**
 * What of the input each entrypoint of a Warden-built module reads, from its custom section. An
 * entrypoint it does not name (or a module without one: built by OPA, or whose entrypoints all read
 * their input whole), or a section that does not parse, has its decisions cached by the whole input.
 */
export function moduleInputReads(wasm: Uint8Array): ReadonlyMap<string, ReadTree> | undefined {
  try {
    const reader = new ByteReader(wasm);
    reader.bytes(8);
    while (!reader.done) {
      const id = reader.byte();
      const size = reader.u32();
      const end = reader.pos + size;
      if (id === 0 && reader.name() === INPUT_READS_SECTION) {
        const byEntrypoint = JSON.parse(new TextDecoder().decode(reader.buf.subarray(reader.pos, end))) as Record<string, InputReads>;
        const out = new Map<string, ReadTree>();
        for (const [entrypoint, reads] of Object.entries(byEntrypoint)) if (reads !== true) out.set(entrypoint, toReadTree(reads, 0));
        return out.size > 0 ? out : undefined;
      }
      reader.pos = end;
    }
  } catch {
    // A section that does not parse says nothing: the whole input keys the cache.
  }
  return undefined;
}

/** Thrown where the text cannot be read as one plain JSON value (the caller then keys by all of it). */
const NOT_PLAIN = new Error('not plain JSON');

/** Reads JSON text (as canonical JSON is written: no duplicate keys) for {@link projectedInputKey}. */
class Projector {
  pos = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++this.pos);
  }

  /** Skips a string at `pos` (its opening quote). */
  private skipString(): void {
    const t = this.text;
    let quote = t.indexOf('"', this.pos + 1);
    // A quote after an odd number of backslashes is part of the string.
    for (;;) {
      if (quote < 0) throw NOT_PLAIN;
      let slashes = 0;
      while (t.charCodeAt(quote - 1 - slashes) === 92) slashes++;
      if (slashes % 2 === 0) break;
      quote = t.indexOf('"', quote + 1);
    }
    this.pos = quote + 1;
  }

  /** Whether the text from `start` to `end` holds a backslash (looked for there only: a search past `end` could cost the rest of the text for every string). */
  private hasEscape(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.text.charCodeAt(i) === 92) return true;
    return false;
  }

  private skipValue(): void {
    this.skipSpace();
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 34) {
      this.skipString();
      return;
    }
    if (c === 123 || c === 91) {
      let depth = 0;
      for (;;) {
        const d = t.charCodeAt(this.pos);
        if (d === 34) {
          this.skipString();
          continue;
        }
        if (Number.isNaN(d)) throw NOT_PLAIN;
        this.pos++;
        if (d === 123 || d === 91) depth++;
        else if ((d === 125 || d === 93) && --depth === 0) return;
      }
    }
    // A number, true, false or null: up to the next delimiter.
    let i = this.pos;
    for (let d = t.charCodeAt(i); !(d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)); d = t.charCodeAt(++i));
    if (i === this.pos) throw NOT_PLAIN;
    this.pos = i;
  }

  /** Only space may follow the value. */
  end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw NOT_PLAIN;
  }

  private expect(code: number): void {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== code) throw NOT_PLAIN;
    this.pos++;
  }

  /** The projection of the value at `pos` along `tree`, leaving `pos` after it. */
  value(tree: ReadTree): string {
    this.skipSpace();
    const start = this.pos;
    if (tree === true) {
      this.skipValue();
      return this.text.slice(start, this.pos);
    }
    const found: Array<string | undefined> = new Array(tree.children.length);
    const c = this.text.charCodeAt(this.pos);
    if (c === 123 && tree.keys.size > 0) this.members(tree, found);
    else if (c === 91 && tree.indexes.size > 0) this.elements(tree, found);
    else this.skipValue();
    let out = '{';
    for (let i = 0; i < found.length; i++) out += `${found[i] ?? '~'},`;
    return `${out}}`;
  }

  /** Steps into the collection at `pos`; true when it is empty (and stepped over already). */
  private empty(close: number): boolean {
    this.pos++;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== close) return false;
    this.pos++;
    return true;
  }

  private members(tree: ReadNode, found: Array<string | undefined>): void {
    if (this.empty(125)) return;
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 34) throw NOT_PLAIN;
      const keyStart = this.pos;
      this.skipString();
      const at = this.hasEscape(keyStart, this.pos) ? tree.keys.get(JSON.parse(this.text.slice(keyStart, this.pos)) as string) : this.keyAt(tree, keyStart + 1, this.pos - keyStart - 2);
      this.expect(58);
      if (at === undefined) this.skipValue();
      else if (found[at] !== undefined) throw NOT_PLAIN;
      else found[at] = this.value(tree.children[at]!);
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 125) return;
      if (next !== 44) throw NOT_PLAIN;
    }
  }

  /** The child of `tree` for the key written (without escapes) at `start`, `length` long. */
  private keyAt(tree: ReadNode, start: number, length: number): number | undefined {
    const candidates = tree.keysByLength.get(length);
    if (candidates) for (const { key, at } of candidates) if (this.text.startsWith(key, start)) return at;
    return undefined;
  }

  private elements(tree: ReadNode, found: Array<string | undefined>): void {
    if (this.empty(93)) return;
    for (let index = 0; ; index++) {
      const at = tree.indexes.get(index);
      if (at === undefined) this.skipValue();
      else found[at] = this.value(tree.children[at]!);
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 93) return;
      if (next !== 44) throw NOT_PLAIN;
    }
  }
}

/**
 * The part of an input's canonical JSON that a module's decisions depend on (see InputReads), as
 * text: inputs that differ only where the policy never looks (a request id, a timestamp, a header
 * no rule reads) share one decision in the cache. Each value read whole is its own text; `~`
 * stands for a key that is not there. Text that is not plain JSON is its own key.
 */
export function projectedInputKey(tree: ReadTree, inputJson: string): string {
  try {
    const projector = new Projector(inputJson);
    const key = projector.value(tree);
    projector.end();
    return key;
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    return `\0${inputJson}`;
  }
}

/**
 * {@link projectedInputKey} of `JSON.stringify(value)`, read from the value itself rather than its
 * text (as {@link Projector.value} reads it): for a caller that holds the input as plain JSON data
 * (no `toJSON`, no functions) and wrote its text with `JSON.stringify`.
 */
export function projectedInputKeyOfValue(tree: ReadTree, value: unknown): string {
  // JSON.stringify writes `undefined` (an array's hole) as null.
  if (tree === true) return JSON.stringify(value) ?? 'null';
  const isArray = Array.isArray(value);
  const isObject = !isArray && typeof value === 'object' && value !== null;
  let out = '{';
  for (let i = 0; i < tree.slots.length; i++) {
    const slot = tree.slots[i]!;
    let part: string | undefined;
    if (typeof slot === 'string' && isObject) {
      // JSON.stringify leaves out members whose value is undefined.
      const member = Object.hasOwn(value, slot) ? (value as Record<string, unknown>)[slot] : undefined;
      if (member !== undefined) part = projectedInputKeyOfValue(tree.children[i]!, member);
    } else if (typeof slot === 'number' && isArray && slot >= 0 && slot < value.length) {
      part = projectedInputKeyOfValue(tree.children[i]!, value[slot]);
    }
    out += `${part ?? '~'},`;
  }
  return `${out}}`;
}
