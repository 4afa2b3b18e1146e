import type { Place } from './source-rows.js';

/** A source comment: its row and column, and its text from `#` with trailing blanks removed. */
export interface SourceComment {
  row: number;
  col: number;
  text: string;
  /** The comment as written (for text copied unformatted). */
  raw: string;
}

const METADATA = /^#\s*METADATA\s*$/;

export function isMetadataComment(c: SourceComment): boolean {
  return METADATA.test(c.text);
}

/** Comments on rows before `place`, the one on its row, and those after. */
export function partitionComments(comments: SourceComment[], place: Place): { before: SourceComment[]; at?: SourceComment; after: SourceComment[] } {
  const before: SourceComment[] = [];
  const after: SourceComment[] = [];
  let at: SourceComment | undefined;
  for (const c of comments) {
    if (c.row < place.row) before.push(c);
    else if (c.row > place.row) after.push(c);
    else at = c;
  }
  return { before, at, after };
}
