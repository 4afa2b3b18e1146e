import test from 'ava';
import type { RegoObject, RegoValue } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';
import { INTERMEDIATE_PEM, LEAF_CSR, LEAF_KEY_PKCS8, LEAF_KEY_SEC1, LEAF_PEM, ROOT_KEY_SEC1, ROOT_PEM, RSA_KEY_PKCS1 } from './fixtures.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');

test('parse_certificates reads PEM, base64 PEM and base64 DER into Go-shaped objects', (t) => {
  const [leaf] = call('crypto.x509.parse_certificates', LEAF_PEM) as RegoObject[];
  t.is((leaf!.Subject as RegoObject).CommonName, 'svc.warden.test');
  t.is((leaf!.Issuer as RegoObject).CommonName, 'Warden Test Intermediate');
  t.deepEqual((leaf!.Issuer as RegoObject).Organization, ['Warden Test']);
  t.deepEqual(leaf!.DNSNames, ['svc.warden.test']);
  t.deepEqual(leaf!.URIStrings, ['spiffe://warden.test/svc']);
  t.deepEqual(leaf!.IPAddresses, ['10.1.2.3']);
  t.deepEqual(leaf!.ExtKeyUsage, [1, 2]);
  t.is(leaf!.KeyUsage, 1);
  t.is(leaf!.IsCA, false);
  t.is(leaf!.BasicConstraintsValid, true);
  t.is(leaf!.Version, 3);
  t.is(leaf!.SignatureAlgorithm, 10);
  t.is(leaf!.PublicKeyAlgorithm, 3);
  t.is(leaf!.NotBefore, '2020-01-01T00:00:00Z');
  t.is(leaf!.NotAfter, '2118-01-01T00:00:00Z');
  t.is(leaf!.Raw, derOf(LEAF_PEM).toString('base64'));
  t.deepEqual(((leaf!.Subject as RegoObject).Names as RegoValue[])[0], { Type: [2, 5, 4, 3], Value: 'svc.warden.test' });
  t.is(leaf!.EmailAddresses, null);

  const chain = call('crypto.x509.parse_certificates', b64(ROOT_PEM + INTERMEDIATE_PEM)) as RegoObject[];
  t.deepEqual(chain.map((c) => (c.Subject as RegoObject).CommonName), ['Warden Test Root', 'Warden Test Intermediate']);
  t.is(chain[0]!.IsCA, true);
  t.is(chain[0]!.MaxPathLen, -1);
  t.is(chain[1]!.MaxPathLen, 0);
  t.is(chain[1]!.MaxPathLenZero, true);
  t.is(chain[0]!.URIStrings, null);

  const fromDer = call('crypto.x509.parse_certificates', derOf(LEAF_PEM).toString('base64')) as RegoObject[];
  t.is((fromDer[0]!.Subject as RegoObject).CommonName, 'svc.warden.test');
});

test('parse_certificates errors', (t) => {
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_certificates: illegal base64 data at input byte 4', 'crypto.x509.parse_certificates', 'foobar');
  fails(t, 'eval_builtin_error', "crypto.x509.parse_certificates: PEM block type is 'CERTIFICATE REQUEST', expected CERTIFICATE", 'crypto.x509.parse_certificates', LEAF_CSR);
  fails(t, 'eval_type_error', 'crypto.x509.parse_certificates: operand 1 must be string but got number', 'crypto.x509.parse_certificates', 1);
});

test('parse_and_verify_certificates: root first, leaf last; result chain leaf first', (t) => {
  const [ok, certs] = call('crypto.x509.parse_and_verify_certificates', ROOT_PEM + INTERMEDIATE_PEM + LEAF_PEM) as [boolean, RegoObject[]];
  t.true(ok);
  t.deepEqual(certs.map((c) => (c.Subject as RegoObject).CommonName), ['svc.warden.test', 'Warden Test Intermediate', 'Warden Test Root']);
  t.deepEqual(call('crypto.x509.parse_and_verify_certificates', ROOT_PEM + LEAF_PEM), [false, []]);
  t.deepEqual(call('crypto.x509.parse_and_verify_certificates', LEAF_PEM), [false, []]);
  t.deepEqual(call('crypto.x509.parse_and_verify_certificates', 'garbage'), [false, []]);
});

