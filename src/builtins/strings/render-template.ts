import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, RegoSet, typeNameOf, type RegoValue } from '../value.js';
import { builtinError, operandTypeError } from '../errors.js';
import { Executor, JsonNumber, type TValue } from './go-template-exec.js';
import { TemplateError, parseTemplate } from './go-template-parse.js';
import { jsonKey } from '../encoding/json-text.js';
import { numberText, sortedSetItems } from './rego-format.js';
import { stringArg } from '../operands.js';

/** Rego values as Go sees them after OPA's ast.As: json.Number numbers, sets as arrays. */
function toTemplateValue(v: RegoValue): TValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return new JsonNumber(numberText(v));
  if (Array.isArray(v)) return v.map(toTemplateValue);
  if (v instanceof RegoSet) return sortedSetItems(v).map(toTemplateValue);
  const entries: Array<[string, RegoValue]> =
    v instanceof RegoObjectEntries ? v.entries.map(([k, x]) => [jsonKey(k), x]) : Object.entries(v);
  return new Map(entries.map(([k, x]) => [k, toTemplateValue(x)]));
}

export const renderTemplate: HostBuiltin = (template, vars) => {
  const name = 'strings.render_template';
  const src = stringArg(name, template, 1);
  if (vars === undefined || !(isRegoObject(vars) || vars instanceof RegoObjectEntries)) {
    throw operandTypeError(name, 2, 'object', typeNameOf(vars ?? null));
  }
  try {
    const nodes = parseTemplate(src);
    const data = toTemplateValue(vars);
    const exec = new Executor(data);
    exec.run(nodes, data);
    return exec.out;
  } catch (e) {
    if (e instanceof TemplateError) throw builtinError(name, `template: template: ${e.message}`);
    throw e;
  }
};
