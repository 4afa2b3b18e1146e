/** A tiny PKI for tests: a CA, and server / client certificates with SPIFFE URI SANs, as PEM. */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  cert: string;
  key: string;
}

export interface LeafOptions {
  cn: string;
  uris?: string[];
  dns?: string[];
  ips?: string[];
  notAfter?: Date;
  /** Start of validity (default: a minute ago). */
  notBefore?: Date;
  /** Issue a certificate flagged `CA:TRUE` (keyCertSign) instead of a leaf. */
  ca?: boolean;
}

export interface TestCa extends Issued {
  issue(options: LeafOptions): Issued;
}

function keyPair(): { pub: forge.pki.rsa.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  // node:crypto generates the key fast; forge only builds and signs the certificate.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  return { pub, priv, pem };
}

let leafKey: ReturnType<typeof keyPair> | undefined;
let serial = 1;

function baseCert(pub: forge.pki.PublicKey, cn: string, notAfter: Date, notBefore = new Date(Date.now() - 60_000)): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0') + Date.now().toString(16);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: cn }]);
  return cert;
}

/** Creates a self-signed CA that issues leaf certificates (server and client usage both). */
export function createCa(name = 'Warden Test CA'): TestCa {
  const ca = keyPair();
  const caCert = baseCert(ca.pub, name, new Date(Date.now() + 24 * 3600_000));
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(caCert),
    key: ca.pem,
    issue({ cn, uris = [], dns = [], ips = [], notAfter, notBefore, ca: isCa = false }) {
      // Leaves share one key: tests care about names and chains, not key separation.
      const leaf = (leafKey ??= keyPair());
      const cert = baseCert(leaf.pub, cn, notAfter ?? new Date(Date.now() + 3600_000), notBefore);
      cert.setIssuer(caCert.subject.attributes);
      const altNames = [
        ...uris.map((value) => ({ type: 6, value })),
        ...dns.map((value) => ({ type: 2, value })),
        ...ips.map((ip) => ({ type: 7, ip })),
      ];
      cert.setExtensions([
        { name: 'basicConstraints', cA: isCa, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: isCa, critical: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
      ]);
      cert.sign(ca.priv, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(cert), key: leaf.pem };
    },
  };
}
