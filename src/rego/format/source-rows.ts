import type { Location } from '../ast.js';

/** A place in the source as OPA's formatter sees one: its row and its text. */
export interface Place {
  row: number;
  col: number;
  text: string;
}

/** A row only: OPA's closing-bracket positions, or nothing found (row -1). */
export const NO_ROW: Place = { row: -1, col: 0, text: '' };

/** The source text behind AST locations. */
export class SourceRows {
  constructor(readonly text: string) {}

  place(loc: Location): Place {
    return { row: loc.line, col: loc.col, text: this.text.slice(loc.offset, loc.end) };
  }

  /** From one location's start to another's end. */
  span(from: Location, to: Location): Place {
    return { row: from.line, col: from.col, text: this.text.slice(from.offset, Math.max(from.end, to.end)) };
  }
}

export function newlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * The row of the bracket closing the first `open` in `place`'s text, optionally after skipping a
 * first `skipOpen … skipClose` group (a rule's arguments or key). Like OPA, this scans characters,
 * brackets inside strings included: layouts must match OPA's byte for byte, quirks and all.
 */
export function closingRow(place: Place, open: string, close: string, skip?: [string, string]): Place {
  const text = place.text;
  let i = 0;
  let offset = 0;
  if (skip) {
    while (i < text.length && text[i] !== skip[0]) i++;
    let depth = 1;
    while (depth > 0) {
      i++;
      if (i >= text.length) break;
      if (text[i] === skip[0]) depth++;
      else if (text[i] === skip[1]) depth--;
      else if (text[i] === '\n') offset++;
    }
  }
  while (i < text.length && text[i] !== open) i++;
  if (i >= text.length) return NO_ROW;
  let depth = 1;
  while (depth > 0) {
    i++;
    if (i >= text.length) return NO_ROW;
    if (text[i] === open) depth++;
    else if (text[i] === close) depth--;
    else if (text[i] === '\n') offset++;
  }
  return { row: place.row + offset, col: 0, text: '' };
}
