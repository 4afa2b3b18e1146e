/**
 * JSON text in the style of the bundled data.json: the containers on the way to the grants, one
 * member a line; the grants, one grant a line; everything else on one line with a space inside
 * braces (`{ "namespace": "shop" }`, `["GET", "orders.read"]`). A file already in this style
 * prints back unchanged, so a diff shows only what changed.
 */
export function dataJsonText(document: unknown, keysToGrants: readonly string[]): string {
  return `${expanded(document, keysToGrants, '')}\n`;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
  }
  return JSON.stringify(value);
}

function expanded(value: unknown, keys: readonly string[], indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (keys.length > 0 || value.length === 0) return inline(value);
    return `[\n${value.map((v) => `${inner}${inline(v)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof value !== 'object' || value === null) return inline(value);
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const [next, ...rest] = keys;
  const members = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${k === next ? expanded(v, rest, inner) : inline(v)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}
