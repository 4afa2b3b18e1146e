import type { Module } from '../ast.js';
import { parseModule } from '../syntax/index.js';
import { opaAstJson } from '../syntax/opa-ast-json.js';
import { FormatError } from './errors.js';
import { builtinArity } from '../compile/builtin-catalog.js';
import { futureKeyword, isRegoV1Import, isRegoV2Import } from './imports.js';
import { walkExprs } from './walk-exprs.js';

/**
 * What a module means, apart from layout: its package, imports and rules as OPA's JSON AST
 * without comments, without the imports that only switch syntax on (`rego.v1`, future keywords), imports in any order,
 * and without how a rule head was written (`=` or `:=`; `p.x` or `p["x"]`, which OPA's JSON tells apart
 * by `name` and `key` though the rule's ref is the same).
 */
function meaning(module: Module): string {
  const { comments: _comments, imports, ...ast } = opaAstJson({ ...module, imports: module.imports.filter((i) => !isRegoV1Import(i.path) && !isRegoV2Import(i.path) && futureKeyword(i.path) === undefined) });
  const sortedImports = ((imports ?? []) as unknown[]).map((i) => JSON.stringify(i)).sort();
  // How each negation reads its operands (`future.keywords.not`), which OPA's JSON does not show.
  const negations: string[] = [];
  walkExprs(module, (e) => {
    if (e.negated) negations.push(e.operandsInside ? 'inside' : 'before');
  });
  return JSON.stringify({ ...ast, imports: sortedImports, negations }, (key, value: unknown) => {
    if (key === 'assign') return undefined;
    if (key === 'terms' && Array.isArray(value)) return withOutputAsEquality(value);
    if (key !== 'head' || typeof value !== 'object' || value === null) return value;
    const { name: _name, key: _key, ...rest } = value as Record<string, unknown>;
    return rest;
  });
}

/**
 * Formatting must never change what a policy does: the output is parsed again and compared with
 * the input, and a difference is an error that leaves the file as it is (a formatter bug, reported
 * rather than written).
 */
export function assertSameMeaning(original: Module, formatted: string, file: string, regoVersion: 0 | 1): void {
  const reparsed = parseModule(formatted, { file, regoVersion });
  if (!reparsed.module) throw new FormatError('rego_format_error', `${file}: the formatted text does not parse (${reparsed.diagnostics[0]?.message ?? 'unknown error'}); the file is left as it is`);
  if (meaning(reparsed.module) !== meaning(original)) throw new FormatError('rego_format_error', `${file}: formatting would change what the module means; the file is left as it is`);
}

type JsonTerm = { type: string; value: unknown };

/** `plus(x, 1, y)` and `y = x + 1` are one expression (OPA's formatter writes the second). */
function withOutputAsEquality(terms: JsonTerm[]): JsonTerm[] {
  const [operator, ...args] = terms;
  if (operator?.type !== 'ref' || !Array.isArray(operator.value)) return terms;
  const name = (operator.value as JsonTerm[]).map((t) => String(t.value)).join('.');
  if (builtinArity(name) !== args.length - 1) return terms;
  const output = args[args.length - 1]!;
  return [{ type: 'ref', value: [{ type: 'var', value: 'eq' }] }, output, { type: 'call', value: [operator, ...args.slice(0, -1)] }];
}
