import { parseModule } from '../../rego/syntax/index.js';
import { opaAstJson } from '../../rego/syntax/opa-ast-json.js';
import type { Diagnostic } from '../../rego/diagnostics.js';
import { builtinError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { stringArg } from '../operands.js';

const NAME = 'rego.parse_module';

/**
 * rego.parse_module(filename, source): the module's syntax tree in OPA's JSON form. As OPA's
 * topdown/parse.go, the source is always read as Rego v1 and a syntax error is a builtin error
 * carrying the parser's message (`1 error occurred: file:row: rego_parse_error: …`).
 */
export const regoParseModule: HostBuiltin = (filename, source) => {
  const file = stringArg(NAME, filename, 1);
  const text = stringArg(NAME, source, 2);
  const { module, diagnostics } = parseModule(text, { file, regoVersion: 1 });
  if (module === undefined || diagnostics.length > 0) throw builtinError(NAME, parseErrorText(diagnostics, text));
  return opaAstJson(module);
};

/** OPA's ast.Errors text: a count, then each error as `file:row: code: message` and its source line with a caret. */
function parseErrorText(diagnostics: Diagnostic[], source: string): string {
  const lines = source.split('\n');
  const each = diagnostics.map((d) => {
    const line = lines[d.line - 1] ?? '';
    const trimmed = line.replace(/^\t+/, '');
    const indent = Math.max(0, d.col - 1 - (line.length - trimmed.length));
    return `${d.file}:${d.line}: ${d.code}: ${d.message}\n\t${trimmed}\n\t${' '.repeat(indent)}^`;
  });
  return each.length === 1 ? `1 error occurred: ${each[0]}` : `${each.length} errors occurred:\n${each.join('\n')}`;
}
