import test from 'ava';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ApiKeySource } from '../../../src/credentials/api-key-source.js';
import { ApiKeyStore } from '../../../src/credentials/api-key-store.js';
import { JwtVerifier } from '../../../src/identity/index.js';
import { ClientTrust } from '../../../src/server/client-trust.js';
import { certificateIdentity } from '../../../src/server/http/certificate-credential.js';
import { CREDENTIAL_READERS, readSubject, type CredentialContext, type CredentialReader } from '../../../src/server/http/credential-readers.js';
import { HttpRequestError } from '../../../src/server/http/errors.js';
import { testCredentialChecks } from '../../helpers/credential-checks.js';
import { createCa } from '../helpers/pki.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks } from '../helpers/jwks.js';
import { temporaryDirectory } from '../../helpers/temp-dir.js';

const FRONTEND = 'spiffe://example.org/ns/shop/sa/frontend';
const ca = createCa();
const otherCa = createCa('Other CA');
const trust = new ClientTrust([new X509Certificate(ca.cert)]);
const credentials = testCredentialChecks();
const context: CredentialContext = { trust, jwt: undefined, credentials, service: 'orders' };
const headers = (h: Record<string, string | string[]>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
const escaped = (pem: string) => encodeURIComponent(pem);

/** The HttpRequestError code `run` throws or rejects with (readers throw at once or reject later). */
async function code(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (e) {
    return e instanceof HttpRequestError ? e.code : `not an HttpRequestError: ${String(e)}`;
  }
}

test('X-Client-Cert: a certificate from the client CA is "mtls"; from another CA, only what the proxy asserts', async (t) => {
  const ours = await readSubject(CREDENTIAL_READERS, headers({ 'x-client-cert': escaped(ca.issue({ cn: 'f', uris: [FRONTEND] }).cert) }), context);
  t.like(ours, { id: FRONTEND, namespace: 'shop', service_account: 'frontend', authenticated_by: 'mtls' });
  const theirs = await readSubject(CREDENTIAL_READERS, headers({ 'x-client-cert': escaped(otherCa.issue({ cn: 'f', uris: [FRONTEND] }).cert) }), context);
  t.like(theirs, { id: FRONTEND, authenticated_by: 'requester' });
});

test('escaped PEM as nginx writes it (%20, %0A) and with + for spaces both read; PEM bodies keep their own +', (t) => {
  const pem = ca.issue({ cn: 'f', uris: [FRONTEND] }).cert;
  t.like(certificateIdentity(escaped(pem), 'X-Client-Cert', trust), { authenticated_by: 'mtls' });
  const plusForSpaces = escaped(pem).replace(/%20/g, '+');
  t.like(certificateIdentity(plusForSpaces, 'X-Client-Cert', trust), { id: FRONTEND });
});

test('a certificate header that does not hold is a bad credential naming the header: garbage, bad escapes, expired, CA, no SPIFFE ID', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['hello', /no PEM certificate/],
    ['%E0%A4%A', /not URL-escaped/],
    [escaped('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /does not parse/],
    [escaped(ca.issue({ cn: 'old', uris: [FRONTEND], notAfter: new Date(Date.now() - 1000) }).cert), /not valid now/],
    [escaped(ca.issue({ cn: 'ca', uris: [FRONTEND], ca: true }).cert), /CA certificate/],
    [escaped(ca.issue({ cn: 'nospiffe' }).cert), /spiffe/],
  ];
  for (const [value, message] of cases) {
    const e = t.throws(() => certificateIdentity(value, 'X-Client-Cert', trust), { instanceOf: HttpRequestError });
    t.is(e?.code, 'http_bad_credential');
    t.regex(e?.message ?? '', /^X-Client-Cert: /);
    t.regex(e?.message ?? '', message);
  }
});

test('XFCC: the last element wins; its Cert is checked like X-Client-Cert, else its one SPIFFE URI is asserted', async (t) => {
  const pem = escaped(ca.issue({ cn: 'f', uris: [FRONTEND] }).cert);
  const withCert = await readSubject(CREDENTIAL_READERS, headers({ 'x-forwarded-client-cert': `URI=spiffe://example.org/ns/x/sa/first,By=spiffe://p;Cert="${pem}";URI=${FRONTEND}` }), context);
  t.like(withCert, { id: FRONTEND, authenticated_by: 'mtls' });
  const asserted = await readSubject(CREDENTIAL_READERS, headers({ 'x-forwarded-client-cert': [`URI=spiffe://example.org/ns/x/sa/first`, `By=spiffe://p;URI=${FRONTEND};URI=https://docs`] }), context);
  t.like(asserted, { id: FRONTEND, authenticated_by: 'requester' });
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-forwarded-client-cert': 'By=spiffe://p;DNS=x' }), context)), 'http_bad_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-forwarded-client-cert': 'URI=spiffe://a/x;URI=spiffe://a/y' }), context)), 'http_bad_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-forwarded-client-cert': 'URI="spiffe://unterminated' }), context)), 'http_bad_credential');
});

test('bearer tokens are verified: a good one is "jwt", a bad one or no verifier a bad credential, another scheme no credential', async (t) => {
  const key = await signingKey('k1');
  const jwks = join(temporaryDirectory('warden-jwks-'), 'jwks.json');
  writeJwks(jwks, [key]);
  const jwt = new JwtVerifier({ jwks, issuer: ISSUER, audience: AUDIENCE });
  const good = await token(key, { team: 'payments' });
  const subject = await readSubject(CREDENTIAL_READERS, headers({ authorization: `Bearer ${good}` }), { trust, jwt, credentials, service: 'orders' });
  t.like(subject, { id: 'system:serviceaccount:shop:billing', authenticated_by: 'jwt' });
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ authorization: `bearer ${good}x` }), { trust, jwt, credentials, service: 'orders' })), 'http_bad_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ authorization: `Bearer ${good}` }), context)), 'http_bad_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ authorization: 'Basic dTpw' }), { trust, jwt, credentials, service: 'orders' })), 'http_no_credential');
});

