/** Token kinds; punctuation and operators carry their text in `value`. */
export type TokenType = 'ident' | 'number' | 'string' | 'template' | 'punct' | 'eof';

export interface TemplatePart {
  /** Literal text, or the source of an embedded expression starting at `offset`. */
  text?: string;
  expr?: string;
  offset: number;
}

export interface Token {
  type: TokenType;
  value: string;
  start: number;
  end: number;
  /** A line break between the previous token and this one (Rego separates expressions by newlines). */
  newlineBefore: boolean;
  parts?: TemplatePart[];
}

export interface Comment {
  text: string;
  start: number;
}

export const PUNCTUATION = [':=', '==', '!=', '<=', '>=', '{', '}', '[', ']', '(', ')', '.', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '%', '|', '&'];
