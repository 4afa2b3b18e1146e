import { parse, parseAllDocuments, Scalar, stringify, type Tags } from 'yaml';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoObjectEntries, RegoSet, type RegoObject, type RegoValue } from '../value.js';
import { jsonKey, setKey, wellFormed } from './json-text.js';
import { sortedSetItems } from '../strings/rego-format.js';
import { builtinError } from '../errors.js';
import { integerResult, stringArg } from '../operands.js';

// yaml.* builtins. OPA goes through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1: yes/no/on/off are
// booleans); reading uses the `yaml` package's 1.1 schema, writing mimics go-yaml's layout
// (block style, unindented sequences, natural key order, quoting of look-alike scalars).

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);

/** go-yaml v2's keyList.Less: letters before digits, digit runs compared as numbers. */
function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** Whether go-yaml would read this plain scalar as something other than a string. */
function looksLikeNonString(s: string): boolean {
  if (s === '' || s.includes('\n')) return false;
  try {
    const v: unknown = parse(s, { version: '1.1' });
    return v === null || v instanceof Date || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint';
  } catch {
    return false;
  }
}

function toYamlNode(v: RegoValue): unknown {
  if (typeof v === 'string') {
    const s = wellFormed(v);
    if (looksLikeNonString(s)) {
      const node = new Scalar(s);
      node.type = Scalar.QUOTE_DOUBLE;
      return node;
    }
    return s;
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toYamlNode);
  if (v instanceof RegoSet) return sortedSetItems(v).map(toYamlNode);
  const entries: Array<[string, RegoValue]> =
    v instanceof RegoObjectEntries ? v.entries.map(([k, x]) => [jsonKey(k), x]) : Object.entries(v);
  entries.sort((x, y) => (keyLess(x[0], y[0]) ? -1 : keyLess(y[0], x[0]) ? 1 : 0));
  return new Map(entries.map(([k, x]) => [toYamlNode(k), toYamlNode(x)]));
}

export const yamlMarshal: HostBuiltin = (x) =>
  stringify(toYamlNode(x ?? null), { indentSeq: false, blockQuote: 'literal', singleQuote: true, lineWidth: 0 });

/** JS values from the yaml package → Rego values (objects with string keys, exact integers). */
function fromYaml(v: unknown): RegoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return integerResult(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw builtinError('yaml.unmarshal', `json: unsupported value: ${v}`);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(v)) return v.map(fromYaml);
  if (v instanceof Map) {
    const out: RegoObject = {};
    for (const [k, x] of v) setKey(out, typeof k === 'string' ? k : String(k), fromYaml(x));
    return out;
  }
  if (v instanceof Set) return [...v].map(fromYaml);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  const out: RegoObject = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) setKey(out, k, fromYaml(x));
  return out;
}

// go-yaml v2 leaves timestamp-like scalars as strings when decoding into interface{}.
const withoutTimestamps = (tags: Tags): Tags =>
  tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp');

/** The first document of a YAML stream, or an error message. */
function readYaml(s: string): { value: unknown } | { error: string } {
  const docs = parseAllDocuments(s, { version: '1.1', intAsBigInt: true, customTags: withoutTimestamps });
  const doc = docs[0];
  if (doc === undefined) return { value: null };
  const err = doc.errors[0];
  if (err !== undefined) return { error: err.message.split('\n')[0]! };
  try {
    return { value: doc.toJS({ mapAsMap: true, maxAliasCount: 10000 }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export const yamlUnmarshal: HostBuiltin = (x) => {
  const result = readYaml(stringArg('yaml.unmarshal', x, 1));
  if ('error' in result) throw builtinError('yaml.unmarshal', `error converting YAML to JSON: yaml: ${result.error}`);
  return fromYaml(result.value);
};

export const yamlIsValid: HostBuiltin = (x) => typeof x === 'string' && !('error' in readYaml(x));
