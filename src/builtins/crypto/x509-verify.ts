// Provenance: follows Go's src/crypto/x509/verify.go and x509.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { constants, verify as verifySignature } from 'node:crypto';
import { parseIp } from '../net/ip-address.js';
import type { ParsedCert } from './x509-cert.js';
import { checkSans, X509Rejection } from './x509-name-constraints.js';
import { policiesValid } from './x509-policy.js';

// Chain verification as Go's crypto/x509 Certificate.Verify does it (verify.go: Verify, buildChains,
// isValid, VerifyHostname, checkChainForKeyUsage; x509.go: CheckSignatureFrom, checkSignature), which is
// what OPA's crypto.x509.parse_and_verify_certificates* call. Every check refuses by throwing
// X509Rejection; anything unexpected refuses too.

export interface ChainOptions {
  /** VerifyOptions.DNSName: checked against the leaf when not empty. */
  dnsName: string;
  /** VerifyOptions.CurrentTime, in nanoseconds since the epoch. */
  now: bigint;
  /** VerifyOptions.KeyUsages as Go's ExtKeyUsage numbers; empty means ServerAuth. */
  keyUsages: number[];
  /** VerifyOptions.MaxConstraintComparisions; 0 means Go's default of 250,000. */
  maxConstraintComparisons: number;
}

type CertType = 'leaf' | 'intermediate' | 'root';

const EXT_KEY_USAGE_ANY = 0;
const EXT_KEY_USAGE_SERVER_AUTH = 1;
const KEY_USAGE_CERT_SIGN = 1 << 5;
/** Go's maxChainSignatureChecks. */
const MAX_SIGNATURE_CHECKS = 100;

/** The signature algorithms Go accepts on certificates: hash (null for Ed25519), key type, PSS. */
const SIGNATURE_ALGORITHMS: Record<number, { hash: string | null; key: string; pss?: number }> = {
  4: { hash: 'sha256', key: 'rsa' },
  5: { hash: 'sha384', key: 'rsa' },
  6: { hash: 'sha512', key: 'rsa' },
  10: { hash: 'sha256', key: 'ec' },
  11: { hash: 'sha384', key: 'ec' },
  12: { hash: 'sha512', key: 'ec' },
  13: { hash: 'sha256', key: 'rsa', pss: 32 },
  14: { hash: 'sha384', key: 'rsa', pss: 48 },
  15: { hash: 'sha512', key: 'rsa', pss: 64 },
  16: { hash: null, key: 'ed25519' },
};

function nanos(rfc3339: unknown): bigint {
  return BigInt(Date.parse(rfc3339 as string)) * 1_000_000n;
}

/** Go's checkSignature: MD5 and SHA-1 are refused, RSA keys under 1024 bits too (Go 1.24). */
function checkSignature(child: ParsedCert, parent: ParsedCert): boolean {
  const alg = SIGNATURE_ALGORITHMS[child.json.SignatureAlgorithm as number];
  const key = parent.publicKey;
  if (alg === undefined || key === undefined || key.asymmetricKeyType !== alg.key) return false;
  if (alg.key === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 1024) return false;
  const tbs = Buffer.from(child.json.RawTBSCertificate as string, 'base64');
  const signature = Buffer.from(child.json.Signature as string, 'base64');
  try {
    if (alg.pss !== undefined) {
      return verifySignature(alg.hash, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss }, signature);
    }
    if (alg.key === 'ec') return verifySignature(alg.hash, tbs, { key, dsaEncoding: 'der' }, signature);
    return verifySignature(alg.hash, tbs, key, signature);
  } catch {
    return false;
  }
}

/** Go's CheckSignatureFrom: the parent must be allowed to sign certificates, and must have signed this one. */
function checkSignatureFrom(child: ParsedCert, parent: ParsedCert): boolean {
  const p = parent.json;
  // RFC 5280 4.2.1.9; a version 1 or 2 certificate (which has no extensions) may still sign.
  if ((p.Version === 3 && p.BasicConstraintsValid !== true) || (p.BasicConstraintsValid === true && p.IsCA !== true)) return false;
  if (p.KeyUsage !== 0 && ((p.KeyUsage as number) & KEY_USAGE_CERT_SIGN) === 0) return false;
  if (p.PublicKeyAlgorithm === 0) return false;
  return checkSignature(child, parent);
}

