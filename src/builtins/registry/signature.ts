import { parseType, type RegoType } from '../../rego/types/types.js';

/** A builtin's declared types; `result` is undefined for a builtin without one (`internal.print`). */
export interface BuiltinSignature {
  args: RegoType[];
  result: RegoType | undefined;
}

/**
 * Parses a declaration's signature, `string, number -> array[string]`, ` -> number` (no argument)
 * or `any -> void` (no result).
 *
 * @example
 * parseSignature('string, number -> number').args.length; // 2
 */
export function parseSignature(text: string): BuiltinSignature {
  const arrow = text.lastIndexOf('->');
  if (arrow < 0) throw new Error(`bad signature ${text}: no ->`);
  const args = text.slice(0, arrow).trim();
  const result = text.slice(arrow + 2).trim();
  return {
    args: args === '' ? [] : splitTop(args).map(parseType),
    result: result === 'void' ? undefined : parseType(result),
  };
}

/** Splits `a, any<b, c>, d` at top-level commas. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '[') depth++;
    else if (c === '>' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}
