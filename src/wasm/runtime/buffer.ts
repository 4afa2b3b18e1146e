import { malloc } from './alloc';

// A growable byte buffer in the heap, used by the dumpers.
@unmanaged
export class Buf {
  ptr: u32;
  len: u32;
  cap: u32;
}

export function newBuf(cap: u32): Buf {
  const b = changetype<Buf>(malloc(12));
  b.ptr = malloc(cap);
  b.len = 0;
  b.cap = cap;
  return b;
}

export function bufReserve(b: Buf, extra: u32): void {
  if (b.len + extra <= b.cap) return;
  let cap = b.cap * 2;
  while (cap < b.len + extra) cap *= 2;
  const p = malloc(cap);
  memory.copy(p, b.ptr, b.len);
  b.ptr = p;
  b.cap = cap;
}

@inline export function bufByte(b: Buf, c: u32): void {
  bufReserve(b, 1);
  store<u8>(b.ptr + b.len, <u8>c);
  b.len++;
}

export function bufBytes(b: Buf, p: u32, n: u32): void {
  bufReserve(b, n);
  memory.copy(b.ptr + b.len, p, n);
  b.len += n;
}

export function bufLiteral(b: Buf, s: string): void {
  const n = <u32>s.length;
  bufReserve(b, n);
  for (let i: u32 = 0; i < n; i++) store<u8>(b.ptr + b.len + i, <u8>s.charCodeAt(i));
  b.len += n;
}
