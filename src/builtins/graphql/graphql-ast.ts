import type {
  ArgumentNode,
  ConstDirectiveNode,
  DefinitionNode,
  DirectiveNode,
  DocumentNode,
  FieldDefinitionNode,
  InputValueDefinitionNode,
  SelectionNode,
  TypeNode,
  ValueNode,
  VariableDefinitionNode,
} from 'graphql';
import { RegoSet, isRegoObject, type RegoObject, type RegoValue } from '../value.js';

// graphql-js ASTs converted to the shape of gqlparser's AST (which OPA returns), pruned as OPA
// prunes it: no Position, no nulls, no empty arrays or objects.

const VALUE_KINDS: Record<string, number> = {
  Variable: 0,
  IntValue: 1,
  FloatValue: 2,
  StringValue: 3,
  BooleanValue: 5,
  NullValue: 6,
  EnumValue: 7,
  ListValue: 8,
  ObjectValue: 9,
};

function value(v: ValueNode): RegoObject {
  const out: RegoObject = { Raw: '', Children: [], Kind: VALUE_KINDS[v.kind] ?? 0, ExpectedTypeHasDefault: false };
  switch (v.kind) {
    case 'Variable':
      out.Raw = v.name.value;
      break;
    case 'IntValue':
    case 'FloatValue':
    case 'EnumValue':
      out.Raw = v.value;
      break;
    case 'StringValue':
      out.Raw = v.value;
      out.Kind = v.block === true ? 4 : 3;
      break;
    case 'BooleanValue':
      out.Raw = v.value ? 'true' : 'false';
      break;
    case 'NullValue':
      out.Raw = 'null';
      break;
    case 'ListValue':
      out.Children = v.values.map((e) => ({ Name: '', Value: value(e) }));
      break;
    case 'ObjectValue':
      out.Children = v.fields.map((f) => ({ Name: f.name.value, Value: value(f.value) }));
      break;
  }
  return out;
}

function type(t: TypeNode): RegoObject {
  if (t.kind === 'NonNullType') return { ...type(t.type), NonNull: true };
  if (t.kind === 'ListType') return { NamedType: '', Elem: type(t.type), NonNull: false };
  return { NamedType: t.name.value, NonNull: false };
}

function args(list: readonly ArgumentNode[] | undefined): RegoValue[] {
  return (list ?? []).map((a) => ({ Name: a.name.value, Value: value(a.value) }));
}

function directives(list: readonly (DirectiveNode | ConstDirectiveNode)[] | undefined): RegoValue[] {
  return (list ?? []).map((d) => ({ Name: d.name.value, Arguments: args(d.arguments), Location: '' }));
}

function variableDefinitions(list: readonly VariableDefinitionNode[] | undefined): RegoValue[] {
  return (list ?? []).map((v) => ({
    Variable: v.variable.name.value,
    Type: type(v.type),
    DefaultValue: v.defaultValue === undefined ? null : value(v.defaultValue),
    Directives: directives(v.directives),
    Used: false,
  }));
}

function selections(list: readonly SelectionNode[] | undefined): RegoValue[] {
  return (list ?? []).map((s): RegoValue => {
    if (s.kind === 'Field') {
      return {
        Alias: s.alias?.value ?? s.name.value,
        Name: s.name.value,
        Arguments: args(s.arguments),
        Directives: directives(s.directives),
        SelectionSet: selections(s.selectionSet?.selections),
      };
    }
    if (s.kind === 'FragmentSpread') return { Name: s.name.value, Directives: directives(s.directives) };
    return {
      TypeCondition: s.typeCondition?.name.value ?? '',
      Directives: directives(s.directives),
      SelectionSet: selections(s.selectionSet.selections),
    };
  });
}

