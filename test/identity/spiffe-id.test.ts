import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { assertedIdentity, identityFromCertificate, IdentityError, parseSpiffeId } from '../../src/identity/index.js';
import { createCa } from '../server/helpers/pki.js';

test('Kubernetes-style SPIFFE IDs fill namespace and service account', (t) => {
  t.deepEqual(parseSpiffeId('spiffe://example.org/ns/shop/sa/orders'), {
    id: 'spiffe://example.org/ns/shop/sa/orders',
    trust_domain: 'example.org',
    namespace: 'shop',
    service_account: 'orders',
  });
});

test('other paths give id and trust domain only', (t) => {
  t.deepEqual(parseSpiffeId('spiffe://example.org/workload/db'), { id: 'spiffe://example.org/workload/db', trust_domain: 'example.org' });
  t.deepEqual(parseSpiffeId('spiffe://example.org'), { id: 'spiffe://example.org', trust_domain: 'example.org' });
  t.deepEqual(parseSpiffeId('spiffe://td/ns/a/sa/b/extra'), { id: 'spiffe://td/ns/a/sa/b/extra', trust_domain: 'td' });
});

test('invalid SPIFFE IDs are rejected with a stable code', (t) => {
  for (const bad of [
    'https://example.org/ns/a/sa/b',
    'SPIFFE://example.org/x',
    'spiffe://',
    'spiffe://Example.org/x',
    'spiffe://example.org:8080/x',
    'spiffe://user@example.org/x',
    'spiffe://example.org/',
    'spiffe://example.org/a//b',
    'spiffe://example.org/a/./b',
    'spiffe://example.org/a/../b',
    'spiffe://example.org/a?b=c',
    'spiffe://example.org/a#frag',
    'spiffe://example.org/a b',
    `spiffe://example.org/${'a'.repeat(2100)}`,
  ]) {
    const e = t.throws(() => parseSpiffeId(bad), { instanceOf: IdentityError }, bad);
    t.is(e?.code, 'identity_invalid_spiffe_id');
  }
});

test('the identity of a certificate is its one SPIFFE URI SAN', (t) => {
  const ca = createCa();
  const leaf = ca.issue({ cn: 'x', uris: ['spiffe://example.org/ns/shop/sa/orders'], dns: ['orders.shop'] });
  t.deepEqual(identityFromCertificate(new X509Certificate(leaf.cert)), {
    id: 'spiffe://example.org/ns/shop/sa/orders',
    trust_domain: 'example.org',
    namespace: 'shop',
    service_account: 'orders',
    authenticated_by: 'mtls',
  });
  const peer = { raw: new X509Certificate(leaf.cert).raw, subjectaltname: 'DNS:orders.shop, URI:spiffe://example.org/ns/shop/sa/orders' };
  t.is(identityFromCertificate(peer as never).service_account, 'orders');
});

test('certificates without exactly one SPIFFE ID are refused', (t) => {
  const ca = createCa();
  const none = ca.issue({ cn: 'x', uris: ['https://example.org/x'], dns: ['a'] });
  t.is((t.throws(() => identityFromCertificate(new X509Certificate(none.cert))) as IdentityError).code, 'identity_no_spiffe_id');
  const two = ca.issue({ cn: 'x', uris: ['spiffe://a/x', 'spiffe://a/y'] });
  t.is((t.throws(() => identityFromCertificate(new X509Certificate(two.cert))) as IdentityError).code, 'identity_multiple_spiffe_ids');
  t.is((t.throws(() => identityFromCertificate(undefined)) as IdentityError).code, 'identity_missing_certificate');
  t.is((t.throws(() => identityFromCertificate({} as never)) as IdentityError).code, 'identity_missing_certificate');
});

test('asserted identities are marked as such', (t) => {
  t.is(assertedIdentity('spiffe://a/ns/n/sa/s').authenticated_by, 'requester');
});
