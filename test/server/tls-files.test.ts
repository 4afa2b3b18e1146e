import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { ServiceError } from '../../src/server/index.js';
import { tlsProtocolOptions } from '../../src/server/tls.js';
import { pemCertificates, validateTlsFiles, type TlsFileBytes } from '../../src/server/tls-files.js';
import { createCa } from './helpers/pki.js';

const ca = createCa('Files CA');
const server = ca.issue({ cn: 'warden', dns: ['localhost'] });
const good: TlsFileBytes = { cert: Buffer.from(server.cert), key: Buffer.from(server.key), clientCa: Buffer.from(ca.cert) };
const protocol = tlsProtocolOptions();

function rejects(t: import('ava').ExecutionContext, bytes: TlsFileBytes, message: RegExp, now?: number): void {
  const err = t.throws(() => validateTlsFiles(bytes, protocol, now), { instanceOf: ServiceError });
  t.is((err as ServiceError).code, 'invalid_config');
  t.regex(err!.message, message);
}

test('good files pass and come back parsed', (t) => {
  const material = validateTlsFiles(good, protocol);
  t.is(material.serverCert.subject, 'CN=warden');
  t.deepEqual(
    material.clientCas.map((c) => c.fingerprint256),
    [new X509Certificate(ca.cert).fingerprint256],
  );
});

test('a garbage or truncated server certificate is rejected', (t) => {
  rejects(t, { ...good, cert: Buffer.from('not a certificate') }, /TLS certificate holds no PEM certificate/);
  const truncated = server.cert.replace(/^(.{0,200}).*?(-----END CERTIFICATE-----)/s, '$1$2');
  rejects(t, { ...good, cert: Buffer.from(truncated) }, /TLS certificate: certificate 1 does not parse/);
});

test('a garbage key, or a key of another certificate, is rejected', (t) => {
  rejects(t, { ...good, key: Buffer.from('garbage') }, /TLS key does not parse/);
  const other = createCa('Other');
  rejects(t, { ...good, key: Buffer.from(other.key) }, /TLS key does not match the TLS certificate/);
});

test('an empty, garbage or half-written client CA file is rejected', (t) => {
  rejects(t, { ...good, clientCa: Buffer.alloc(0) }, /client CA holds no PEM certificate/);
  rejects(t, { ...good, clientCa: Buffer.from('# just a comment\n') }, /client CA holds no PEM certificate/);
  const broken = `${ca.cert}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
  rejects(t, { ...good, clientCa: Buffer.from(broken) }, /client CA: certificate 2 does not parse/);
});

test('a server certificate outside its validity window is rejected', (t) => {
  const later = Date.now() + 2 * 3600_000;
  rejects(t, good, /TLS certificate is not valid now/, later);
});

test('a client CA file whose certificates have all expired is rejected', (t) => {
  // The test CA lives a day; the server certificate an hour, so check it with a fresh one at that time.
  const now = Date.now() + 25 * 3600_000;
  const fresh = createCa('Fresh').issue({ cn: 'warden', notAfter: new Date(now + 3600_000) });
  rejects(t, { ...good, cert: Buffer.from(fresh.cert), key: Buffer.from(fresh.key) }, /client CA: no certificate in it is valid now/, now);
});

test('pemCertificates reads every block of a bundle, comments between them ignored', (t) => {
  const other = createCa('Second');
  const bundle = `# first\n${ca.cert}\n# second\n${other.cert}`;
  t.deepEqual(
    pemCertificates(Buffer.from(bundle), 'bundle').map((c) => c.subject),
    ['CN=Files CA', 'CN=Second'],
  );
});

test('only TLS 1.3 and TLS 1.2 are accepted as minimum versions', (t) => {
  t.like(tlsProtocolOptions('TLSv1.3'), { minVersion: 'TLSv1.3' });
  t.like(tlsProtocolOptions('TLSv1.2'), { minVersion: 'TLSv1.2' });
  const err = t.throws(() => tlsProtocolOptions('TLSv1.1' as never), { instanceOf: ServiceError });
  t.is((err as ServiceError).code, 'invalid_config');
});