test('readers are tried in order: a bad credential is never passed over for a later one; none at all is http_no_credential', async (t) => {
  const pem = escaped(ca.issue({ cn: 'f', uris: [FRONTEND] }).cert);
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-client-cert': 'junk', 'x-forwarded-client-cert': `URI=${FRONTEND}` }), context)), 'http_bad_credential');
  t.like(await readSubject(CREDENTIAL_READERS, headers({ 'x-client-cert': pem, 'x-forwarded-client-cert': 'URI=spiffe://example.org/ns/o/sa/other' }), context), { id: FRONTEND });
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({}), context)), 'http_no_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-client-cert': [pem, pem] }), context)), 'http_bad_credential', 'twice is refused');
  const extra: CredentialReader = { name: 'extra', read: (h) => (h['x-extra'] ? { id: 'extra-owner', authenticated_by: 'requester' } : undefined) };
  t.like(await readSubject([...CREDENTIAL_READERS, extra], headers({ 'x-extra': 'k' }), context), { id: 'extra-owner' }, 'one more reader is one more entry');
});

test('API keys come first: a verified key is the subject ("api_key"); a bad key, or one for another service, is a bad credential', async (t) => {
  const file = join(temporaryDirectory('warden-keys-'), 'keys.json');
  const { key, record } = new ApiKeyStore(file).create(FRONTEND, { nowMs: Date.now(), services: ['orders'] });
  const withKeys = { ...context, credentials: testCredentialChecks({ apiKeys: new ApiKeySource(file, { pollMs: 60_000 }) }) };
  const pem = escaped(ca.issue({ cn: 'o', uris: ['spiffe://example.org/ns/shop/sa/other'] }).cert);
  t.like(await readSubject(CREDENTIAL_READERS, headers({ 'x-api-key': key, 'x-client-cert': pem }), withKeys), { id: FRONTEND, authenticated_by: 'api_key', key_id: record.id });
  t.like(await readSubject(CREDENTIAL_READERS, headers({ authorization: `apikey ${key}` }), withKeys), { authenticated_by: 'api_key' });
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-api-key': `${key}x`, 'x-client-cert': pem }), withKeys)), 'http_bad_credential', 'never passed over for the certificate');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-api-key': key }), { ...withKeys, service: 'payments' })), 'http_bad_credential');
  t.is(await code(() => readSubject(CREDENTIAL_READERS, headers({ 'x-api-key': key }), context)), 'http_bad_credential', 'without a key store every key is refused');
});

test('a forwarded certificate is parsed once, but its validity and its anchor follow the clock and client CA rotations', (t) => {
  const rotating = new ClientTrust([new X509Certificate(ca.cert)]);
  const header = escaped(ca.issue({ cn: 'f', uris: [FRONTEND], notAfter: new Date(Date.now() + 3_600_000) }).cert);
  t.like(certificateIdentity(header, 'X-Client-Cert', rotating), { authenticated_by: 'mtls' });
  rotating.replace([new X509Certificate(otherCa.cert)]);
  t.like(certificateIdentity(header, 'X-Client-Cert', rotating), { authenticated_by: 'requester' }, 'no longer issued by a trusted CA');
  rotating.replace([new X509Certificate(ca.cert)]);
  t.like(certificateIdentity(header, 'X-Client-Cert', rotating), { authenticated_by: 'mtls' });
  t.throws(() => certificateIdentity(header, 'X-Client-Cert', rotating, Date.now() + 2 * 3_600_000), { message: /not valid now/ });
});
