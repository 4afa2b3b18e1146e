import { CompactSign } from 'jose';
import { DEFAULT_DIGEST, fileDigest, SIGNATURES_FILE, signedName } from './bundle-digests.js';
import { DEFAULT_SIGNING_ALGORITHM, readSigningKey, type SigningAlgorithm } from './bundle-keys.js';
import { BundleSignatureError } from './errors.js';

/** How `warden build` signs a bundle (`--signing-key`, `--signing-alg`, `--claims-file`). */
export interface BundleSigningOptions {
  /** PEM private key file, or for HS algorithms a file holding the shared secret. */
  keyFile: string;
  /** JWS algorithm (default RS256, as OPA). */
  algorithm?: SigningAlgorithm;
  /** Put in the JWS header as `kid`, so a verifier holding several keys can pick one. */
  keyId?: string;
  /** Extra claims for the payload (`--claims-file`, such as `scope`); `files` cannot be among them. */
  claims?: Record<string, unknown>;
}

/**
 * The text of `/.signatures.json` for a bundle's files, in OPA's format: `{"signatures": [JWS]}`,
 * the JWS payload holding `files` (each `{name, hash, algorithm}`, the signature file itself left out).
 *
 * @example
 * const text = await signatureFile(new Map([['/data.json', bytes]]), { keyFile: 'key.pem' });
 * @throws BundleSignatureError when the key cannot be read or does not suit the algorithm
 */
export async function signatureFile(files: ReadonlyMap<string, Uint8Array>, options: BundleSigningOptions): Promise<string> {
  const alg = options.algorithm ?? DEFAULT_SIGNING_ALGORITHM;
  if (options.claims && 'files' in options.claims) throw new BundleSignatureError('signing claims cannot set "files": that claim is the list of signed files');
  const signed = [...files]
    .filter(([path]) => path !== SIGNATURES_FILE)
    .map(([path, content]) => ({ name: signedName(path), hash: fileDigest(signedName(path), content), algorithm: DEFAULT_DIGEST }));
  const payload = { ...options.claims, files: signed };
  const key = readSigningKey(options.keyFile, alg);
  let token: string;
  try {
    token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg, ...(options.keyId ? { kid: options.keyId } : {}) })
      .sign(key);
  } catch (e) {
    throw new BundleSignatureError(`cannot sign with key ${options.keyFile} as ${alg}: ${(e as Error).message}`);
  }
  return JSON.stringify({ signatures: [token] });
}
