import { isSecretKey, SECRET_NAME_SCREEN } from './secret-names.js';
import { hasMixedTokenRun, REDACTED, scrubSecretValue, SECRET_VALUE_SCREEN } from './secret-values.js';

export { isSecretKey, REDACTED };

/**
 * Anything in JSON text that could be, or be part of, a secret name or a secret-shaped string (the
 * patterns of secret-names.ts and secret-values.ts), or an escape (`\n`, `\u…`) that could spell
 * one or hide a word boundary from them. Three small alternations run faster than one large one.
 */
const SCREENS = [
  new RegExp(SECRET_NAME_SCREEN.anyCase, 'i'),
  new RegExp(SECRET_NAME_SCREEN.cased),
  new RegExp(`${SECRET_VALUE_SCREEN}|\\\\[bfnrtu]`, 'i'),
];

/** How deep a redactor copies unless told otherwise. */
const DEFAULT_MAX_DEPTH = 32;

/** What {@link createRedactor}'s walk returns for a value it has to go into. */
const WALK = Symbol('walk');

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /**
   * Extra dotted paths to redact, from the root of the logged record; `*` matches any one key:
   * `context.customer.email`, `resource.attributes.*`, `http.headers.x-user-email`.
   */
  paths?: string[];
  /** Deepest level copied; anything deeper is replaced (default 32). */
  maxDepth?: number;
}

/** Returns a redacted deep copy of a record. */
export type Redactor = (value: unknown) => unknown;

interface PathNode {
  end: boolean;
  children: Map<string, PathNode>;
}

function buildTrie(paths: string[]): PathNode {
  const root: PathNode = { end: false, children: new Map() };
  for (const p of paths) {
    let node = root;
    for (const seg of p.split('.')) {
      if (seg === '') continue;
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { end: false, children: new Map() }));
      node = next;
    }
    node.end = true;
  }
  return root;
}

/**
 * False when JSON text, as `JSON.stringify` writes it, certainly holds nothing a redactor without
 * configured paths would change (no secret-looking name, no secret-shaped string, nesting
 * shallower than `maxDepth`), so the text can be written as it is without being parsed and
 * copied. True means "maybe".
 */
export function mayNeedRedaction(jsonText: string, maxDepth = DEFAULT_MAX_DEPTH): boolean {
  if (SCREENS.some((screen) => screen.test(jsonText)) || hasMixedTokenRun(jsonText)) return true;
  // Each level of nesting opens with a brace or bracket (some may sit inside strings: that only errs towards "maybe").
  let opened = 0;
  for (const open of ['{', '[']) {
    for (let at = jsonText.indexOf(open); at !== -1; at = jsonText.indexOf(open, at + 1)) if (++opened >= maxDepth) return true;
  }
  return false;
}

/**
 * Builds a redactor that copies a value, replacing: values under secret-looking keys (see
 * `isSecretKey`); secret-shaped strings and parts of strings anywhere, values and keys (see
 * `scrubSecretValue`: credentials, JWTs, private keys, SigV4, secret query parameters, random
 * tokens); and the configured extra paths. The input is not modified.
 *
 * @example
 * const redact = createRedactor({ paths: ['context.customer.email'] });
 * redact({ http: { headers: { authorization: 'Bearer x' } } }); // → { http: { headers: { authorization: '[REDACTED]' } } }
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const trie = buildTrie(options.paths ?? []);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // The same few key names recur in every record: their verdicts and redacted forms are remembered (boundedly).
  const keys = new Map<string, { secret: boolean; name: string }>();
  const keyOf = (key: string): { secret: boolean; name: string } => {
    let known = keys.get(key);
    if (known === undefined) {
      known = { secret: isSecretKey(key), name: scrubSecretValue(key) };
      if (keys.size < 4096) keys.set(key, known);
    }
    return known;
  };
  const leaf = (key: string, v: unknown): boolean => v !== null && v !== undefined && keyOf(key).secret;
  /** A scalar's or a too-deep value's redacted form; {@link WALK} for an object or array to go into. */
  const settled = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrubSecretValue(value);
    if (value === null || typeof value !== 'object') return value;
    return depth >= maxDepth ? '[TRUNCATED]' : WALK;
  };

  /** Below every configured path: only secret keys and secret-shaped strings are looked for. */
  const visitPlain = (value: unknown, depth: number): unknown => {
    const done = settled(value, depth);
    if (done !== WALK) return done;
    if (Array.isArray(value)) return value.map((v) => visitPlain(v, depth + 1));
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" stays a key
    const object = value as Record<string, unknown>;
    for (const k in object) {
      if (!Object.hasOwn(object, k)) continue;
      const v = object[k];
      out[keyOf(k).name] = leaf(k, v) ? REDACTED : visitPlain(v, depth + 1);
    }
    return out;
  };

  const visit = (value: unknown, nodes: PathNode[], depth: number): unknown => {
    if (nodes.length === 0) return visitPlain(value, depth);
    const done = settled(value, depth);
    if (done !== WALK) return done;
    if (Array.isArray(value)) {
      const next = nodes.flatMap((n) => [n.children.get('*')].filter((c): c is PathNode => c !== undefined));
      return value.map((v) => visit(v, next, depth + 1));
    }
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" stays a key
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = keyOf(k).name;
      const next: PathNode[] = [];
      let hit = false;
      for (const n of nodes) {
        for (const c of [n.children.get(k), n.children.get('*')]) {
          if (!c) continue;
          if (c.end) hit = true;
          next.push(c);
        }
      }
      out[key] = hit || leaf(k, v) ? REDACTED : visit(v, next, depth + 1);
    }
    return out;
  };

  return (value) => visit(value, trie.children.size > 0 ? [trie] : [], 0);
}
