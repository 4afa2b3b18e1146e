// `regex.globs_match`: whether two glob-like regular expressions (literals, `.`, `[...]` sets, each
// optionally followed by `+` or `*`, `\` escaping) match a common string. This follows the
// algorithm of github.com/yashtewari/glob-intersection, which OPA uses, including its error
// messages and its greedy (not exhaustive) treatment of starred tokens, so answers agree with OPA.

const enum Flag {
  None = 0,
  Plus = 1,
  Star = 2,
}

type Token =
  | { kind: 'char'; ch: number; flag: Flag }
  | { kind: 'dot'; flag: Flag }
  | { kind: 'set'; ranges: Array<[number, number]>; flag: Flag };

/** Invalid glob input, with the library's message. */
export class GlobIntersectionError extends Error {}

const INVALID = 'the input provided is invalid';

function invalid(input: number[], index: number, message: string): GlobIntersectionError {
  return new GlobIntersectionError(`input:${String.fromCodePoint(...input)}, pos:${index}, ${message}: ${INVALID}`);
}

interface RuneRead {
  next: number;
  r: number;
  escaped: boolean;
}

const END = Symbol('end of input');
const BACKSLASH = 0x5c;

function nextRune(index: number, input: number[]): RuneRead | typeof END {
  if (index >= input.length) return END;
  if (input[index] === BACKSLASH) {
    if (index < input.length - 1) return { next: index + 2, r: input[index + 1]!, escaped: true };
    throw invalid(input, index, 'input ends with a \\ (escape) character');
  }
  return { next: index + 1, r: input[index]!, escaped: false };
}

function normalise(runes: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...runes].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function readSet(index: number, input: number[]): { next: number; token: Token } {
  const runes: Array<[number, number]> = [];
  let prev = 0;
  let prevExists = false;
  let pos = index;
  for (;;) {
    const read = nextRune(pos, input);
    if (read === END) throw invalid(input, pos, 'found [ without matching ]');
    pos = read.next;
    if (read.escaped) {
      runes.push([read.r, read.r]);
      prev = read.r;
      prevExists = true;
      continue;
    }
    if (read.r === 0x5d /* ] */) return { next: pos, token: { kind: 'set', ranges: normalise(runes), flag: Flag.None } };
    if (read.r === 0x2d /* - */) {
      if (!prevExists) throw invalid(input, pos, "range character '-' must be preceded by a Unicode character");
      if (pos >= input.length - 1) throw invalid(input, pos, "range character '-' must be followed by a Unicode character");
      const hi = nextRune(pos, input) as RuneRead;
      pos = hi.next;
      if (!hi.escaped && (hi.r === 0x5d || hi.r === 0x2d)) {
        throw invalid(input, pos, "range character '-' cannot be followed by a special symbol");
      }
      if (hi.r < prev) {
        throw invalid(
          input,
          pos,
          `range is out of order: '${String.fromCodePoint(hi.r)}' comes before '${String.fromCodePoint(prev)}' in Unicode`,
        );
      }
      runes.push([prev, hi.r]);
      prevExists = false;
      continue;
    }
    runes.push([read.r, read.r]);
    prev = read.r;
    prevExists = true;
  }
}

function tokenize(input: number[]): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    const read = nextRune(pos, input);
    if (read === END) return tokens;
    pos = read.next;
    let token: Token;
    if (read.escaped) {
      token = { kind: 'char', ch: read.r, flag: Flag.None };
    } else if (read.r === 0x2e /* . */) {
      token = { kind: 'dot', flag: Flag.None };
    } else if (read.r === 0x5d) {
      throw invalid(input, pos, "set-close ']' with no preceding '['");
    } else if (read.r === 0x5b /* [ */) {
      const set = readSet(pos, input);
      pos = set.next;
      token = set.token;
    } else if (read.r === 0x2b || read.r === 0x2a) {
      throw invalid(input, pos, `flag '${String.fromCodePoint(read.r)}' must be preceded by a non-flag`);
    } else {
      token = { kind: 'char', ch: read.r, flag: Flag.None };
    }
    const flag = nextRune(pos, input);
    if (flag !== END && !flag.escaped && (flag.r === 0x2b || flag.r === 0x2a)) {
      token.flag = flag.r === 0x2b ? Flag.Plus : Flag.Star;
      pos = flag.next;
    }
    tokens.push(token);
  }
}

