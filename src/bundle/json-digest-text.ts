/**
 * The text OPA hashes for a JSON file: compact, object keys sorted by their UTF-8 bytes (the last of
 * duplicate keys kept), strings re-escaped as Go's encoder does with HTML escaping off, and numbers
 * exactly as written (`1.0` stays `1.0`: OPA decodes them as `json.Number`). `text` must be valid JSON.
 *
 * @example
 * jsonDigestText('{ "b": 1.0, "a": [true] }') // → '{"a":[true],"b":1.0}'
 */
export function jsonDigestText(text: string): string {
  const scanner = { text, at: 0 };
  skipSpace(scanner);
  return value(scanner);
}

interface Scanner {
  text: string;
  at: number;
}

const SPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

function skipSpace(s: Scanner): void {
  SPACE.lastIndex = s.at;
  SPACE.exec(s.text);
  s.at = SPACE.lastIndex;
}

function token(s: Scanner, pattern: RegExp): string {
  pattern.lastIndex = s.at;
  const m = pattern.exec(s.text);
  if (!m) throw new SyntaxError(`unexpected ${JSON.stringify(s.text.slice(s.at, s.at + 10))} at offset ${s.at}`);
  s.at = pattern.lastIndex;
  return m[0];
}

function expect(s: Scanner, char: string): void {
  skipSpace(s);
  if (s.text[s.at] !== char) throw new SyntaxError(`expected ${char} at offset ${s.at}`);
  s.at++;
  skipSpace(s);
}

function compareUtf8(a: string, b: string): number {
  // Go sorts map keys by their UTF-8 bytes, which differs from UTF-16 order above U+FFFF.
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A string as Go's encoder writes it with HTML escaping off: as JSON.stringify, but U+2028/9 escaped. */
export function goStringText(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function value(s: Scanner): string {
  const c = s.text[s.at];
  if (c === '{') {
    expect(s, '{');
    const members = new Map<string, string>();
    while (s.text[s.at] !== '}') {
      const key = JSON.parse(token(s, STRING)) as string;
      expect(s, ':');
      members.set(key, value(s));
      skipSpace(s);
      if (s.text[s.at] === ',') expect(s, ',');
    }
    expect(s, '}');
    const keys = [...members.keys()].sort(compareUtf8);
    return `{${keys.map((k) => `${goStringText(k)}:${members.get(k)!}`).join(',')}}`;
  }
  if (c === '[') {
    expect(s, '[');
    const items: string[] = [];
    while (s.text[s.at] !== ']') {
      items.push(value(s));
      skipSpace(s);
      if (s.text[s.at] === ',') expect(s, ',');
    }
    expect(s, ']');
    return `[${items.join(',')}]`;
  }
  if (c === '"') return goStringText(JSON.parse(token(s, STRING)) as string);
  for (const literal of ['true', 'false', 'null']) {
    if (s.text.startsWith(literal, s.at)) {
      s.at += literal.length;
      return literal;
    }
  }
  return token(s, NUMBER);
}
