/** Where a JSON text first goes wrong, and what was expected there. */
export interface JsonSyntaxError {
  offset: number;
  problem: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Finds the first syntax error of a JSON text (undefined when there is none). V8's own messages
 * give a byte offset for some errors and none for others; people need line:col for all of them.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const fail = (problem: string): never => {
    throw { offset: at, problem: at >= text.length ? `unexpected end of input: ${problem}` : `${problem}, found ${JSON.stringify(text[at])}` } satisfies JsonSyntaxError;
  };
  const skip = () => {
    while (at < text.length && WS.has(text[at]!)) at++;
  };
  const match = (re: RegExp): boolean => {
    re.lastIndex = at;
    if (!re.test(text)) return false;
    at = re.lastIndex;
    return true;
  };
  const value = (): void => {
    skip();
    const c = text[at];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return void (match(STRING) || fail('malformed string'));
    if (match(NUMBER)) return;
    const literal = LITERALS.find((l) => text.startsWith(l, at));
    if (literal) return void (at += literal.length);
    fail('expected a value');
  };
  const container = (close: string, isObject: boolean): void => {
    at++;
    skip();
    if (text[at] === close) return void at++;
    for (;;) {
      if (isObject) {
        skip();
        if (text[at] !== '"' || !match(STRING)) fail('expected a double-quoted property name');
        skip();
        if (text[at] !== ':') fail("expected ':' after a property name");
        at++;
      }
      value();
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === close) return void at++;
      fail(`expected ',' or '${close}'`);
    }
  };
  try {
    value();
    skip();
    if (at < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as JsonSyntaxError;
    throw e;
  }
}

/** 1-based line and column of `offset` in `text`. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}
