import { parse as parseYaml } from 'yaml';
import type { Annotations, Location, Rule } from '../ast.js';
import type { LineIndex, SourceComment } from './parser-state.js';
import type { Issue } from './rule-parser.js';

/** A top-level statement of a module, in source order, as annotations attach to them. */
export type Statement = { kind: 'package'; line: number } | { kind: 'import'; line: number } | { kind: 'rule'; line: number; rule: Rule };

interface Block {
  start: number;
  end: number;
  line: number;
  lines: string[];
}

const SCOPES = new Set(['rule', 'document', 'package', 'subpackages']);

/**
 * METADATA blocks: a comment starting `METADATA`, then the comments on the following lines that
 * start at column 1, as YAML (one space after `#` removed). As in OPA, a block belongs to the first
 * statement below it; without a `scope` it is scoped to that statement (`rule`, or `document` for an
 * entrypoint; `package`). Rule and document scopes must precede a rule, package scopes the package.
 */
export function collectAnnotations(comments: SourceComment[], lines: LineIndex, file: string, statements: Statement[], errors: Issue[]): Annotations[] {
  const out: Annotations[] = [];
  for (const block of findBlocks(comments, lines)) {
    const fields = parseBlock(block, errors);
    if (!fields) continue;
    const node = statements.find((s) => s.line > block.line);
    const declared = fields.scope;
    let scope: string;
    if (declared !== undefined) scope = String(declared);
    else if (node?.kind === 'rule') scope = fields.entrypoint === true ? 'document' : 'rule';
    else scope = node?.kind ?? '';
    const have = node ? ` (have ${node.kind})` : '';
    if (!SCOPES.has(scope)) {
      errors.push({ offset: block.start, message: `invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'` });
      continue;
    }
    const target = scope === 'rule' || scope === 'document' ? 'rule' : 'package';
    if (node?.kind !== target) {
      errors.push({ offset: block.start, message: `annotation scope '${scope}' must be applied to ${target}${have}` });
      continue;
    }
    const { line, col } = lines.position(block.start);
    const loc: Location = { file, line, col, offset: block.start, end: block.end };
    const annotation: Annotations = { scope: scope as Annotations['scope'], fields, loc };
    out.push(annotation);
    // The closest block above a rule is the one it carries.
    if (node.kind === 'rule') node.rule.annotations = annotation;
  }
  return out;
}

function findBlocks(comments: SourceComment[], lines: LineIndex): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let prevLine = -1;
  for (const c of comments) {
    const { line, col } = lines.position(c.start);
    if (current && line === prevLine + 1 && col === 1) {
      current.lines.push(c.text.startsWith(' ') ? c.text.slice(1) : c.text);
      current.end = c.end;
      prevLine = line;
      continue;
    }
    current = undefined;
    if (c.text.trim().startsWith('METADATA')) {
      current = { start: c.start, end: c.end, line, lines: [] };
      blocks.push(current);
    }
    prevLine = line;
  }
  return blocks;
}

function parseBlock(block: Block, errors: Issue[]): Record<string, unknown> | undefined {
  const text = block.lines.join('\n');
  if (text.trim() === '') {
    errors.push({ offset: block.start, message: 'expected METADATA block, found whitespace' });
    return undefined;
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    errors.push({ offset: block.start, message: `invalid METADATA block: ${first}` });
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ offset: block.start, message: 'invalid METADATA block: expected a YAML mapping' });
    return undefined;
  }
  return value as Record<string, unknown>;
}
