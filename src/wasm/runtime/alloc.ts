// Bump allocator driven by the heap pointer, as the OPA SDK expects: the SDK resets the heap pointer
// before every evaluation, so everything above it is garbage by then and nothing needs freeing.
// Allocations are 4-byte aligned, the alignment every value in the layout asks for (value.ts):
// large data sets are mostly small values, where 8-byte rounding would waste a tenth of the heap.

let heapPtr: u32 = 0;

// Memory grows by at least this share of its size (1/8) and by at least GROW_MIN_PAGES, so that a
// large load grows it tens of times rather than once per page, without leaving a large unused tail.
const GROW_SHIFT: u32 = 3;
const GROW_MIN_PAGES: u32 = 16;

export function initHeap(start: u32): void {
  heapPtr = (start + 3) & ~3;
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
  const ptr = heapPtr;
  const end = (ptr + size + 3) & ~3;
  ensureCapacity(end);
  heapPtr = end;
  return ptr;
}

/**
 * The heap pointer, to hand back to {@link releaseTo} once temporaries allocated after it (sort
 * buffers) are dead: only valid when nothing allocated since is still referenced.
 */
@inline export function heapMark(): u32 {
  return heapPtr;
}

/** Frees everything allocated since `mark` (see {@link heapMark}). */
@inline export function releaseTo(mark: u32): void {
  heapPtr = mark;
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
