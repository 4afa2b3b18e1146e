/**
 * Rego value types as OPA's type checker sees them, for compile-time argument checks: scalars,
 * collections of an element type, `any`, and unions (`any<…>` in OPA's messages).
 */
export type RegoType =
  | { kind: 'any' }
  | { kind: 'null' | 'boolean' | 'number' | 'string' }
  | { kind: 'array' | 'set'; of: RegoType }
  | { kind: 'object'; key: RegoType; value: RegoType }
  | { kind: 'union'; of: RegoType[] };

export const ANY: RegoType = { kind: 'any' };

/** True when the type says nothing unknown: no `any` anywhere in it. */
export function isKnown(t: RegoType): boolean {
  switch (t.kind) {
    case 'any':
      return false;
    case 'array':
    case 'set':
      return isKnown(t.of);
    case 'object':
      return isKnown(t.key) && isKnown(t.value);
    case 'union':
      return t.of.every(isKnown);
    default:
      return true;
  }
}

/**
 * Whether a value of type `have` can be what `want` asks for: `any` on either side fits, a union
 * fits when one of its members does. Only a definite mismatch is false, so an error is reported
 * only where OPA would report one too.
 */
export function fits(have: RegoType, want: RegoType): boolean {
  if (have.kind === 'any' || want.kind === 'any') return true;
  if (want.kind === 'union') return want.of.some((w) => fits(have, w));
  if (have.kind === 'union') return have.of.some((h) => fits(h, want));
  if (have.kind !== want.kind) return false;
  if ((have.kind === 'array' || have.kind === 'set') && (want.kind === 'array' || want.kind === 'set')) return fits(have.of, want.of);
  if (have.kind === 'object' && want.kind === 'object') return fits(have.key, want.key) && fits(have.value, want.value);
  return true;
}

/** The union of some types (one type when they are all equal; `any` absorbs everything). */
export function unionOf(types: RegoType[]): RegoType {
  const out: RegoType[] = [];
  for (const t of types.flatMap((x) => (x.kind === 'union' ? x.of : [x]))) {
    if (t.kind === 'any') return ANY;
    if (!out.some((o) => format(o) === format(t))) out.push(t);
  }
  if (out.length === 0) return ANY;
  return out.length === 1 ? out[0]! : { kind: 'union', of: out };
}

/** OPA's notation: `number`, `array[string]`, `object[string: any]`, `any<number, string>`. */
export function format(t: RegoType): string {
  switch (t.kind) {
    case 'array':
    case 'set':
      return `${t.kind}[${format(t.of)}]`;
    case 'object':
      return `object[${format(t.key)}: ${format(t.value)}]`;
    case 'union':
      return `any<${t.of.map(format).sort().join(', ')}>`;
    default:
      return t.kind;
  }
}

/** Parses the notation `format` writes, for the signature table. */
export function parseType(text: string): RegoType {
  let i = 0;
  const s = text.replace(/\s+/g, '');
  const name = (): string => {
    const m = /^[a-z]+/.exec(s.slice(i));
    if (!m) throw new Error(`bad type ${text} at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const expect = (c: string) => {
    if (s[i] !== c) throw new Error(`bad type ${text}: expected ${c} at ${i}`);
    i++;
  };
  const one = (): RegoType => {
    const n = name();
    if (n === 'any' && s[i] === '<') {
      i++;
      const of = [one()];
      while (s[i] === ',') (i++, of.push(one()));
      expect('>');
      return { kind: 'union', of };
    }
    if ((n === 'array' || n === 'set') && s[i] === '[') {
      i++;
      const of = one();
      expect(']');
      return { kind: n, of };
    }
    if (n === 'array' || n === 'set') return { kind: n, of: ANY };
    if (n === 'object' && s[i] === '[') {
      i++;
      const key = one();
      expect(':');
      const value = one();
      expect(']');
      return { kind: 'object', key, value };
    }
    if (n === 'object') return { kind: 'object', key: ANY, value: ANY };
    if (n === 'any' || n === 'null' || n === 'boolean' || n === 'number' || n === 'string') return { kind: n } as RegoType;
    throw new Error(`bad type ${text}: unknown ${n}`);
  };
  const t = one();
  if (i !== s.length) throw new Error(`bad type ${text}: trailing text at ${i}`);
  return t;
}
