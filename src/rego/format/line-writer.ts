import { isMetadataComment, partitionComments, type SourceComment } from './comments.js';
import type { Place } from './source-rows.js';

/**
 * A second comment claimed the end of a line that already has one, or a comment sits inside a
 * collection written on one line. As OPA does, the enclosing term is then copied as written.
 */
export class UnexpectedComment extends Error {
  constructor() {
    super('unexpected comment');
  }
}

/**
 * The output buffer of the formatter: lines indented with tabs, and the comments still to place
 * (sorted by row). A comment on the row of the node being written waits in `lineEnd` and is put
 * at the end of the line when the line ends.
 */
export class LineWriter {
  protected buf = '';
  protected level = 0;
  protected inline = false;
  protected lineEnd: SourceComment | undefined;
  private delayLineEnd = false;
  protected commentOnFinalLine = false;

  constructor(protected comments: SourceComment[]) {}

  output(): string {
    return this.buf.endsWith('\n') ? `${this.buf.replace(/\n+$/, '')}\n` : this.buf;
  }

  protected write(s: string): void {
    this.buf += s;
  }

  protected startLine(): void {
    this.inline = true;
    this.buf += '\t'.repeat(this.level);
  }

  protected endLine(): void {
    this.inline = false;
    if (this.lineEnd && !this.delayLineEnd) {
      this.buf += ` ${this.lineEnd.text}`;
      this.lineEnd = undefined;
    }
    this.delayLineEnd = false;
    this.buf += '\n';
  }

  protected blankLine(): void {
    if (this.inline) this.endLine();
    this.buf += '\n';
  }

  protected writeLine(s: string): void {
    if (!this.inline) this.startLine();
    this.buf += s;
    this.endLine();
  }

  protected startMultilineSeq(): void {
    this.endLine();
    this.level++;
    this.startLine();
  }

  protected up(): void {
    this.level++;
  }

  protected down(): void {
    if (this.level > 0) this.level--;
  }

  /** Keeps a waiting end-of-line comment for the next line end but one (a collection opening). */
  protected delayBeforeEnd(): void {
    this.delayLineEnd = true;
  }

  protected beforeLineEnd(c: SourceComment | undefined): void {
    if (this.lineEnd) {
      if (!c) return;
      this.lineEnd = undefined;
      throw new UnexpectedComment();
    }
    this.lineEnd = c;
  }

  /** Comments on rows before `place` as lines of their own; one on its row waits for the line end. */
  protected insertComments(place: Place): void {
    const { before, at, after } = partitionComments(this.comments, place);
    this.comments = after;
    this.writeComments(before);
    if (before.length > 0 && place.row - before[before.length - 1]!.row > 1) this.blankLine();
    this.beforeLineEnd(at);
  }

  protected writeComments(comments: SourceComment[]): void {
    let inMetadata = false;
    for (let i = 0; i < comments.length; i++) {
      const c = comments[i]!;
      if (i > 0) {
        const gap = c.row - comments[i - 1]!.row;
        if (gap > 1) {
          this.blankLine();
          inMetadata = false;
        } else if (gap === 1 && inMetadata && isMetadataComment(c)) {
          this.blankLine();
        }
      }
      if (isMetadataComment(c)) inMetadata = true;
      this.writeLine(c.text);
    }
  }
}
