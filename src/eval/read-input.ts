import { readFileSync } from 'node:fs';
import { EvalError } from './errors.js';
import { findJsonSyntaxError, lineColOf } from '../bundle/json-syntax-error.js';
import { parseJsonExact } from '../engine/exact-json.js';
import { parseYamlExact } from '../engine/exact-yaml.js';

/** Parses JSON, numbers exact (see parseJsonExact); a syntax error names `source` and the line:col where it is. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return parseJsonExact(text);
  } catch (e) {
    const where = findJsonSyntaxError(text);
    if (!where) throw new EvalError('eval_input_error', `${source}: not valid JSON: ${(e as Error).message}`, { cause: e });
    const { line, col } = lineColOf(text, where.offset);
    throw new EvalError('eval_input_error', `${source}:${line}:${col}: not valid JSON: ${where.problem}`, { cause: e });
  }
}

/**
 * An input document from its text: JSON for `.json` files and for text that starts like JSON, YAML
 * otherwise (as OPA, which reads both).
 */
export function parseInputText(text: string, source: string): unknown {
  if (source.endsWith('.json') || /^\s*[[{"]/.test(text)) return parseJsonText(text, source);
  try {
    return parseYamlExact(text);
  } catch (e) {
    throw new EvalError('eval_input_error', `${source}: not valid YAML: ${(e as Error).message}`, { cause: e });
  }
}

/** `-i FILE` or, with `fromStdin`, `-I`: the input document; undefined when neither is given. */
export function readInput(file: string | undefined, fromStdin: boolean): unknown {
  if (file !== undefined && fromStdin) throw new EvalError('eval_input_error', 'use either -i FILE or -I (stdin), not both');
  if (fromStdin) return parseInputText(readFileSync(0, 'utf8'), '<stdin>');
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EvalError('eval_input_error', `${file}: cannot read input: ${(e as Error).message}`, { cause: e });
  }
  return parseInputText(text, file);
}
