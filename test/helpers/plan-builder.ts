/** Small builders for hand-written OPA plans in tests. */
export type Json = Record<string, unknown>;

export const local = (value: number) => ({ type: 'local', value });
export const str = (value: number) => ({ type: 'string_index', value });
export const bool = (value: boolean) => ({ type: 'bool', value });

export function stmt(type: string, fields: Json): Json {
  return { type, stmt: { ...fields, file: 0, row: 1, col: 1 } };
}

/** A plan `name` whose single block runs `stmts` and then adds `{"x": local(resultLocal)}` to the result set. */
export function planReturning(strings: string[], stmts: Json[], resultLocal: number, extra: Json = {}): Json {
  const all = [...strings, 'x'];
  const xIndex = all.length - 1;
  return {
    static: { strings: all.map((value) => ({ value })), files: [{ value: 'test.rego' }], ...(extra.static as Json) },
    plans: {
      plans: [
        {
          name: 'test/p',
          blocks: [
            {
              stmts: [
                ...stmts,
                stmt('MakeObjectStmt', { target: 99 }),
                stmt('ObjectInsertStmt', { key: str(xIndex), value: local(resultLocal), object: 99 }),
                stmt('ResultSetAddStmt', { value: 99 }),
              ],
            },
          ],
        },
      ],
    },
    funcs: extra.funcs ?? { funcs: [] },
  };
}
