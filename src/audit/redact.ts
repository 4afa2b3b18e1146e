/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/** Key names whose values are secrets wherever they appear (headers, claims, context, attributes). */
const SECRET_KEY =
  /password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|^key$|[-_.]key$|^authorization$|^proxy-authorization$|cookie|credential|^x-api-key$/i;

/** A JWT (or any JWS compact serialisation) inside a longer string. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/**
 * Anything in JSON text that could be, or be part of, a secret-looking key (see SECRET_KEY: the
 * anchored names end just before a key's closing quote), a JWT, or a `\u` escape spelling either.
 */
const MAY_HOLD_SECRET = /password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|key"|authorization|cookie|credential|eyJ|\\u/i;

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

function scrubString(s: string): string {
  return s.includes('eyJ') ? s.replace(JWT_SHAPED, REDACTED) : s;
}

/** True for key names that hold secrets by convention (`authorization`, `cookie`, `*token*`, `password`, `*_key`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * False when JSON text, as `JSON.stringify` writes it, certainly holds nothing a redactor without
 * configured paths would change (no secret-looking key, no JWT, nesting shallower than `maxDepth`),
 * so the text can be written as it is without being parsed and copied. True means "maybe".
 */
export function mayNeedRedaction(jsonText: string, maxDepth = DEFAULT_MAX_DEPTH): boolean {
  if (MAY_HOLD_SECRET.test(jsonText)) return true;
  // Each level of nesting opens with a brace or bracket (some may sit inside strings: that only errs towards "maybe").
  let opened = 0;
  for (const open of ['{', '[']) {
    for (let at = jsonText.indexOf(open); at !== -1; at = jsonText.indexOf(open, at + 1)) if (++opened >= maxDepth) return true;
  }
  return false;
}

/**
 * Builds a redactor that copies a value, replacing: values under secret-looking keys; JWT-shaped
 * substrings anywhere (values and keys); and the configured extra paths. The input is not modified.
 *
 * @example
 * const redact = createRedactor({ paths: ['context.customer.email'] });
 * redact({ http: { headers: { authorization: 'Bearer x' } } }); // → { http: { headers: { authorization: '[REDACTED]' } } }
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const trie = buildTrie(options.paths ?? []);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // The same few key names recur in every record: their verdicts are remembered (boundedly).
  const secretByKey = new Map<string, boolean>();
  const secret = (key: string): boolean => {
    let verdict = secretByKey.get(key);
    if (verdict === undefined) {
      verdict = isSecretKey(key);
      if (secretByKey.size < 4096) secretByKey.set(key, verdict);
    }
    return verdict;
  };
  const leaf = (key: string, v: unknown): boolean => v !== null && v !== undefined && secret(key);
  /** A scalar's or a too-deep value's redacted form; {@link WALK} for an object or array to go into. */
  const settled = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrubString(value);
    if (value === null || typeof value !== 'object') return value;
    return depth >= maxDepth ? '[TRUNCATED]' : WALK;
  };

  /** Below every configured path: only secret keys and JWTs are looked for. */
  const visitPlain = (value: unknown, depth: number): unknown => {
    const done = settled(value, depth);
    if (done !== WALK) return done;
    if (Array.isArray(value)) return value.map((v) => visitPlain(v, depth + 1));
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" stays a key
    const object = value as Record<string, unknown>;
    for (const k in object) {
      if (!Object.hasOwn(object, k)) continue;
      const v = object[k];
      out[scrubString(k)] = leaf(k, v) ? REDACTED : visitPlain(v, depth + 1);
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
      const key = scrubString(k);
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
