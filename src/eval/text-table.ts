/**
 * A table as OPA's CLI prints one (`+---+` borders, headers centred, cells left-aligned): the
 * shape scripts and people reading `opa eval -f pretty` or `opa bench` expect.
 */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const centre = (text: string, w: number) => {
    const left = Math.floor((w - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(w - text.length - left);
  };
  const line = (cells: string[], align: (text: string, w: number) => string) => `| ${cells.map((c, i) => align(c, widths[i]!)).join(' | ')} |`;
  const out = [rule, line(headers, centre), rule, ...rows.map((r) => line(headers.map((_, i) => r[i] ?? ''), (t, w) => t.padEnd(w))), rule];
  return `${out.join('\n')}\n`;
}
