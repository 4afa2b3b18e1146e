import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { parseModule } from '../rego/syntax/index.js';
import { CompileError } from '../rego/errors.js';
import { withSourceLines } from '../rego/compile/stages/pipeline.js';
import { opaAstJson } from '../rego/syntax/opa-ast-json.js';
import { prettyAst } from '../rego/ast-pretty.js';
import { OPA_EXIT, runCommand } from './output.js';

export const PARSE_USAGE = 'warden parse FILE [--format pretty|json] [--v0]';

/** `warden parse`: a module's AST, as `opa parse` prints it; parse errors as file:line:col, exit 1. */
export function parseCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f', default: 'pretty' }, ...REGO_VERSION_OPTIONS },
    });
    if (positionals.length !== 1 || !['pretty', 'json'].includes(values.format!)) {
      process.stderr.write(`usage: ${PARSE_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const file = positionals[0]!;
    const source = readFileSync(file, 'utf8');
    const parsed = parseModule(source, { file, regoVersion: regoVersionOf(values) });
    if (!parsed.module || parsed.diagnostics.length > 0) throw new CompileError(withSourceLines(parsed.diagnostics, new Map([[file, source]])));
    const ast = opaAstJson(parsed.module);
    process.stdout.write(values.format === 'json' ? `${JSON.stringify(ast, null, 2)}\n` : prettyAst(ast));
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
