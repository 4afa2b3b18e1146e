import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { compile } from '../rego/compile.js';
import { parseQuery } from '../rego/syntax/index.js';
import { CompileError } from '../rego/errors.js';
import type { Body, Expr, RefTerm, Term } from '../rego/ast.js';
import { builtinArity } from '../rego/compile/builtin-catalog.js';
import { refName } from '../rego/compile/terms.js';

const BOOLEAN_OPERATORS = new Set(['eq', 'assign', 'equal', 'neq', 'lt', 'lte', 'gt', 'gte', 'internal.member_2', 'internal.member_3']);
import type { PolicyFiles } from '../bundle/policy-files.js';

/** One row of `opa eval`'s output. */
export interface EvalRow {
  expressions: Array<{ value: unknown; text: string; location: { row: number; col: number } }>;
  bindings?: Record<string, unknown>;
}

const exprVar = (i: number) => `__warden_expr_${i}__`;

/**
 * Evaluates a query as `opa eval` does: each expression's value (a bare term's own value, true for
 * anything else) and the query variables' bindings, one row per solution.
 */
export async function evaluateQuery(files: PolicyFiles, query: string, input: unknown, regoVersion: 0 | 1 = 1, strictBuiltinErrors = false): Promise<EvalRow[]> {
  const parsed = parseQuery(query, { file: '<query>', regoVersion });
  if (!parsed.body) throw new CompileError(parsed.diagnostics);
  // A bare term is evaluated for its value (false included), so bind it instead of testing it; a
  // builtin call's value is reported too (and false still makes it undefined, as in OPA).
  const valued = new Set<number>();
  const body: Body = parsed.body.flatMap((e, i): Expr[] => {
    const ref = (name: string): RefTerm => ({ type: 'ref', head: { type: 'var', name, loc: e.loc }, path: [], loc: e.loc });
    const v: Term = { type: 'var', name: exprVar(i), loc: e.loc };
    if (e.type === 'term' && !e.negated) {
      valued.add(i);
      return [{ ...e, type: 'call', operator: ref('eq'), args: [v, e.term] }];
    }
    const name = e.type === 'call' ? refName(e.operator) : undefined;
    if (e.type === 'call' && !e.negated && e.with.length === 0 && name && !BOOLEAN_OPERATORS.has(name) && builtinArity(name) === e.args.length) {
      valued.add(i);
      const call: Term = { type: 'call', operator: e.operator, args: e.args, loc: e.loc };
      return [
        { ...e, type: 'call', operator: ref('eq'), args: [v, call] },
        { ...e, type: 'call', operator: ref('neq'), args: [v, { type: 'boolean', value: false, loc: e.loc }] },
      ];
    }
    return [e];
  });
  // As `opa eval`: a builtin that fails is undefined unless `--strict-builtin-errors`.
  const wasm = await compile({ modules: files.modules, queryBody: body, regoVersion, strictBuiltinErrors });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  policy.setData(files.data);
  const text = input === undefined ? undefined : new TextEncoder().encode(JSON.stringify(input)).buffer;
  const rows = policy.evaluate(text as unknown as object, 0) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const expressions = parsed.body!.map((e, i) => ({
      value: valued.has(i) ? row[exprVar(i)] : true,
      text: query.slice(e.loc.offset, e.loc.end),
      location: { row: e.loc.line, col: e.loc.col },
    }));
    const bindings = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('__warden_expr_')));
    return Object.keys(bindings).length > 0 ? { expressions, bindings } : { expressions };
  });
}