test('parse_and_verify_certificates_with_options', (t) => {
  const pems = ROOT_PEM + INTERMEDIATE_PEM + LEAF_PEM;
  const name = 'crypto.x509.parse_and_verify_certificates_with_options';
  t.true((call(name, pems, { DNSName: 'svc.warden.test', KeyUsages: ['KeyUsageClientAuth'] }) as RegoValue[])[0] as boolean);
  t.deepEqual(call(name, pems, { DNSName: 'other.test' }), [false, []]);
  t.deepEqual(call(name, pems, { KeyUsages: ['KeyUsageCodeSigning'] }), [false, []]);
  t.deepEqual(call(name, pems, { CurrentTime: 1_000_000_000_000_000_000 }), [false, []]);
  t.true((call(name, pems, { CurrentTime: 1_700_000_000_000_000_000 }) as RegoValue[])[0] as boolean);
  fails(t, 'eval_builtin_error', `${name}: invalid key option`, name, pems, { Nope: 1 });
  fails(t, 'eval_builtin_error', `${name}: invalid entries for 'KeyUsages' found: [Bad]`, name, pems, { KeyUsages: ['Bad'] });
});

test('parse_certificate_request', (t) => {
  const csr = call('crypto.x509.parse_certificate_request', LEAF_CSR) as RegoObject;
  t.is((csr.Subject as RegoObject).CommonName, 'svc.warden.test');
  t.deepEqual(csr.DNSNames, ['svc.warden.test']);
  t.deepEqual(csr.EmailAddresses, ['ops@warden.test']);
  t.is(csr.Version, 0);
  t.is((call('crypto.x509.parse_certificate_request', b64(LEAF_CSR)) as RegoObject).Raw, csr.Raw);
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_certificate_request: illegal base64 data at input byte 4', 'crypto.x509.parse_certificate_request', 'foobar');
  fails(t, 'eval_builtin_error', /^crypto\.x509\.parse_certificate_request: asn1: structure error/, 'crypto.x509.parse_certificate_request', 'YmFkc3RyaW5n');
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_certificate_request: invalid PEM-encoded certificate signing request', 'crypto.x509.parse_certificate_request', b64(LEAF_PEM));
});

test('parse_keypair checks the key matches the certificate', (t) => {
  const kp = call('crypto.x509.parse_keypair', LEAF_PEM, LEAF_KEY_PKCS8) as RegoObject;
  t.deepEqual(kp.Certificate, [derOf(LEAF_PEM).toString('base64')]);
  t.is(((kp.Leaf as RegoObject).Subject as RegoObject).CommonName, 'svc.warden.test');
  t.truthy(call('crypto.x509.parse_keypair', b64(LEAF_PEM), b64(LEAF_KEY_SEC1)));
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_keypair: tls: private key does not match public key', 'crypto.x509.parse_keypair', LEAF_PEM, ROOT_KEY_SEC1);
});

test('parse_private_keys and parse_rsa_private_key', (t) => {
  t.is((call('crypto.parse_private_keys', RSA_KEY_PKCS1 + LEAF_KEY_PKCS8 + LEAF_KEY_SEC1) as RegoValue[]).length, 3);
  t.deepEqual(call('crypto.parse_private_keys', 'nope'), []);
  t.is(call('crypto.parse_private_keys', ''), null);
  const [rsa] = call('crypto.parse_private_keys', b64(RSA_KEY_PKCS1)) as RegoObject[];
  t.is(typeof rsa!.N, 'bigint');
  t.is(rsa!.E, 65537);
  const jwk = call('crypto.x509.parse_rsa_private_key', RSA_KEY_PKCS1) as RegoObject;
  t.deepEqual(Object.keys(jwk).sort(), ['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
  t.is(jwk.kty, 'RSA');
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_rsa_private_key: illegal base64 data at input byte 4', 'crypto.x509.parse_rsa_private_key', 'invalid');
});
