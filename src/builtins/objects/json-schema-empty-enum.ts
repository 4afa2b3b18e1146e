// gojsonschema accepts `"enum": []` and rejects every value with it ("must be one of the
// following: (none)"); ajv refuses the schema. The keyword is rewritten into an extra `allOf`
// branch `{"not": {}}`, which fails everything, and its schema paths are remembered so the
// failure can be reported as gojsonschema's enum error.

const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** The schema with every empty enum rewritten, and the ajv schema paths of the rewrites. */
export function rewriteEmptyEnums(schema: unknown): { schema: unknown; emptyEnumPaths: Set<string> } {
  const emptyEnumPaths = new Set<string>();
  const walk = (node: unknown, pointer: string): unknown => {
    if (Array.isArray(node)) return node.map((x, i) => walk(x, `${pointer}/${i}`));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = DATA_KEYWORDS.has(k) ? v : walk(v, `${pointer}/${escape(k)}`);
    if (Array.isArray(out.enum) && out.enum.length === 0) {
      delete out.enum;
      const allOf = Array.isArray(out.allOf) ? out.allOf : [];
      emptyEnumPaths.add(`#${pointer}/allOf/${allOf.length}/not`);
      out.allOf = [...allOf, { not: {} }];
    }
    return out;
  };
  return { schema: walk(schema, ''), emptyEnumPaths };
}
