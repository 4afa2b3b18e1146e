// The tree `opa parse` prints by default, drawn from the JSON form of `opaAstJson`.

/** What one element of a list is called in the pretty tree. */
const ITEM_NAMES: Record<string, string> = { rules: 'rule', body: 'expr', imports: 'import', with: 'with', args: 'arg', symbols: 'symbol' };

/** The same tree for people: one node a line, children indented by one space (as `opa parse`'s default). */
export function prettyAst(node: unknown, name = 'module', depth = 0): string {
  const pad = ' '.repeat(depth);
  if (Array.isArray(node)) {
    const item = ITEM_NAMES[name] ?? '';
    return `${pad}${name}\n${node.map((n) => prettyAst(n, item, depth + 1)).join('')}`;
  }
  if (node === null || typeof node !== 'object') return `${pad}${name ? `${name} ` : ''}${JSON.stringify(node)}\n`;
  const o = node as { [key: string]: unknown };
  const scalar = typeof o.type === 'string' && (o.value === undefined || o.value === null || typeof o.value !== 'object');
  if (scalar) return `${pad}${name ? `${name} ` : ''}${o.type === 'string' ? JSON.stringify(o.value) : o.type === 'null' ? 'null' : String(o.value)}\n`;
  const label = typeof o.type === 'string' ? o.type : name;
  const inner = Object.entries(o)
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => (k === 'value' && Array.isArray(v) ? v.map((x) => prettyAst(x, '', depth + 1)).join('') : prettyAst(v, k === 'value' ? '' : k, depth + 1)))
    .join('');
  return `${pad}${label}\n${inner}`;
}
