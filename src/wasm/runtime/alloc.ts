// Bump allocator driven by the heap pointer, as the OPA SDK expects: the SDK resets the heap pointer
// before every evaluation, so everything above it is garbage by then and nothing needs freeing.

let heapPtr: u32 = 0;

export function initHeap(start: u32): void {
  heapPtr = (start + 7) & ~7;
  ensureCapacity(heapPtr);
}

function ensureCapacity(end: u32): void {
  const have = (<u32>memory.size()) << 16;
  if (end <= have) return;
  const needBytes = end - have;
  let pages = (needBytes + 0xffff) >> 16;
  // Grow generously: many small grows are slow, and the SDK also grows memory itself.
  const current = <u32>memory.size();
  if (pages < current >> 1) pages = current >> 1;
  if (memory.grow(<i32>pages) < 0) {
    if (memory.grow(<i32>((needBytes + 0xffff) >> 16)) < 0) unreachable();
  }
}

export function malloc(size: u32): u32 {
  const ptr = heapPtr;
  const end = (ptr + size + 7) & ~7;
  ensureCapacity(end);
  heapPtr = end;
  return ptr;
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