/** Go's isValid: what a certificate must satisfy to take its place in a chain. */
function isValid(c: ParsedCert, type: CertType, chain: ParsedCert[], opts: ChainOptions): void {
  if (c.json.UnhandledCriticalExtensions !== null) throw new X509Rejection('x509: unhandled critical extension');
  const child = chain[chain.length - 1];
  if (child !== undefined && !child.rawIssuer.equals(c.rawSubject)) {
    throw new X509Rejection('x509: issuer name does not match subject from issuing certificate');
  }
  if (opts.now < nanos(c.json.NotBefore) || opts.now > nanos(c.json.NotAfter)) {
    throw new X509Rejection('x509: certificate has expired or is not yet valid');
  }
  const nc = c.facts.nameConstraints;
  if (type !== 'leaf' && nc !== undefined) {
    // Go applies a CA's constraints to the SANs of every certificate below it, not only the leaf's.
    const budget = { count: 0, max: opts.maxConstraintComparisons === 0 ? 250_000 : opts.maxConstraintComparisons };
    for (const below of chain) if (below.facts.sans !== undefined) checkSans(nc, below.facts.sans, budget);
  }
  if (type === 'intermediate' && (c.json.BasicConstraintsValid !== true || c.json.IsCA !== true)) {
    throw new X509Rejection('x509: certificate is not authorized to sign other certificates');
  }
  const maxPathLen = c.json.MaxPathLen as number;
  if (c.json.BasicConstraintsValid === true && maxPathLen >= 0 && chain.length - 1 > maxPathLen) {
    throw new X509Rejection('x509: too many intermediates for path length constraint');
  }
}

const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Go's validHostname (RFC 6125 2.2, with Go's leniency for `_`). */
function validHostname(name: string, isPattern: boolean): boolean {
  const host = isPattern ? name : name.replace(/\.$/, '');
  if (host.length === 0 || host === '*') return false;
  return host.split('.').every((part, i) => {
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') return true;
    return [...part].every((c, j) => /[a-zA-Z0-9_]/.test(c) || (c === '-' && j !== 0));
  });
}

function matchExactly(a: string, b: string): boolean {
  if (a === '' || a === '.' || b === '' || b === '.') return false;
  return lowerAscii(a) === lowerAscii(b);
}

function matchHostnames(pattern: string, host: string): boolean {
  const p = lowerAscii(pattern);
  const h = lowerAscii(host.replace(/\.$/, ''));
  if (p.length === 0 || h.length === 0) return false;
  const pp = p.split('.');
  const hp = h.split('.');
  return pp.length === hp.length && pp.every((part, i) => (i === 0 && part === '*') || part === hp[i]);
}

/** An IP as the 16 bytes Go's IP.Equal compares (IPv4 as IPv4-mapped IPv6). */
function ip16(family: 4 | 6, value: bigint): bigint {
  return family === 4 ? 0xffff00000000n | value : value;
}

/** Go's VerifyHostname: IPs against IP SANs only, names against DNS SANs only (never the CN). */
function verifyHostname(leaf: ParsedCert, host: string): void {
  const candidateIp = host.length >= 3 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIp(candidateIp);
  if (ip !== undefined) {
    const want = ip16(ip.family, ip.value);
    for (const san of leaf.facts.sans ?? []) {
      if (san.tag !== 7) continue;
      const v = BigInt('0x' + san.data.toString('hex'));
      if (ip16(san.data.length === 4 ? 4 : 6, v) === want) return;
    }
    throw new X509Rejection(`x509: certificate is not valid for ${candidateIp}`);
  }
  const name = lowerAscii(host);
  const validName = validHostname(name, false);
  for (const pattern of (leaf.json.DNSNames as string[] | null) ?? []) {
    const ok = validName && validHostname(pattern, true) ? matchHostnames(pattern, name) : matchExactly(pattern, name);
    if (ok) return;
  }
  throw new X509Rejection(`x509: certificate is not valid for ${host}`);
}

/** Go's checkChainForKeyUsage: EKUs nest down the chain; a certificate without EKUs allows all. */
function chainAllowsUsage(chain: ParsedCert[], keyUsages: number[]): boolean {
  const usages = [...keyUsages];
  let remaining = usages.length;
  for (let i = chain.length - 1; i >= 0; i--) {
    const eku = (chain[i]!.json.ExtKeyUsage as number[] | null) ?? [];
    if (eku.length === 0 && chain[i]!.json.UnknownExtKeyUsage === null) continue;
    if (eku.includes(EXT_KEY_USAGE_ANY)) continue;
    for (let u = 0; u < usages.length; u++) {
      if (usages[u] === -1 || eku.includes(usages[u]!)) continue;
      usages[u] = -1;
      if (--remaining === 0) return false;
    }
  }
  return true;
}

