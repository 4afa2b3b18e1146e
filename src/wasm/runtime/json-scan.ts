// Counting the entries of a JSON (or Rego term) array, object or set before parsing it, so that the
// parser allocates each collection once at its final size: growing by doubling leaves up to three
// times the final slots behind in a heap that never frees, which for data sets of millions of small
// collections is most of the memory.

// Bytes the scan must look at: quote, backslash, brackets, comma; all others are skipped in a tight
// loop, which is most of the text.
const SPECIAL = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

// Counts of large collections met while counting their parent, so that the parser does not scan
// them again: without this, the text of a collection is scanned once for each enclosing collection,
// and the top levels of a data set (`{"users": {…millions…}}`) are most of the text. Small
// collections are scanned on their own when parsed, while their bytes are in the cache anyway.
const BIG: u32 = 256;
const FOUND_MAX: u32 = 64;
const found = memory.data(FOUND_MAX * 8); // [u32 position of the opening bracket][u32 entries]
let foundCount: u32 = 0;
let cursor: u32 = 0;

/** Forgets the counts of an earlier text. */
export function resetCounts(): void {
  foundCount = 0;
  cursor = 0;
}

/**
 * Entries of the collection whose opening bracket is at `open`: found while counting its parent,
 * or counted now. Collections must be asked for in the order they appear in the text.
 */
export function entriesAt(open: u32, end: u32): u32 {
  while (cursor < foundCount && load<u32>(found + (cursor << 3)) < open) cursor++;
  if (cursor < foundCount && load<u32>(found + (cursor << 3)) == open) {
    cursor++;
    return load<u32>(found + ((cursor - 1) << 3), 4);
  }
  return countEntries(open, end);
}

/**
 * Entries of the collection whose opening bracket is at `open`, reading no further than `end`:
 * top-level commas plus one, or 0 when empty. For malformed text it may be anything; the parser
 * checks the text and grows a collection when the count was short (a trailing comma, allowed in
 * Rego syntax, makes it one too many).
 */
export function countEntries(open: u32, end: u32): u32 {
  let p = open + 1;
  while (p < end && isSpace(load<u8>(p))) p++;
  if (p >= end || load<u8>(p) == 125 || load<u8>(p) == 93) return 0;
  // Large children are noted only once the counts noted before have all been used.
  const note = cursor == foundCount;
  if (note) resetCounts();
  let depth: u32 = 0;
  let commas: u32 = 0;
  let childOpen: u32 = 0;
  let childCommas: u32 = 0;
  while (true) {
    while (p < end && load<u8>(SPECIAL + load<u8>(p)) == 0) p++;
    if (p >= end) break;
    const c = load<u8>(p);
    if (c == 34) {
      p = skipString(p + 1, end);
      continue;
    }
    p++;
    if (c == 123 || c == 91) {
      if (depth == 0) {
        childOpen = p - 1;
        childCommas = 0;
      }
      depth++;
    } else if (c == 125 || c == 93) {
      if (depth == 0) break;
      depth--;
      if (depth == 0 && note && childCommas + 1 >= BIG && foundCount < FOUND_MAX) {
        store<u32>(found + (foundCount << 3), childOpen);
        store<u32>(found + (foundCount << 3), childCommas + 1, 4);
        foundCount++;
      }
    } else if (c == 44) {
      if (depth == 0) commas++;
      else if (depth == 1) childCommas++;
    }
  }
  return commas + 1;
}

@inline function isSpace(c: u32): bool {
  return c == 32 || c == 10 || c == 13 || c == 9;
}

/** Position after the closing quote of the string whose contents start at `p`. */
function skipString(p: u32, end: u32): u32 {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 34) return p + 1;
    p += c == 92 ? 2 : 1;
  }
  return end;
}
