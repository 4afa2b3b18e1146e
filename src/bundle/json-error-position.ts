import { LineCounter, parseDocument } from 'yaml';

/**
 * Where a JSON text that `JSON.parse` rejected goes wrong, as `line:col` (1-based). V8's messages
 * give a byte offset only sometimes, so the text is read again by `yaml` with its JSON schema, which
 * reports positions for nearly every JSON syntax error; V8's offset (or the end of the text, for
 * "Unexpected end") covers the few that YAML's flow syntax accepts (trailing commas, single quotes).
 */
export function jsonErrorPosition(text: string, v8Message: string): string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'json', lineCounter: lines, prettyErrors: false });
  const offset = doc.errors[0]?.pos[0] ?? v8Offset(text, v8Message);
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

function v8Offset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  return text.length;
}
