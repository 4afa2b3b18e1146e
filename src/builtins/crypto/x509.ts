import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoObject, type RegoValue } from '../value.js';
import { parseCertificateRequest, parseCertificates, type ParsedCert } from './x509-cert.js';
import { verifyChain, type ChainOptions } from './x509-verify.js';
import { pemDecode, pemDecodeAll } from './pem.js';
import { clockMs } from '../nondeterminism.js';
import { builtinError, GoError, guarded } from '../errors.js';
import { stdBase64Decode } from '../encoding/encoding.js';
import { plainObjectArg, stringArg } from '../operands.js';

function withoutUriStrings(json: RegoObject): RegoObject {
  const out: RegoObject = {};
  for (const [k, v] of Object.entries(json)) if (k !== 'URIStrings') out[k] = v;
  return out;
}

function certsFromPem(text: string): ParsedCert[] {
  const blocks: Buffer[] = [];
  let rest = text;
  for (;;) {
    const r = pemDecode(rest);
    if (r.block === undefined) break;
    if (r.block.type !== 'CERTIFICATE') {
      throw new GoError(`PEM block type is '${r.block.type}', expected CERTIFICATE`);
    }
    blocks.push(r.block.bytes);
    rest = r.rest;
  }
  return parseCertificates(Buffer.concat(blocks));
}

function decodeCerts(s: string): ParsedCert[] {
  if (s.startsWith('-----BEGIN')) return certsFromPem(s);
  const bytes = stdBase64Decode(s);
  if (bytes.subarray(0, 10).toString('latin1') === '-----BEGIN') return certsFromPem(bytes.toString('latin1'));
  return parseCertificates(bytes);
}

/** OPA's getX509CertsFromString: PEM, base64 of PEM, or base64 of DER; fails where Go's parser does. */
function certsFromString(s: string): ParsedCert[] {
  const certs = decodeCerts(s);
  const refused = certs.find((c) => c.facts.parseError !== undefined);
  if (refused !== undefined) throw new GoError(refused.facts.parseError!);
  return certs;
}

export const parseCertificatesBuiltin: HostBuiltin = (x) => {
  const s = stringArg('crypto.x509.parse_certificates', x, 1);
  return guarded('crypto.x509.parse_certificates', () => certsFromString(s).map((c) => c.json));
};

const KEY_USAGE_NAMES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

function parseAndVerify(input: string, opts: ChainOptions): RegoValue {
  let certs: ParsedCert[];
  try {
    certs = certsFromString(input);
  } catch {
    return [false, []];
  }
  const chain = verifyChain(certs, opts);
  return chain === undefined ? [false, []] : [true, chain.map((c) => c.json)];
}

export const parseAndVerifyCertificates: HostBuiltin = (x) => {
  const s = stringArg('crypto.x509.parse_and_verify_certificates', x, 1);
  return parseAndVerify(s, defaultOptions(clockNanos()));
};

/** Now, in nanoseconds; reading it makes the evaluation non-deterministic (never cached). */
function clockNanos(): bigint {
  return BigInt(clockMs()) * 1_000_000n;
}

function defaultOptions(now: bigint): ChainOptions {
  return { dnsName: '', now, keyUsages: [], maxConstraintComparisons: 0 };
}