function sanValue(c: ParsedCert): string | undefined {
  const exts = (c.json.Extensions as Array<{ Id: number[]; Value: string }> | null) ?? [];
  return exts.find((e) => e.Id.join('.') === '2.5.29.17')?.Value;
}

/** Go's alreadyInChain: same subject, key and SAN (so cross-signatures cannot loop). */
function alreadyInChain(candidate: ParsedCert, chain: ParsedCert[]): boolean {
  const candidateSan = sanValue(candidate);
  for (const c of chain) {
    if (!candidate.rawSubject.equals(c.rawSubject) || !candidate.rawSpki.equals(c.rawSpki)) continue;
    const san = sanValue(c);
    if (candidateSan === undefined && san === undefined) return true;
    if (candidateSan === undefined || san === undefined) return false;
    if (candidateSan === san) return true;
  }
  return false;
}

/** CertPool.findPotentialParents: same name, ordered by how well the key identifiers match. */
function potentialParents(pool: ParsedCert[], child: ParsedCert): ParsedCert[] {
  const akid = (child.json.AuthorityKeyId as string | null) ?? '';
  const rank = (p: ParsedCert): number => {
    const skid = (p.json.SubjectKeyId as string | null) ?? '';
    if (skid === akid) return 0;
    return skid === '' || akid === '' ? 1 : 2;
  };
  const named = pool.filter((p) => p.rawSubject.equals(child.rawIssuer));
  return [0, 1, 2].flatMap((r) => named.filter((p) => rank(p) === r));
}

/** Every chain Go's buildChains finds, in its order (roots before intermediates, depth first). */
function buildFrom(leaf: ParsedCert, roots: ParsedCert[], intermediates: ParsedCert[], opts: ChainOptions): ParsedCert[][] {
  let signatureChecks = 0;
  const build = (chain: ParsedCert[]): ParsedCert[][] => {
    const c = chain[chain.length - 1]!;
    const found: ParsedCert[][] = [];
    const consider = (type: CertType, candidate: ParsedCert): void => {
      if (candidate.publicKey === undefined || alreadyInChain(candidate, chain)) return;
      if (++signatureChecks > MAX_SIGNATURE_CHECKS) return;
      if (!checkSignatureFrom(c, candidate)) return;
      try {
        isValid(candidate, type, chain, opts);
      } catch (e) {
        if (e instanceof X509Rejection) return;
        throw e;
      }
      if (type === 'root') found.push([...chain, candidate]);
      else found.push(...build([...chain, candidate]));
    };
    for (const root of potentialParents(roots, c)) consider('root', root);
    for (const intermediate of potentialParents(intermediates, c)) consider('intermediate', intermediate);
    return found;
  };
  return build([leaf]);
}

function unique(certs: ParsedCert[]): ParsedCert[] {
  return certs.filter((c, i) => certs.findIndex((d) => d.der.equals(c.der)) === i);
}

/**
 * OPA's verifyX509CertificateChain: the first certificate is the only root, the last the leaf, the rest
 * intermediates; verified as Go's `leaf.Verify` does. Returns Go's first chain (leaf first), or
 * undefined when Go would return an error.
 */
export function verifyChain(certs: ParsedCert[], opts: ChainOptions): ParsedCert[] | undefined {
  if (certs.length < 2 || certs.some((c) => c.facts.parseError !== undefined)) return undefined;
  const root = certs[0]!;
  const leaf = certs[certs.length - 1]!;
  const intermediates = unique(certs.slice(1, -1));
  try {
    isValid(leaf, 'leaf', [], opts);
    if (opts.dnsName !== '') verifyHostname(leaf, opts.dnsName);
    let chains = root.der.equals(leaf.der) ? [[leaf]] : buildFrom(leaf, [root], intermediates, opts);
    chains = chains.filter(policiesValid);
    if (opts.keyUsages.includes(EXT_KEY_USAGE_ANY)) return chains[0];
    const usages = opts.keyUsages.length > 0 ? opts.keyUsages : [EXT_KEY_USAGE_SERVER_AUTH];
    return chains.find((chain) => chainAllowsUsage(chain, usages));
  } catch (e) {
    if (e instanceof X509Rejection) return undefined;
    throw e;
  }
}
