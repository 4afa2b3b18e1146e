import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BundleSignatureError } from './errors.js';

/** The JWS algorithms a bundle can be signed with, as OPA lists them. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'] as const;

/** One of {@link SIGNING_ALGORITHMS}. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** OPA's default (`opa build --signing-alg`). */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

function readKeyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new BundleSignatureError(`cannot read key file ${file}: ${(e as Error).message}`);
  }
}

const isPem = (text: Buffer) => text.includes('-----BEGIN ');

/**
 * The key a bundle is signed with: a PEM private key for RS/PS/ES algorithms, or for HS algorithms
 * the file's bytes as the shared secret (as OPA takes them).
 *
 * @throws BundleSignatureError when the file cannot be read or does not hold a key for `alg`
 */
export function readSigningKey(file: string, alg: SigningAlgorithm): KeyObject {
  const bytes = readKeyFile(file);
  if (alg.startsWith('HS')) return createSecretKey(bytes);
  try {
    return createPrivateKey(bytes);
  } catch (e) {
    throw new BundleSignatureError(`signing key ${file} is not a PEM private key (needed for ${alg}): ${(e as Error).message}`);
  }
}

/**
 * The key bundles are verified with: a PEM public key, certificate or private key (its public half),
 * or else the file's bytes as an HS shared secret. The key's type decides which algorithms it
 * accepts, so a bundle cannot choose an algorithm its key was not made for.
 *
 * @throws BundleSignatureError when the file cannot be read, or looks like PEM but holds no key
 */
export function readVerificationKey(file: string): { key: KeyObject; algorithms: SigningAlgorithm[] } {
  const bytes = readKeyFile(file);
  if (!isPem(bytes)) return { key: createSecretKey(bytes), algorithms: ['HS256', 'HS384', 'HS512'] };
  let key: KeyObject;
  try {
    key = createPublicKey(bytes);
  } catch (e) {
    throw new BundleSignatureError(`verification key ${file} holds no public key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType === 'rsa') return { key, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] };
  if (key.asymmetricKeyType === 'rsa-pss') return { key, algorithms: ['PS256', 'PS384', 'PS512'] };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const alg = curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
    if (alg) return { key, algorithms: [alg] };
  }
  throw new BundleSignatureError(`verification key ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key; bundles are signed with RSA, EC (P-256/384/521) keys or an HS secret`);
}
