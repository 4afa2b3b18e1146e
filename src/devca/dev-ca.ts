import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { createOnce } from './creation-lock.js';

/**
 * A development certificate authority under `.warden/`, so that `npm start` serves mTLS with nothing
 * to set up and `warden dev-cert` issues client certificates carrying SPIFFE IDs. Not for production:
 * the CA key sits unencrypted on disk.
 */
export interface DevCaFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
}

export const DEV_TRUST_DOMAIN = 'warden.local';

function newKey(): { pem: string; pub: forge.pki.PublicKey; priv: forge.pki.PrivateKey } {
  // forge signs only with RSA keys; node:crypto makes them much faster than forge does.
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { pem, pub: forge.pki.setRsaPublicKey(priv.n, priv.e), priv };
}

function certificate(pub: forge.pki.PublicKey, cn: string, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = `01${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  return cert;
}

function loadCa(dir: string): { cert: forge.pki.Certificate; key: forge.pki.PrivateKey } {
  return {
    cert: forge.pki.certificateFromPem(readFileSync(join(dir, 'ca.pem'), 'utf8')),
    key: forge.pki.privateKeyFromPem(readFileSync(join(dir, 'ca-key.pem'), 'utf8')),
  };
}

/** Issues a leaf certificate for a SPIFFE ID (and DNS names / IPs), signed by the dev CA. */
export function issueDevCertificate(dir: string, spiffeId: string, dns: string[] = [], ips: string[] = []): { cert: string; key: string } {
  if (!/^spiffe:\/\/[^/]+\/.+/.test(spiffeId)) throw new Error(`not a SPIFFE ID: ${spiffeId} (spiffe://<trust-domain>/<path>)`);
  const ca = loadCa(dir);
  const leaf = newKey();
  const cert = certificate(leaf.pub, spiffeId.split('/').pop()!, 30);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 6, value: spiffeId }, ...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(ca.key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: leaf.pem };
}

/** Creates the CA and Warden's own server certificate under `dir` unless they exist. */
export function ensureDevCa(dir = '.warden'): DevCaFiles {
  const files: DevCaFiles = { dir, ca: join(dir, 'ca.pem'), serverCert: join(dir, 'server.pem'), serverKey: join(dir, 'server-key.pem') };
  const complete = () => existsSync(files.ca) && existsSync(files.serverCert) && existsSync(files.serverKey);
  if (complete()) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  createOnce(join(dir, 'ca.lock'), complete, () => writeDevCa(dir, files));
  return files;
}

function writeDevCa(dir: string, files: DevCaFiles): void {
  const key = newKey();
  const ca = certificate(key.pub, 'Warden development CA', 365);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(key.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  writeWhole(join(dir, 'ca-key.pem'), key.pem, 0o600);
  writeWhole(files.ca, forge.pki.certificateToPem(ca), 0o644);
  const server = issueDevCertificate(dir, `spiffe://${DEV_TRUST_DOMAIN}/ns/warden/sa/warden`, ['localhost'], ['127.0.0.1']);
  writeWhole(files.serverCert, server.cert, 0o644);
  writeWhole(files.serverKey, server.key, 0o600);
}

/** A reader that finds the file finds all of it. */
function writeWhole(path: string, text: string, mode: number): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, text, { mode });
  renameSync(partial, path);
}
