import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevCa, issueDevCertificate } from '../src/devca/dev-ca.js';
import type { TlsPaths } from './check/protocol.js';

/** A development CA in `dir`, its server certificate, and a client certificate for the shop frontend. */
export function benchTls(dir: string): TlsPaths {
  const ca = ensureDevCa(join(dir, 'ca'));
  const client = issueDevCertificate(ca.dir, 'spiffe://warden.local/ns/shop/sa/frontend');
  writeFileSync(join(dir, 'client.pem'), client.cert);
  writeFileSync(join(dir, 'client-key.pem'), client.key);
  return { ca: ca.ca, serverCert: ca.serverCert, serverKey: ca.serverKey, clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client-key.pem') };
}
