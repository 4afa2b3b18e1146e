/**
 * `text` as one string of its own. V8 keeps a string built by concatenation as the tree of its
 * pieces (hashing it as a Map key does not flatten it) and a slice as a view that keeps the whole
 * string it was cut from alive: a string kept long (a cache key, a remembered input) is copied
 * into one piece first. Concatenation, then slicing, makes the copy.
 */
export function flatString(text: string): string {
  return ` ${text}`.slice(1);
}
