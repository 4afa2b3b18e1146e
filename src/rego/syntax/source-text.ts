import type { Location } from '../ast.js';

/** Offsets → 1-based line and code-point column, computed only when a location is needed. */
export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    // Columns count code points; only lines with characters outside the BMP need counting.
    const col = this.hasAstral(lo) ? [...this.text.slice(start, offset)].length + 1 : offset - start + 1;
    return { line: lo + 1, col };
  }

  private readonly astralLines = new Map<number, boolean>();

  private hasAstral(line: number): boolean {
    let has = this.astralLines.get(line);
    if (has === undefined) {
      const end = this.lineStarts[line + 1] ?? this.text.length;
      has = /[\uD800-\uDBFF]/.test(this.text.slice(this.lineStarts[line]!, end));
      this.astralLines.set(line, has);
    }
    return has;
  }

  loc(start: number, end: number): Location {
    const { line, col } = this.position(start);
    return { file: this.file, line, col, offset: start, end };
  }
}

/** A syntax error at an offset; turned into a diagnostic at the parser's boundary. */
export class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
