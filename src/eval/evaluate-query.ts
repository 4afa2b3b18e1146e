import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { HOST_BUILTIN_PREFIX } from '../wasm/native-builtins.js';
import { COVERAGE_BUILTIN } from '../rego/plan/planner.js';
import { hostBuiltins } from '../builtins/index.js';
import { compile } from '../rego/compile.js';
import { parseQuery } from '../rego/syntax/index.js';
import { CompileError } from '../rego/errors.js';
import type { Body, Expr, RefTerm, Term } from '../rego/ast.js';
import { builtinArity } from '../rego/compile/builtin-catalog.js';
import { refName } from '../rego/compile/terms.js';

import type { PolicyFiles } from '../bundle/policy-files.js';
import { evaluateJson } from '../engine/abi-evaluate.js';
import { exactJsonBytes, stringifyJsonExact } from '../engine/exact-json.js';

const BOOLEAN_OPERATORS = new Set(['eq', 'assign', 'equal', 'neq', 'lt', 'lte', 'gt', 'gte', 'internal.member_2', 'internal.member_3']);

/** One row of `opa eval`'s output. */
export interface EvalRow {
  expressions: Array<{ value: unknown; text: string; location: { row: number; col: number } }>;
  bindings?: Record<string, unknown>;
}

/** What to evaluate, and how. */
export interface EvalRequest {
  files: PolicyFiles;
  query: string;
  input?: unknown;
  regoVersion?: 0 | 1;
  strictBuiltinErrors?: boolean;
  /** The package the query's rule names resolve in (`--package app.authz`). */
  queryPackage?: string;
  /** Count how often each source line runs (`--profile`); costs a coverage build. */
  profile?: boolean;
}

/**
 * One line of `--profile`: how many times execution reached it. A compiled Wasm policy has no
 * per-expression timer or redo counter, so OPA's `total_time_ns`, `num_redo` and `num_gen_expr` are
 * left out rather than made up.
 */
export interface ProfileLine {
  num_eval: number;
  location: { file: string; row: number; col: number };
}

/** The rows, with OPA's `timer_*` metrics (nanoseconds) and the profile when asked for. */
export interface EvalResult {
  rows: EvalRow[];
  metrics: Record<string, number>;
  profile?: ProfileLine[];
}

const nowNs = () => process.hrtime.bigint();
const since = (start: bigint) => Number(nowNs() - start);

const exprVar = (i: number) => `__warden_expr_${i}__`;

/** A query compiled and loaded once, to evaluate against any number of inputs (`warden bench`). */
export interface PreparedQuery {
  /** Time spent parsing, compiling and loading, in nanoseconds. */
  metrics: Record<string, number>;
  /** One evaluation: the rows, each expression's value and the bindings. */
  run(input: unknown): EvalRow[];
  /** The lines reached so far, when prepared with `profile`. */
  profile(): ProfileLine[];
}

/**
 * Evaluates a query as `opa eval` does: each expression's value (a bare term's own value, true for
 * anything else) and the query variables' bindings, one row per solution.
 */
export async function evaluateQuery(request: EvalRequest): Promise<EvalResult> {
  const prepared = await prepareQuery(request);
  const metrics = { ...prepared.metrics };
  const start = nowNs();
  const rows = prepared.run(request.input);
  metrics.timer_rego_query_eval_ns = since(start);
  return request.profile ? { rows, metrics, profile: prepared.profile() } : { rows, metrics };
}

/** Parses, compiles and loads a query for {@link PreparedQuery.run}. */
export async function prepareQuery(request: EvalRequest): Promise<PreparedQuery> {
  const { files, query, regoVersion = 1, strictBuiltinErrors = false } = request;
  const metrics: Record<string, number> = {};
  let start = nowNs();
  const parsed = parseQuery(query, { file: '<query>', regoVersion });
  metrics.timer_rego_query_parse_ns = since(start);
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
  start = nowNs();
  const wasm = await compile(
    { modules: files.modules, queryBody: body, queryPackage: packagePath(request.queryPackage), regoVersion, strictBuiltinErrors, coverage: request.profile },
    { onStage: (name, ms) => name === 'parse' && (metrics.timer_rego_module_parse_ns = Math.round(ms * 1e6)) },
  ).catch((e: unknown) => {
    // The variables this rewrite adds are ours: an error about one repeats one about the user's own term.
    const own = e instanceof CompileError ? e.diagnostics.filter((d) => !d.message.includes('__warden_expr_')) : [];
    throw own.length > 0 ? new CompileError(own) : e;
  });
  metrics.timer_rego_query_compile_ns = since(start);
  start = nowNs();
  const reached = new Map<string, number>();
  const countLine = (where: string): boolean => {
    reached.set(where, (reached.get(where) ?? 0) + 1);
    return true;
  };
  const policy = await loadPolicy(wasm, undefined, { ...hostBuiltins, [HOST_BUILTIN_PREFIX + COVERAGE_BUILTIN]: countLine });
  policy.setData(exactJsonBytes(files.data));
  metrics.timer_rego_load_ns = since(start);
  const texts = parsed.body.map((e) => ({ text: query.slice(e.loc.offset, e.loc.end), location: { row: e.loc.line, col: e.loc.col } }));
  const rowOf = (row: Record<string, unknown>): EvalRow => {
    const expressions = texts.map((t, i) => ({ value: valued.has(i) ? row[exprVar(i)] : true, ...t }));
    const bindings = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('__warden_expr_')));
    return Object.keys(bindings).length > 0 ? { expressions, bindings } : { expressions };
  };
  // The query is the module's only entrypoint; its input and results keep numbers exact (see parseJsonExact).
  const entrypoint = Object.keys(policy.entrypoints)[0]!;
  return {
    metrics,
    run(input) {
      return (evaluateJson(policy, input === undefined ? '' : stringifyJsonExact(input), entrypoint) as Array<Record<string, unknown>>).map(rowOf);
    },
    profile: () => profileOf(reached),
  };
}

/** `app.authz` or `data.app.authz` → `["app", "authz"]`. */
function packagePath(name: string | undefined): string[] | undefined {
  return name === undefined ? undefined : name.replace(/^data\./, '').split('.').filter((p) => p !== '');
}

/** Lines by how often they ran, most first (OPA sorts its profile by time, then by count). */
function profileOf(reached: Map<string, number>): ProfileLine[] {
  return [...reached]
    .map(([where, count]) => {
      const at = where.lastIndexOf(':');
      return { num_eval: count, location: { file: where.slice(0, at), row: Number(where.slice(at + 1)), col: 1 } };
    })
    .sort((a, b) => b.num_eval - a.num_eval || a.location.file.localeCompare(b.location.file) || a.location.row - b.location.row);
}
