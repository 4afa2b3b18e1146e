import { malloc } from './alloc';
import { strLen, strPtr } from './value';

// Data sets repeat short strings (role names, actions, states) far more than anything else; sharing
// one string value among the repeats saves the 16-byte header each would cost (values are never
// changed in place, so sharing is invisible). The table is a cache, not a set: a direct-mapped slot
// per hash, overwritten on a collision, so it stays small and a lookup is one probe. A slot holds
// the string's bytes beside its value, so a lookup compares within the table rather than reaching
// for a value made megabytes earlier. The table lives in the heap for the length of one parse;
// short texts (most inputs) do without it.

// Texts shorter than this are parsed without a table.
const MIN_TEXT: u32 = 65536;
// One slot per this many bytes of text (the table is then 1/16 of the text), as a power of two
// between the bounds below.
const BYTES_PER_SLOT: u32 = 512;
const MIN_SLOTS: u32 = 128;
const MAX_SLOTS: u32 = 65536;
const SLOT: u32 = 32; // [u32 value][u32 length][bytes]
const MAX_LEN: u32 = SLOT - 8;

let table: u32 = 0;
let mask: u32 = 0;
// The slot the last findInterned looked at.
let slot: u32 = 0;

/** Sets up interning for one parse of `textLen` bytes. */
export function startInterning(textLen: u32): void {
  if (textLen < MIN_TEXT) {
    table = 0;
    return;
  }
  let slots = MIN_SLOTS;
  while (slots < MAX_SLOTS && slots * BYTES_PER_SLOT < textLen) slots <<= 1;
  table = malloc(slots * SLOT);
  memory.fill(table, 0, slots * SLOT);
  mask = slots - 1;
}

/** Ends the parse's interning (its table is garbage from then on). */
export function stopInterning(): void {
  table = 0;
}

/**
 * The string value made earlier in this parse for the `len` bytes at `bytes`, or 0: then the value
 * made for them should be handed to {@link rememberInterned}.
 */
export function findInterned(bytes: u32, len: u32): u32 {
  if (table == 0 || len > MAX_LEN) return 0;
  let h: u32 = 2166136261;
  for (let i: u32 = 0; i < len; i++) h = (h ^ load<u8>(bytes + i)) * 16777619;
  slot = table + (h & mask) * SLOT;
  const seen = load<u32>(slot);
  if (seen != 0 && load<u32>(slot, 4) == len && memory.compare(slot + 8, bytes, len) == 0) return seen;
  return 0;
}

/** Shares `s` with the strings to come that have its bytes (after a {@link findInterned} miss). */
export function rememberInterned(s: u32): void {
  const len = strLen(s);
  if (table == 0 || len > MAX_LEN) return;
  store<u32>(slot, s);
  store<u32>(slot, len, 4);
  memory.copy(slot + 8, strPtr(s), len);
}
