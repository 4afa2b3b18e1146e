// Certificate chains for the chain-verification tests, built with node-forge so that each can carry
// exactly the extension (or the lack of one) a rule is about. RSA keys (1024 bits, the least Go accepts,
// which keeps forge's signing quick) come from node:crypto;
// forge only assembles and signs.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

const { asn1, pki } = forge;

export interface Issued {
  readonly pem: string;
  readonly key: forge.pki.rsa.PrivateKey;
  readonly subject: string;
}

function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey: pki.privateKeyFromPem(privateKey), publicKey: pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey };
}

const KEYS = Array.from({ length: 5 }, rsaKeyPair);
let nextKey = 0;
let serial = 1;

/** One GeneralName: dNSName, rfc822Name, URI or an IP range (address/prefix) for constraints. */
export type NameSpec = { dns: string } | { email: string } | { uri: string } | { ipRange: [string, number] } | { dirName: string };

export interface CertSpec {
  readonly cn: string;
  /** basicConstraints CA:TRUE (true), CA:FALSE (false), or no extension (undefined). */
  readonly ca?: boolean;
  readonly pathLen?: number;
  /** keyUsage: without keyCertSign when false. Default: keyCertSign+cRLSign for CAs, none otherwise. */
  readonly certSign?: boolean;
  readonly eku?: Array<'serverAuth' | 'clientAuth' | 'codeSigning' | 'any'>;
  readonly dns?: string[];
  readonly uris?: string[];
  readonly ips?: string[];
  readonly emails?: string[];
  readonly permitted?: NameSpec[];
  readonly excluded?: NameSpec[];
  /** Extra raw extensions (id, critical, DER value built with forge.asn1). */
  readonly extra?: Array<{ id: string; critical: boolean; value: forge.asn1.Asn1 }>;
  /** Version 1: no extensions at all. */
  readonly v1?: boolean;
  readonly md?: 'sha256' | 'sha1';
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Serial number in hex, as DER INTEGER content. */
  readonly serial?: string;
}

// forge has util.bytesFromIP; its type definitions do not declare it.
const bytesFromIp = (ip: string): string => (forge.util as unknown as { bytesFromIP(ip: string): string }).bytesFromIP(ip);

const ctx = (tag: number, bytes: string): forge.asn1.Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bytes);

const seq = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (dotted: string): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());

function generalName(n: NameSpec): forge.asn1.Asn1 {
  if ('dns' in n) return ctx(2, n.dns);
  if ('email' in n) return ctx(1, n.email);
  if ('uri' in n) return ctx(6, n.uri);
  if ('dirName' in n) {
    const cn = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, n.dirName);
    const name = seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [seq([oid('2.5.4.3'), cn])])]);
    return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [name]);
  }
  const [ip, prefix] = n.ipRange;
  const bytes = bytesFromIp(ip);
  const width = bytes.length * 8;
  let mask = '';
  for (let i = 0; i < width; i += 8) mask += String.fromCharCode(Math.max(0, Math.min(8, prefix - i)) === 0 ? 0 : (0xff << (8 - Math.min(8, prefix - i))) & 0xff);
  return ctx(7, bytes + mask);
}

/** DER of a nameConstraints extension value. */
export function nameConstraints(permitted: NameSpec[] | undefined, excluded: NameSpec[] | undefined): forge.asn1.Asn1 {
  const subtrees = (tag: number, names: NameSpec[]): forge.asn1.Asn1 =>
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, names.map((n) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [generalName(n)])));
  const parts: forge.asn1.Asn1[] = [];
  if (permitted !== undefined) parts.push(subtrees(0, permitted));
  if (excluded !== undefined) parts.push(subtrees(1, excluded));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}


/** certificatePolicies with the given policy OIDs. */
export function certificatePolicies(...oids: string[]): forge.asn1.Asn1 {
  return seq(oids.map((o) => seq([oid(o)])));
}

/** policyConstraints with requireExplicitPolicy. */
export function requireExplicitPolicy(skipCerts: number): forge.asn1.Asn1 {
  return seq([ctx(0, asn1.integerToDer(skipCerts).getBytes())]);
}

/** An OCTET STRING value (the shape of a subjectKeyIdentifier). */
export function octets(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, '\x01\x02');
}

/** A signing key that is not `issued`'s own. */
export function keyOtherThan(issued: Issued): forge.pki.rsa.PrivateKey {
  return KEYS.find((k) => k.privateKey !== issued.key)!.privateKey;
}

/** A value for an arbitrary (unknown) extension. */
export function opaque(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
}

function extensions(spec: CertSpec): object[] {
  const exts: object[] = [];
  if (spec.ca !== undefined) {
    exts.push({ name: 'basicConstraints', critical: true, cA: spec.ca, ...(spec.pathLen === undefined ? {} : { pathLenConstraint: spec.pathLen }) });
  }
  const certSign = spec.certSign ?? spec.ca === true;
  if (spec.certSign !== undefined || spec.ca === true) {
    exts.push({ name: 'keyUsage', critical: true, digitalSignature: true, keyCertSign: certSign, cRLSign: certSign });
  }
  if (spec.eku !== undefined) {
    const flags: Record<string, boolean> = {};
    const extra: forge.asn1.Asn1[] = [];
    for (const u of spec.eku) {
      if (u === 'any') extra.push(oid('2.5.29.37.0'));
      else flags[u] = true;
    }
    if (extra.length > 0) {
      const known = Object.keys(flags).map((k) => oid(pki.oids[k] as string));
      exts.push({ id: '2.5.29.37', critical: false, value: seq([...known, ...extra]) });
    } else exts.push({ name: 'extKeyUsage', ...flags });
  }
  const altNames = [
    ...(spec.dns ?? []).map((value) => ({ type: 2, value })),
    ...(spec.emails ?? []).map((value) => ({ type: 1, value })),
    ...(spec.uris ?? []).map((value) => ({ type: 6, value })),
    ...(spec.ips ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) exts.push({ name: 'subjectAltName', altNames });
  if (spec.permitted !== undefined || spec.excluded !== undefined) {
    exts.push({ id: '2.5.29.30', critical: true, value: nameConstraints(spec.permitted, spec.excluded) });
  }
  for (const e of spec.extra ?? []) exts.push(e);
  return exts;
}

/** A certificate for `spec`, signed by `issuer` (self-signed without one). */
export function issue(spec: CertSpec, issuer?: Issued): Issued {
  const keys = KEYS[nextKey++ % KEYS.length]!;
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A leading 01 keeps the DER INTEGER positive (Go refuses negative serial numbers).
  cert.serialNumber = spec.serial ?? '01' + (serial++).toString(16).padStart(6, '0');
  cert.validity.notBefore = spec.notBefore ?? new Date('2020-01-01T00:00:00Z');
  cert.validity.notAfter = spec.notAfter ?? new Date('2099-01-01T00:00:00Z');
  const subject = [{ name: 'commonName', value: spec.cn }];
  cert.setSubject(subject);
  cert.setIssuer(issuer === undefined ? subject : [{ name: 'commonName', value: issuer.subject }]);
  if (spec.v1 === true) cert.version = 0;
  else cert.setExtensions(extensions(spec));
  const md = spec.md === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
  cert.sign(issuer?.key ?? keys.privateKey, md);
  return { pem: pki.certificateToPem(cert), key: keys.privateKey, subject: spec.cn };
}

/** OPA's order: root first, leaf last. */
export function bundle(...certs: Issued[]): string {
  return certs.map((c) => c.pem).join('');
}
