// Bump allocator driven by the heap pointer, as the OPA SDK expects: the SDK resets the heap pointer
// before every evaluation, so everything above it is garbage by then and nothing needs freeing.
// Allocations are 4-byte aligned, the alignment every value in the layout asks for (value.ts):
// large data sets are mostly small values, where 8-byte rounding would waste a tenth of the heap.

import { burn } from './fuel';

let heapPtr: u32 = 0;
let heapBase: u32 = 0;

// A second place to allocate from while JSON text is parsed: the bytes of the text already read
// (see json-parse.ts, which moves every string it keeps out of them first). Allocations that fit in
// [reuseNext, reuseEnd) go there rather than to the top of the heap, so a parsed data set reuses
// most of its own text instead of sitting beside it. reuseEnd 0: no such region.
let reuseNext: u32 = 0;
let reuseEnd: u32 = 0;

// Memory grows by at least this share of its size (1/8) and by at least GROW_MIN_PAGES, so that a
// large load grows it tens of times rather than once per page, without leaving a large unused tail.
const GROW_SHIFT: u32 = 3;
const GROW_MIN_PAGES: u32 = 16;

export function initHeap(start: u32): void {
  heapPtr = (start + 3) & ~3;
  heapBase = heapPtr;
  ensureCapacity(heapPtr);
}

function ensureCapacity(end: u32): void {
  const have = (<u32>memory.size()) << 16;
  if (end <= have) return;
  const needed = (end - have + 0xffff) >> 16;
  let pages = (<u32>memory.size()) >> GROW_SHIFT;
  if (pages < GROW_MIN_PAGES) pages = GROW_MIN_PAGES;
  if (pages < needed) pages = needed;
  if (memory.grow(<i32>pages) < 0 && memory.grow(<i32>needed) < 0) unreachable();
}

export function malloc(size: u32): u32 {
  // A slice counts what it allocates too (see fuel.ts): one unit, and one per 256 bytes.
  burn(1 + <i32>(size >> 8));
  // Both ends of the region are multiples of 4, so an allocation that fits stays aligned.
  if (reuseEnd != 0 && size <= reuseEnd - reuseNext) {
    const at = reuseNext;
    reuseNext += (size + 3) & ~3;
    return at;
  }
  const ptr = heapPtr;
  const end = (ptr + size + 3) & ~3;
  ensureCapacity(end);
  heapPtr = end;
  return ptr;
}

/**
 * Where the next allocations go (the heap pointer and the reused region's cursor), to hand back to
 * {@link releaseTo} once temporaries allocated after it (sort buffers) are dead: only valid when
 * nothing allocated since is still referenced.
 */
@inline export function heapMark(): u64 {
  return (<u64>reuseNext << 32) | <u64>heapPtr;
}

/** Frees everything allocated since `mark` (see {@link heapMark}). */
@inline export function releaseTo(mark: u64): void {
  heapPtr = <u32>mark;
  reuseNext = <u32>(mark >> 32);
}

/**
 * Whether `len` bytes at `p` are the heap's last allocation (the text a host has just written
 * with opa_malloc, and so hands over), rather than a constant in the module's data or a value.
 */
export function isHeapTop(p: u32, len: u32): bool {
  return p >= heapBase && ((p + len + 3) & ~3) == heapPtr;
}

/** Starts reusing the bytes from `p` on as they are released by {@link reuseUpTo}. */
export function startReuse(p: u32): void {
  reuseNext = (p + 3) & ~3;
  reuseEnd = reuseNext;
}

/** Everything below `end` (and above the start) is no longer read: allocations may go there. */
@inline export function reuseUpTo(end: u32): void {
  if (reuseEnd != 0 && (end & ~3) > reuseEnd) reuseEnd = end & ~3;
}

/**
 * Stops reusing; when nothing went to the top of the heap since `top` (the heap pointer when reuse
 * began), the unused rest of the region is given back too.
 */
export function stopReuse(top: u32): void {
  if (reuseEnd != 0 && heapPtr == top) heapPtr = reuseNext;
  reuseNext = 0;
  reuseEnd = 0;
}

export function opa_malloc(size: u32): u32 {
  return malloc(size);
}

export function opa_free(_ptr: u32): void {}

export function opa_heap_ptr_get(): u32 {
  return heapPtr;
}

export function opa_heap_ptr_set(ptr: u32): void {
  heapPtr = ptr;
  ensureCapacity(heapPtr);
}

export function opa_heap_blocks_stash(): void {}
export function opa_heap_stash_clear(): void {}
export function opa_heap_blocks_restore(): void {}
