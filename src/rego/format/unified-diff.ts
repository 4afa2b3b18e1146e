/**
 * A unified diff of two texts by lines (longest common subsequence; policy files are small),
 * with three lines of context, as `diff -u` and `opa fmt -d` print one.
 */
export function unifiedDiff(before: string, after: string, path: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - 3);
    let end = i;
    // Extend the hunk while changes are at most six unchanged lines apart.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 6) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + 3);
    const slice = ops.slice(start, stop);
    const aStart = slice.find((o) => o.kind !== '+')?.aLine ?? ops[start]!.aLine;
    const bStart = slice.find((o) => o.kind !== '-')?.bLine ?? ops[start]!.bLine;
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    hunks.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const o of slice) hunks.push(`${o.kind}${o.text}`);
    start = stop;
    i = stop;
  }
  return [`--- a/${path}`, `+++ b/${path}`, ...hunks, ''].join('\n');
}

interface LineOp {
  kind: ' ' | '-' | '+';
  text: string;
  /** 1-based line numbers where the op sits in each text. */
  aLine: number;
  bLine: number;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}

function lineOps(a: string[], b: string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i]!, aLine: ++i, bLine: ++j });
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', text: a[i]!, aLine: ++i, bLine: j + 1 });
    else ops.push({ kind: '+', text: b[j]!, aLine: i + 1, bLine: ++j });
  }
  return ops;
}
