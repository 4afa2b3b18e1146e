import { RegoObjectEntries, isRegoObject, type RegoObject, type RegoValue } from '../value.js';

// GraphQL text from gqlparser-shaped AST objects (as graphql.parse_query / parse_schema return
// them), so that AST objects given to graphql.parse and friends go through the same parser.

function obj(v: RegoValue | undefined): RegoObject {
  if (v instanceof RegoObjectEntries) return Object.fromEntries(v.entries.map(([k, x]) => [String(k), x]));
  return v !== undefined && isRegoObject(v) ? v : {};
}

function list(v: RegoValue | undefined): RegoValue[] {
  return Array.isArray(v) ? v : [];
}

function str(v: RegoValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function value(v: RegoValue | undefined): string {
  const o = obj(v);
  const raw = str(o.Raw);
  switch (o.Kind) {
    case 0:
      return `$${raw}`;
    case 3:
    case 4:
      return quote(raw);
    case 8:
      return `[${list(o.Children).map((c) => value(obj(c).Value)).join(', ')}]`;
    case 9:
      return `{${list(o.Children).map((c) => `${str(obj(c).Name)}: ${value(obj(c).Value)}`).join(', ')}}`;
    default:
      return raw;
  }
}

function type(v: RegoValue | undefined): string {
  const o = obj(v);
  const inner = o.Elem !== undefined ? `[${type(o.Elem)}]` : str(o.NamedType);
  return o.NonNull === true ? `${inner}!` : inner;
}

function args(v: RegoValue | undefined): string {
  const a = list(v);
  if (a.length === 0) return '';
  return `(${a.map((x) => `${str(obj(x).Name)}: ${value(obj(x).Value)}`).join(', ')})`;
}

function directives(v: RegoValue | undefined): string {
  return list(v)
    .map((d) => ` @${str(obj(d).Name)}${args(obj(d).Arguments)}`)
    .join('');
}

function variableDefinitions(v: RegoValue | undefined): string {
  const defs = list(v);
  if (defs.length === 0) return '';
  return `(${defs
    .map((d) => {
      const o = obj(d);
      const dflt = o.DefaultValue !== undefined ? ` = ${value(o.DefaultValue)}` : '';
      return `$${str(o.Variable)}: ${type(o.Type)}${dflt}${directives(o.Directives)}`;
    })
    .join(', ')})`;
}

function selectionSet(v: RegoValue | undefined): string {
  const sels = list(v);
  if (sels.length === 0) return '';
  return ` { ${sels
    .map((s) => {
      const o = obj(s);
      if (o.TypeCondition !== undefined || (o.Alias === undefined && o.SelectionSet !== undefined)) {
        const on = str(o.TypeCondition) === '' ? '' : ` on ${str(o.TypeCondition)}`;
        return `...${on}${directives(o.Directives)}${selectionSet(o.SelectionSet)}`;
      }
      if (o.Alias === undefined) return `...${str(o.Name)}${directives(o.Directives)}`;
      const alias = str(o.Alias) !== '' && o.Alias !== o.Name ? `${str(o.Alias)}: ` : '';
      return `${alias}${str(o.Name)}${args(o.Arguments)}${directives(o.Directives)}${selectionSet(o.SelectionSet)}`;
    })
    .join(' ')} }`;
}

export function printQueryDocument(doc: RegoValue): string {
  const d = obj(doc);
  const parts: string[] = [];
  for (const op of list(d.Operations)) {
    const o = obj(op);
    const name = str(o.Name);
    parts.push(`${str(o.Operation) || 'query'}${name === '' ? '' : ` ${name}`}${variableDefinitions(o.VariableDefinitions)}${directives(o.Directives)}${selectionSet(o.SelectionSet)}`);
  }
  for (const fr of list(d.Fragments)) {
    const o = obj(fr);
    parts.push(`fragment ${str(o.Name)}${variableDefinitions(o.VariableDefinition)} on ${str(o.TypeCondition)}${directives(o.Directives)}${selectionSet(o.SelectionSet)}`);
  }
  return parts.join('\n');
}

function description(v: RegoValue | undefined): string {
  const s = str(v);
  return s === '' ? '' : `${quote(s)}\n`;
}

function inputValues(v: RegoValue | undefined, wrap: [string, string]): string {
  const a = list(v);
  if (a.length === 0) return '';
  return `${wrap[0]}${a
    .map((x) => {
      const o = obj(x);
      const dflt = o.DefaultValue !== undefined ? ` = ${value(o.DefaultValue)}` : '';
      return `${description(o.Description)}${str(o.Name)}: ${type(o.Type)}${dflt}${directives(o.Directives)}`;
    })
    .join('\n')}${wrap[1]}`;
}

function definition(v: RegoValue, extension: boolean): string {
  const o = obj(v);
  const kind = str(o.Kind);
  const head = `${extension ? 'extend ' : description(o.Description)}`;
  const name = str(o.Name);
  const dirs = directives(o.Directives);
  switch (kind) {
    case 'SCALAR':
      return `${head}scalar ${name}${dirs}`;
    case 'UNION': {
      const types = list(o.Types).map(str);
      return `${head}union ${name}${dirs}${types.length > 0 ? ` = ${types.join(' | ')}` : ''}`;
    }
    case 'ENUM': {
      const values = list(o.EnumValues).map((e) => `${description(obj(e).Description)}${str(obj(e).Name)}${directives(obj(e).Directives)}`);
      return `${head}enum ${name}${dirs}${values.length > 0 ? ` {\n${values.join('\n')}\n}` : ''}`;
    }
    case 'INPUT_OBJECT':
      return `${head}input ${name}${dirs}${inputValues(o.Fields, [' {\n', '\n}'])}`;
    default: {
      const keyword = kind === 'INTERFACE' ? 'interface' : 'type';
      const ifaces = list(o.Interfaces).map(str);
      const impl = ifaces.length > 0 ? ` implements ${ifaces.join(' & ')}` : '';
      const fields = list(o.Fields).map((f) => {
        const fo = obj(f);
        return `${description(fo.Description)}${str(fo.Name)}${inputValues(fo.Arguments, ['(', ')'])}: ${type(fo.Type)}${directives(fo.Directives)}`;
      });
      return `${head}${keyword} ${name}${impl}${dirs}${fields.length > 0 ? ` {\n${fields.join('\n')}\n}` : ''}`;
    }
  }
}

export function printSchemaDocument(doc: RegoValue): string {
  const d = obj(doc);
  const parts: string[] = [];
  for (const [key, prefix] of [['Schema', ''], ['SchemaExtension', 'extend ']] as const) {
    for (const s of list(d[key])) {
      const o = obj(s);
      const ops = list(o.OperationTypes).map((t) => `${str(obj(t).Operation)}: ${str(obj(t).Type)}`);
      parts.push(`${prefix}schema${directives(o.Directives)}${ops.length > 0 ? ` {\n${ops.join('\n')}\n}` : ''}`);
    }
  }
  for (const dir of list(d.Directives)) {
    const o = obj(dir);
    const rep = o.IsRepeatable === true ? ' repeatable' : '';
    parts.push(`${description(o.Description)}directive @${str(o.Name)}${inputValues(o.Arguments, ['(', ')'])}${rep} on ${list(o.Locations).map(str).join(' | ')}`);
  }
  for (const def of list(d.Definitions)) parts.push(definition(def, false));
  for (const ext of list(d.Extensions)) parts.push(definition(ext, true));
  return parts.join('\n');
}
