import { ByteWriter } from './byte-writer.js';
import { OP } from './opcodes.js';

/**
 * Emits one function body. Tracks structured-control nesting so that IR breaks, which count IR
 * blocks, become `br` depths that also count the loops and blocks codegen adds around them.
 */
export class FunctionBuilder {
  readonly code = new ByteWriter();
  private localCount: number;
  private readonly releasedLocals: number[] = [];
  private depth = 0;
  private readonly irBlocks: number[] = [];

  constructor(readonly paramCount: number) {
    this.localCount = paramCount;
  }

  newLocal(): number {
    return this.localCount++;
  }

  /**
   * A local for one stretch of code: a released one when there is one (`stale`: it may still hold
   * the value of its last use), else a new one.
   */
  takeLocal(): { local: number; stale: boolean } {
    const local = this.releasedLocals.pop();
    return local === undefined ? { local: this.newLocal(), stale: false } : { local, stale: true };
  }

  /** Gives back locals whose values are dead, for `takeLocal` to hand out again. */
  releaseLocals(locals: readonly number[]): void {
    for (let i = locals.length - 1; i >= 0; i--) this.releasedLocals.push(locals[i]!);
  }

  op(code: number): this {
    this.code.byte(code);
    return this;
  }

  i32(n: number): this {
    this.code.byte(OP.i32Const).i32(n);
    return this;
  }

  get(local: number): this {
    this.code.byte(OP.localGet).u32(local);
    return this;
  }

  set(local: number): this {
    this.code.byte(OP.localSet).u32(local);
    return this;
  }

  tee(local: number): this {
    this.code.byte(OP.localTee).u32(local);
    return this;
  }

  call(func: number): this {
    this.code.byte(OP.call).u32(func);
    return this;
  }

  globalGet(index: number): this {
    this.code.byte(OP.globalGet).u32(index);
    return this;
  }

  globalSet(index: number): this {
    this.code.byte(OP.globalSet).u32(index);
    return this;
  }

  /** Opens a structured block (`block`, `loop` or `if`); `ir` marks the wasm block of an IR block. */
  open(kind: number, ir = false): this {
    this.code.byte(kind).byte(OP.voidType);
    this.depth++;
    if (ir) this.irBlocks.push(this.depth);
    return this;
  }

  elseBranch(): this {
    this.code.byte(OP.else);
    return this;
  }

  close(ir = false): this {
    this.code.byte(OP.end);
    if (ir) this.irBlocks.pop();
    this.depth--;
    return this;
  }

  /** `br` to the end of the IR block `index` levels out (0 = innermost). */
  breakIr(index: number, conditional = false): this {
    const target = this.irBlocks[this.irBlocks.length - 1 - index];
    if (target === undefined) throw new Error(`break index ${index} leaves the function`);
    this.code.byte(conditional ? OP.brIf : OP.br).u32(this.depth - target);
    return this;
  }

  /** `br` to the end of the enclosing structured block `relative` levels out. */
  br(relative: number, conditional = false): this {
    this.code.byte(conditional ? OP.brIf : OP.br).u32(relative);
    return this;
  }

  /** The encoded body: local declarations, code, `end`. */
  finish(): Uint8Array {
    const body = new ByteWriter();
    const extra = this.localCount - this.paramCount;
    if (extra > 0) body.u32(1).u32(extra).byte(OP.i32);
    else body.u32(0);
    body.bytes(this.code.finish()).byte(OP.end);
    return body.finish();
  }
}
