import { BuiltinError, guarded } from '../errors.js';
import type { HostBuiltinTable } from '../host-builtin.js';
import { typeNameOf, type RegoValue } from '../value.js';
import { globMatch, globQuoteMeta } from './glob-match.js';
import { stringArg } from '../operands.js';

const DOT = ['.'.codePointAt(0)!];

/** OPA's delimiter operand: null means none, an empty array means `["."]`, else single runes. */
function delimiters(name: string, value: RegoValue): number[] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw new BuiltinError(
      'eval_type_error',
      `${name}: operand 2 must be one of {array, null} but got ${typeNameOf(value)}`,
    );
  }
  const out: number[] = [];
  for (const item of value) {
    if (typeof item !== 'string') {
      throw new BuiltinError('eval_type_error', `${name}: operand 2 must be array of strings but got array containing ${typeNameOf(item)}`);
    }
    const runes = Array.from(item);
    if (runes.length !== 1) {
      throw new BuiltinError('eval_type_error', `${name}: operand 2 must be array of runes but got array containing string`);
    }
    out.push(runes[0]!.codePointAt(0)!);
  }
  return out.length === 0 ? DOT : out;
}

/** `glob.match` and `glob.quote_meta`. */
export const globBuiltins: HostBuiltinTable = {
  'glob.match': (pattern, delims, value) => {
    const name = 'glob.match';
    const p = stringArg(name, pattern, 1);
    const separators = delimiters(name, delims ?? null);
    const s = stringArg(name, value, 3);
    return guarded(name, () => globMatch(p, separators, s));
  },

  'glob.quote_meta': (pattern) => globQuoteMeta(stringArg('glob.quote_meta', pattern, 1)),
};
