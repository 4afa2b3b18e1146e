import { compactVerify, decodeProtectedHeader } from 'jose';
import { fileDigest, SIGNATURES_FILE, signedName } from './bundle-digests.js';
import { readVerificationKey } from './bundle-keys.js';
import { BundleSignatureError } from './errors.js';

/** How served bundles are verified (`--verification-key`, config `bundleVerification`). */
export interface BundleVerificationOptions {
  /** PEM public key (or certificate), or a file holding an HS shared secret. */
  keyFile: string;
  /** When set, a signature whose `kid` (or payload `keyid`) names another key is refused. */
  keyId?: string;
  /** Must equal the payload's `scope` claim (both absent also matches), as OPA checks it. */
  scope?: string;
}

interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

function onlyToken(text: Uint8Array): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text).toString('utf8'));
  } catch (e) {
    throw new BundleSignatureError(`${SIGNATURES_FILE} is not JSON: ${(e as Error).message}`, SIGNATURES_FILE);
  }
  const signatures = (parsed as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(signatures) || signatures.length !== 1 || typeof signatures[0] !== 'string') {
    throw new BundleSignatureError(`${SIGNATURES_FILE} must hold {"signatures": [one JWS]}`, SIGNATURES_FILE);
  }
  return signatures[0];
}

function signedFiles(payload: unknown): SignedFile[] {
  const files = (payload as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new BundleSignatureError(`${SIGNATURES_FILE}: the signed payload has no "files" list`, SIGNATURES_FILE);
  return files.map((f: unknown, i) => {
    const { name, hash, algorithm } = (f ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof hash !== 'string' || typeof algorithm !== 'string' || algorithm === '') {
      throw new BundleSignatureError(`${SIGNATURES_FILE}: files[${i}] needs string "name", "hash" and "algorithm"`, SIGNATURES_FILE);
    }
    return { name, hash: hash.toLowerCase(), algorithm };
  });
}

async function verifiedPayload(token: string, options: BundleVerificationOptions): Promise<Record<string, unknown>> {
  const { key, algorithms } = readVerificationKey(options.keyFile);
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch (e) {
    throw new BundleSignatureError(`${SIGNATURES_FILE}: the signature is not a JWS: ${(e as Error).message}`, SIGNATURES_FILE);
  }
  if (typeof header.alg !== 'string' || !(algorithms as string[]).includes(header.alg)) {
    throw new BundleSignatureError(`${SIGNATURES_FILE}: signed with ${String(header.alg)}, which verification key ${options.keyFile} cannot verify (it takes ${algorithms.join(', ')})`, SIGNATURES_FILE);
  }
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, key, { algorithms });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch (e) {
    throw new BundleSignatureError(`${SIGNATURES_FILE}: the signature does not verify with key ${options.keyFile} (signed by another key, or altered): ${(e as Error).message}`, SIGNATURES_FILE);
  }
  const signer = header.kid ?? payload.keyid;
  if (options.keyId !== undefined && signer !== undefined && signer !== options.keyId) {
    throw new BundleSignatureError(`${SIGNATURES_FILE}: signed with key id ${JSON.stringify(signer)}, expected ${JSON.stringify(options.keyId)}`, SIGNATURES_FILE);
  }
  if ((payload.scope ?? '') !== (options.scope ?? '')) {
    throw new BundleSignatureError(`${SIGNATURES_FILE}: signature scope ${JSON.stringify(payload.scope ?? '')} is not the configured ${JSON.stringify(options.scope ?? '')}`, SIGNATURES_FILE);
  }
  return payload;
}

/**
 * Checks a bundle's files against its `/.signatures.json` as OPA does: exactly one JWS, verified
 * with the configured key and scope, whose `files` list every file of the bundle (but the signature
 * file) with its digest, and no file the bundle lacks. Unsigned bundles are refused.
 *
 * @example
 * await verifyBundleFiles(files, { keyFile: 'public.pem' });
 * @throws BundleSignatureError saying why, with `file` naming the file at fault
 */
export async function verifyBundleFiles(files: ReadonlyMap<string, Uint8Array>, options: BundleVerificationOptions): Promise<void> {
  const signature = files.get(SIGNATURES_FILE);
  if (!signature) throw new BundleSignatureError(`bundle is not signed (it has no ${SIGNATURES_FILE}) and bundle verification is configured`);
  const payload = await verifiedPayload(onlyToken(signature), options);
  const expected = new Map(signedFiles(payload).map((f) => [f.name, f]));
  for (const [path, content] of files) {
    if (path === SIGNATURES_FILE) continue;
    const name = signedName(path);
    const want = expected.get(name);
    if (!want) throw new BundleSignatureError(`${name}: file is not in the bundle's signature`, name);
    const got = fileDigest(name, content, want.algorithm);
    if (got !== want.hash) throw new BundleSignatureError(`${name}: digest does not match the signature (signed ${want.hash}, file has ${got})`, name);
    expected.delete(name);
  }
  if (expected.size > 0) {
    const missing = [...expected.keys()];
    throw new BundleSignatureError(`${missing[0]}: signed but missing from the bundle${missing.length > 1 ? ` (with ${missing.slice(1).join(', ')})` : ''}`, missing[0]);
  }
}