/** A query document as gqlparser's QueryDocument (before pruning). */
export function queryDocument(doc: DocumentNode): RegoObject {
  const operations: RegoValue[] = [];
  const fragments: RegoValue[] = [];
  for (const d of doc.definitions) {
    if (d.kind === 'OperationDefinition') {
      operations.push({
        Operation: d.operation,
        Name: d.name?.value ?? '',
        VariableDefinitions: variableDefinitions(d.variableDefinitions),
        Directives: directives(d.directives),
        SelectionSet: selections(d.selectionSet.selections),
      });
    } else if (d.kind === 'FragmentDefinition') {
      fragments.push({
        Name: d.name.value,
        VariableDefinition: variableDefinitions(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value,
        Directives: directives(d.directives),
        SelectionSet: selections(d.selectionSet.selections),
      });
    }
  }
  return { Operations: operations, Fragments: fragments };
}

function inputValue(a: InputValueDefinitionNode): RegoObject {
  return {
    Description: a.description?.value ?? '',
    Name: a.name.value,
    DefaultValue: a.defaultValue === undefined ? null : value(a.defaultValue),
    Type: type(a.type),
    Directives: directives(a.directives),
  };
}

function fieldDefinition(f: FieldDefinitionNode): RegoObject {
  return {
    Description: f.description?.value ?? '',
    Name: f.name.value,
    Arguments: (f.arguments ?? []).map(inputValue),
    Type: type(f.type),
    Directives: directives(f.directives),
  };
}

const DEFINITION_KINDS: Record<string, string> = {
  ObjectTypeDefinition: 'OBJECT',
  ObjectTypeExtension: 'OBJECT',
  InterfaceTypeDefinition: 'INTERFACE',
  InterfaceTypeExtension: 'INTERFACE',
  UnionTypeDefinition: 'UNION',
  UnionTypeExtension: 'UNION',
  EnumTypeDefinition: 'ENUM',
  EnumTypeExtension: 'ENUM',
  InputObjectTypeDefinition: 'INPUT_OBJECT',
  InputObjectTypeExtension: 'INPUT_OBJECT',
  ScalarTypeDefinition: 'SCALAR',
  ScalarTypeExtension: 'SCALAR',
};

function typeDefinition(d: DefinitionNode): RegoObject {
  const n = d as unknown as Record<string, unknown> & { name: { value: string } };
  const out: RegoObject = {
    Kind: DEFINITION_KINDS[d.kind]!,
    Description: (n.description as { value: string } | undefined)?.value ?? '',
    Name: n.name.value,
    Directives: directives(n.directives as readonly ConstDirectiveNode[] | undefined),
    Interfaces: ((n.interfaces as readonly { name: { value: string } }[] | undefined) ?? []).map((i) => i.name.value),
    Fields: [],
    Types: ((n.types as readonly { name: { value: string } }[] | undefined) ?? []).map((t) => t.name.value),
    EnumValues: ((n.values as readonly { name: { value: string }; description?: { value: string }; directives?: readonly ConstDirectiveNode[] }[] | undefined) ?? []).map(
      (v) => ({ Description: v.description?.value ?? '', Name: v.name.value, Directives: directives(v.directives) }),
    ),
    BuiltIn: false,
  };
  const fields = n.fields as readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined;
  out.Fields = (fields ?? []).map((f) => (f.kind === 'InputValueDefinition' ? inputValue(f) : fieldDefinition(f)));
  return out;
}

/** A schema document as gqlparser's SchemaDocument (before pruning). */
export function schemaDocument(doc: DocumentNode): RegoObject {
  const out: Record<string, RegoValue[]> = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
  for (const d of doc.definitions) {
    switch (d.kind) {
      case 'SchemaDefinition':
      case 'SchemaExtension':
        out[d.kind === 'SchemaDefinition' ? 'Schema' : 'SchemaExtension']!.push({
          Description: d.kind === 'SchemaDefinition' ? (d.description?.value ?? '') : '',
          Directives: directives(d.directives),
          OperationTypes: (d.operationTypes ?? []).map((o) => ({ Operation: o.operation, Type: o.type.name.value })),
        });
        break;
      case 'DirectiveDefinition':
        out.Directives!.push({
          Description: d.description?.value ?? '',
          Name: d.name.value,
          Arguments: d.arguments?.map(inputValue) ?? [],
          Locations: d.locations.map((l) => l.value),
          IsRepeatable: d.repeatable,
        });
        break;
      default:
        if (DEFINITION_KINDS[d.kind] === undefined) break;
        (d.kind.endsWith('Extension') ? out.Extensions! : out.Definitions!).push(typeDefinition(d));
    }
  }
  return out;
}

/** OPA's pruneIrrelevantGraphQLASTNodes. */
export function prune(v: RegoValue): RegoValue {
  if (Array.isArray(v)) {
    const out: RegoValue[] = [];
    for (const e of v) {
      if (e === null) continue;
      const p = prune(e);
      if ((Array.isArray(p) && p.length === 0) || (isRegoObject(p) && Object.keys(p).length === 0)) continue;
      out.push(p);
    }
    return out;
  }
  if (v instanceof RegoSet || !isRegoObject(v)) return v;
  const out: RegoObject = {};
  for (const [k, e] of Object.entries(v)) {
    if (k === 'Position' || e === null) continue;
    const p = prune(e);
    if ((Array.isArray(p) && p.length === 0) || (isRegoObject(p) && Object.keys(p).length === 0)) continue;
    out[k] = p;
  }
  return out;
}