function sameContent(a: Token, b: Token): boolean {
  if (a.kind === 'char') return b.kind === 'char' && a.ch === b.ch;
  if (a.kind === 'dot') return b.kind === 'dot';
  if (b.kind !== 'set' || a.ranges.length !== b.ranges.length) return false;
  return a.ranges.every(([lo, hi], i) => b.ranges[i]![0] === lo && b.ranges[i]![1] === hi);
}

/** Merges neighbouring flagged tokens of equal content (`a*a+` → `a+`). */
function simplify(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last !== undefined && t.flag !== Flag.None && last.flag !== Flag.None && sameContent(t, last)) {
      last.flag = t.flag === Flag.Plus || last.flag === Flag.Plus ? Flag.Plus : Flag.Star;
      continue;
    }
    out.push(t);
  }
  return out;
}

function inRanges(ch: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([lo, hi]) => lo <= ch && ch <= hi);
}

/** Whether two single tokens can match a common character (flags ignored). */
function tokensMatch(a: Token, b: Token): boolean {
  if (a.kind === 'dot' || b.kind === 'dot') return true;
  if (a.kind === 'char' && b.kind === 'char') return a.ch === b.ch;
  if (a.kind === 'char' && b.kind === 'set') return inRanges(a.ch, b.ranges);
  if (a.kind === 'set' && b.kind === 'char') return inRanges(b.ch, a.ranges);
  if (a.kind === 'set' && b.kind === 'set') {
    return a.ranges.some(([lo, hi]) => b.ranges.some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi));
  }
  return false;
}

function trim(g1: Token[], g2: Token[]): [Token[], Token[]] | undefined {
  let l = 0;
  while (l < g1.length && l < g2.length && g1[l]!.flag === Flag.None && g2[l]!.flag === Flag.None) {
    if (!tokensMatch(g1[l]!, g2[l]!)) return undefined;
    l++;
  }
  // One token of each trimmed end stays, as the algorithm needs non-empty globs.
  if (l > 0) l--;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  while (r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1[r1]!.flag === Flag.None && g2[r2]!.flag === Flag.None) {
    if (!tokensMatch(g1[r1]!, g2[r2]!)) return undefined;
    r1--;
    r2--;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    if (g1[i]!.flag === Flag.None && g2[j]!.flag === Flag.None) {
      if (!tokensMatch(g1[i]!, g2[j]!)) return false;
    } else {
      return intersectSpecial(g1.slice(i), g2.slice(j));
    }
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  const [flagged, other] = g1[0]!.flag !== Flag.None ? [g1, g2] : [g2, g1];
  return flagged[0]!.flag === Flag.Plus ? intersectPlus(flagged, other) : intersectStar(flagged, other);
}

function intersectPlus(plussed: Token[], other: Token[]): boolean {
  if (!tokensMatch(plussed[0]!, other[0]!)) return false;
  if (intersectStar(plussed, other.slice(1))) return true;
  return other[0]!.flag !== Flag.None && intersectNormal(plussed.slice(1), other);
}

function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0]!;
  const following = starred[1];
  for (let i = 0; i < other.length; i++) {
    const t = other[i]!;
    if (following !== undefined && tokensMatch(t, following)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!tokensMatch(t, star)) return false;
    } else if (!tokensMatch(t, star)) {
      return false;
    }
  }
  return following === undefined;
}

function parseGlob(source: string): Token[] {
  return simplify(tokenize(Array.from(source, (c) => c.codePointAt(0)!)));
}

/** Whether the globs `lhs` and `rhs` intersect; throws `GlobIntersectionError` on bad input. */
export function globsIntersect(lhs: string, rhs: string): boolean {
  const g1 = parseGlob(lhs);
  const g2 = parseGlob(rhs);
  const trimmed = trim(g1, g2);
  return trimmed !== undefined && intersectNormal(trimmed[0], trimmed[1]);
}
