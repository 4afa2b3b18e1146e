import { BuiltinError, operandTypeError } from '../errors.js';
import { decodeArg, numberMarkerText } from '../host-codec.js';
import type { HostBuiltin, MarkedArgsBuiltin } from '../host-builtin.js';
import { RegoSet, typeNameOf, type RegoValue } from '../value.js';
import type { FmtArg } from './go-fmt.js';
import { goSprintf } from './go-printf.js';
import { displayString, numberText, regoToString, sortedSetItems } from './rego-format.js';
import { isInt64, stringArg } from '../operands.js';

/**
 * How OPA hands a Rego value to Go's fmt: integers that fit int64 as Go ints, larger integers
 * as *big.Int, other numbers as float64, strings as strings, and everything else as its Rego
 * text (so booleans print via %v/%s as `true`, and %t does not apply to them).
 */
export function toFmtArg(v: RegoValue): FmtArg {
  if (typeof v === 'bigint') return isInt64(v) ? { kind: 'int', v } : { kind: 'bigint', v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { kind: 'string', v: numberText(v) };
    if (Number.isInteger(v)) {
      const b = BigInt(v);
      return isInt64(b) ? { kind: 'int', v: b } : { kind: 'bigint', v: b };
    }
    return { kind: 'float', v };
  }
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'string', v: regoToString(v) };
}

/**
 * How OPA hands Go's fmt a number, from its text (json.Number): an integer literal as an int (or
 * *big.Int), any other as a float64, so `101.0` prints as a float (`%.2f` is `101.00`, not
 * `%!f(int=101)`); one too large for a float64 (`2e308`) as the text itself.
 */
export function fmtArgOfNumberText(text: string): FmtArg {
  if (/^-?\d+$/.test(text)) return toFmtArg(BigInt(text));
  const v = Number(text);
  return Number.isFinite(v) ? { kind: 'float', v } : { kind: 'string', v: text };
}

export const sprintf: HostBuiltin = (format, values) => {
  const fmt = stringArg('sprintf', format, 1);
  if (!Array.isArray(values)) throw operandTypeError('sprintf', 2, 'array', typeNameOf(values ?? null));
  return goSprintf(fmt, values.map(toFmtArg));
};

/** `sprintf` for Warden modules, which send every number that is not a safe integer with its text. */
export const sprintfOfMarkedArgs: MarkedArgsBuiltin = (format, values) => {
  if (!Array.isArray(values)) return sprintf(decodeArg(format), decodeArg(values));
  const fmt = stringArg('sprintf', decodeArg(format), 1);
  return goSprintf(
    fmt,
    values.map((v) => {
      const text = numberMarkerText(v);
      return text === undefined ? toFmtArg(decodeArg(v)) : fmtArgOfNumberText(text);
    }),
  );
};

/**
 * `$"..."` string interpolation, lowered by OPA's compiler to internal.template_string([parts]).
 * Literal parts arrive as strings (or constant scalars); each interpolated expression arrives
 * as the set of its values: empty when undefined (shown as `<undefined>`), one value otherwise.
 */
export const templateString: HostBuiltin = (parts) => {
  if (!Array.isArray(parts)) throw operandTypeError('internal.template_string', 1, 'array', typeNameOf(parts ?? null));
  let out = '';
  for (const part of parts) {
    if (part === null || typeof part !== 'object') {
      out += displayString(part);
      continue;
    }
    if (!(part instanceof RegoSet)) {
      throw new BuiltinError('eval_builtin_error', `illegal argument type: ${typeNameOf(part)}`);
    }
    const values = sortedSetItems(part);
    if (values.length > 1) {
      throw new BuiltinError('eval_builtin_error', 'template-strings must not produce multiple outputs');
    }
    out += values.length === 0 ? '<undefined>' : displayString(values[0]!);
  }
  return out;
};