/** OPA's extractVerifyOpts. The clock is read only when the options name no CurrentTime. */
function verifyOptions(name: string, o: RegoObject): ChainOptions {
  const opts = defaultOptions(-1n);
  let timeGiven = false;
  for (const [k, v] of Object.entries(o)) {
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw builtinError(name, "'DNSName' should be a string");
        opts.dnsName = v.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime':
        if (typeof v !== 'number' && typeof v !== 'bigint') throw builtinError(name, "'CurrentTime' should be a number");
        if (typeof v === 'number' && !Number.isInteger(v)) throw builtinError(name, "'CurrentTime' should be a valid int64 number");
        opts.now = BigInt(v);
        timeGiven = true;
        break;
      case 'MaxConstraintComparisons':
        if (typeof v !== 'number' && typeof v !== 'bigint') throw builtinError(name, "'MaxConstraintComparisons' should be a number");
        if (typeof v === 'number' && !Number.isInteger(v)) throw builtinError(name, "'MaxConstraintComparisons' should be a valid number");
        opts.maxConstraintComparisons = Number(v);
        break;
      case 'KeyUsages': {
        const items = Array.isArray(v) ? v : v instanceof RegoSet ? v.items : undefined;
        if (items === undefined) throw builtinError(name, "'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const item of items) {
          if (typeof item !== 'string') continue;
          const u = KEY_USAGE_NAMES[item];
          if (u === undefined) invalid.push(item);
          else opts.keyUsages.push(u);
        }
        if (invalid.length > 0) throw builtinError(name, `invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw builtinError(name, 'invalid key option');
    }
  }
  if (!timeGiven) opts.now = clockNanos();
  return opts;
}

export const parseAndVerifyCertificatesWithOptions: HostBuiltin = (x, options) => {
  const name = 'crypto.x509.parse_and_verify_certificates_with_options';
  const s = stringArg(name, x, 1);
  const o = plainObjectArg(name, options, 2);
  let certs: ParsedCert[];
  try {
    certs = certsFromString(s);
  } catch {
    return [false, []];
  }
  const opts = verifyOptions(name, o);
  const chain = verifyChain(certs, opts);
  if (chain === undefined) return [false, []];
  // Unlike the variant without options, OPA returns these without the added URIStrings field.
  return [true, chain.map((c) => withoutUriStrings(c.json))];
};

export const parseCertificateRequestBuiltin: HostBuiltin = (x) => {
  const name = 'crypto.x509.parse_certificate_request';
  const s = stringArg(name, x, 1);
  return guarded(name, () => {
    let bytes: Buffer = Buffer.from(s, 'latin1');
    if (!s.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) bytes = stdBase64Decode(s);
    const { block } = pemDecode(bytes.toString('latin1'));
    if (block !== undefined && block.type !== 'CERTIFICATE REQUEST') {
      throw new GoError('invalid PEM-encoded certificate signing request');
    }
    return parseCertificateRequest(block?.bytes ?? bytes);
  });
};

function jwkBigInt(s: unknown): number | bigint {
  if (typeof s !== 'string') return 0;
  const b = Buffer.from(s, 'base64url');
  const v = b.length === 0 ? 0n : BigInt('0x' + b.toString('hex'));
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** A private key as Go's encoding/json writes rsa/ecdsa/ed25519 private keys. */
function privateKeyJson(key: KeyObject): RegoValue {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    return {
      N: jwkBigInt(jwk.n),
      E: jwkBigInt(jwk.e),
      D: jwkBigInt(jwk.d),
      Primes: [jwkBigInt(jwk.p), jwkBigInt(jwk.q)],
      Precomputed: { Dp: jwkBigInt(jwk.dp), Dq: jwkBigInt(jwk.dq), Qinv: jwkBigInt(jwk.qi), CRTValues: [] },
    };
  }
  if (jwk.kty === 'EC') return { Curve: {}, X: jwkBigInt(jwk.x), Y: jwkBigInt(jwk.y), D: jwkBigInt(jwk.d) };
  if (jwk.kty === 'OKP' && typeof jwk.d === 'string' && typeof jwk.x === 'string') {
    return Buffer.concat([Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url')]).toString('base64');
  }
  return null;
}

const KEY_TYPES: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = {
  'RSA PRIVATE KEY': 'pkcs1',
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
};

/** OPA's getPrivateKeysFromPEMData. */
function privateKeysFromPem(data: string): KeyObject[] {
  let text = data;
  try {
    text = stdBase64Decode(data).toString('latin1');
  } catch {
    // not base64: the PEM text itself
  }
  const keys: KeyObject[] = [];
  for (const block of pemDecodeAll(text)) {
    const type = KEY_TYPES[block.type];
    if (type === undefined) continue;
    try {
      keys.push(createPrivateKey({ key: block.bytes, format: 'der', type }));
    } catch (e) {
      throw new GoError(`x509: failed to parse private key: ${(e as Error).message}`);
    }
  }
  return keys;
}

export const parsePrivateKeys: HostBuiltin = (x) => {
  const s = stringArg('crypto.parse_private_keys', x, 1);
  if (s === '') return null;
  return guarded('crypto.parse_private_keys', () => privateKeysFromPem(s).map(privateKeyJson));
};

export const parseRsaPrivateKey: HostBuiltin = (x) => {
  const name = 'crypto.x509.parse_rsa_private_key';
  const s = stringArg(name, x, 1);
  return guarded(name, () => {
    if (s === '') throw new GoError('input PEM data was empty');
    const text = s.startsWith('-----BEGIN') ? s : stdBase64Decode(s).toString('latin1');
    const keys = privateKeysFromPem(text);
    if (keys.length === 0) return null;
    const jwk = keys[0]!.export({ format: 'jwk' });
    const out: RegoObject = {};
    for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') out[k] = v;
    return out;
  });
};

export const parseKeyPair: HostBuiltin = (certArg, keyArg) => {
  const name = 'crypto.x509.parse_keypair';
  const certText = stringArg(name, certArg, 1);
  const keyText = stringArg(name, keyArg, 1);
  return guarded(name, () => {
    const certPem = certText.startsWith('-----BEGIN ') ? certText : stdBase64Decode(certText).toString('latin1');
    const keyPem = keyText.startsWith('-----BEGIN ') ? keyText : stdBase64Decode(keyText).toString('latin1');
    const certBlocks = certPem.startsWith('-----BEGIN ')
      ? pemDecodeAll(certPem).filter((b) => b.type === 'CERTIFICATE').map((b) => b.bytes)
      : [Buffer.from(certPem, 'latin1')];
    if (certBlocks.length === 0) throw new GoError('tls: failed to find any PEM data in certificate input');
    const keyBytes = keyPem.startsWith('-----BEGIN') ? pemDecodeAll(keyPem).find((b) => b.type.endsWith('PRIVATE KEY')) : undefined;
    let key: KeyObject;
    try {
      if (keyBytes !== undefined) key = createPrivateKey({ key: keyBytes.bytes, format: 'der', type: KEY_TYPES[keyBytes.type] ?? 'pkcs8' });
      else if (!keyPem.startsWith('-----BEGIN')) key = createPrivateKey({ key: Buffer.from(keyPem, 'latin1'), format: 'der', type: 'pkcs8' });
      else throw new Error('no key');
    } catch {
      throw new GoError('tls: failed to find any PEM data in key input');
    }
    const leaf = parseCertificates(certBlocks[0]!)[0]!;
    const certKey = new X509Certificate(leaf.der).publicKey.export({ format: 'der', type: 'spki' });
    const fromKey = createPublicKey(key).export({ format: 'der', type: 'spki' });
    if (!certKey.equals(fromKey)) throw new GoError('tls: private key does not match public key');
    return {
      Certificate: certBlocks.map((b) => b.toString('base64')),
      PrivateKey: privateKeyJson(key),
      SupportedSignatureAlgorithms: null,
      OCSPStaple: null,
      SignedCertificateTimestamps: null,
      Leaf: withoutUriStrings(leaf.json),
    };
  });
};

export const x509Builtins: Record<string, HostBuiltin> = {
  'crypto.x509.parse_certificates': parseCertificatesBuiltin,
  'crypto.x509.parse_and_verify_certificates': parseAndVerifyCertificates,
  'crypto.x509.parse_and_verify_certificates_with_options': parseAndVerifyCertificatesWithOptions,
  'crypto.x509.parse_certificate_request': parseCertificateRequestBuiltin,
  'crypto.x509.parse_keypair': parseKeyPair,
  'crypto.x509.parse_rsa_private_key': parseRsaPrivateKey,
  'crypto.parse_private_keys': parsePrivateKeys,
};

