import { createHash } from 'node:crypto';
import { BundleSignatureError } from './errors.js';
import { goStringText, jsonDigestText } from './json-digest-text.js';
import { isLosslessNumber } from '../engine/exact-json.js';
import { parseYamlExact } from '../engine/exact-yaml.js';

/** The name of a bundle's signature file, which is never part of what it signs. */
export const SIGNATURES_FILE = '/.signatures.json';

/** OPA's names for the digests it can sign with, and Node's names for them. */
const NODE_HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

/** The digest algorithm `opa build` writes, and Warden too. */
export const DEFAULT_DIGEST = 'SHA-256';

/** A file as `/.signatures.json` names it: no leading slash (`.manifest`, `authz/policy.rego`). */
export function signedName(path: string): string {
  return path.replace(/^\/+/, '');
}

/** Data files and the manifest are signed as the JSON they mean, not as the bytes they were written in. */
function isStructured(name: string): boolean {
  const base = name.split('/').pop();
  return base === 'data.json' || base === 'data.yaml' || base === 'data.yml' || base === '.manifest';
}

/** The text OPA hashes for a parsed value (YAML data): compact JSON, keys sorted by UTF-8 bytes, integers with all their digits. */
export function structuredDigestText(value: unknown): string {
  if (isLosslessNumber(value)) return value.toString();
  if (Array.isArray(value)) return `[${value.map(structuredDigestText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    return `{${keys.map((k) => `${goStringText(k)}:${structuredDigestText(obj[k])}`).join(',')}}`;
  }
  return typeof value === 'string' ? goStringText(value) : (JSON.stringify(value) ?? 'null');
}

function structuredText(name: string, content: Uint8Array): string {
  const text = Buffer.from(content).toString('utf8');
  try {
    if (name.endsWith('.yaml') || name.endsWith('.yml')) return structuredDigestText(parseYamlExact(text));
    JSON.parse(text); // the scanner below trusts that the text is JSON
    return jsonDigestText(text);
  } catch (e) {
    throw new BundleSignatureError(`${name}: cannot be parsed to check its digest: ${(e as Error).message}`, name);
  }
}

/**
 * The hex digest of one bundle file as OPA computes it for `/.signatures.json`: structured files
 * (data files, `.manifest`) over their canonical JSON, every other file over its bytes.
 *
 * @example
 * fileDigest('data.json', Buffer.from('{"b":1, "a":2}')) // sha256 of '{"a":2,"b":1}'
 * @throws BundleSignatureError for an algorithm OPA does not know, or a structured file that does not parse
 */
export function fileDigest(name: string, content: Uint8Array, algorithm = DEFAULT_DIGEST): string {
  const nodeHash = NODE_HASHES[algorithm];
  if (!nodeHash) throw new BundleSignatureError(`${name}: unknown digest algorithm ${JSON.stringify(algorithm)} (one of ${Object.keys(NODE_HASHES).join(', ')})`, name);
  const hash = createHash(nodeHash);
  hash.update(isStructured(name) ? structuredText(name, content) : content);
  return hash.digest('hex');
}
