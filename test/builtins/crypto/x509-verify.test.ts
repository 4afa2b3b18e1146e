import test from 'ava';
import type { RegoObject, RegoValue } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';
import { bundle, certificatePolicies, issue, keyOtherThan, octets, opaque, requireExplicitPolicy, type CertSpec, type Issued } from './x509-chains.js';

// Each rule of Go's Certificate.Verify that crypto.x509.parse_and_verify_certificates must follow: a
// chain Go refuses gives [false, []], and a control chain that differs only in that rule verifies.

const VERIFY = 'crypto.x509.parse_and_verify_certificates';
const WITH_OPTIONS = 'crypto.x509.parse_and_verify_certificates_with_options';

const verified = (pems: string, options?: RegoObject): boolean => {
  const result = (options === undefined ? call(VERIFY, pems) : call(WITH_OPTIONS, pems, options)) as [boolean, RegoValue[]];
  if (!result[0]) return false;
  if (result[1].length === 0) throw new Error('a verified chain must list its certificates');
  return true;
};

const subjects = (pems: string): string[] => {
  const [ok, certs] = call(VERIFY, pems) as [boolean, RegoObject[]];
  return ok ? certs.map((c) => (c.Subject as RegoObject).CommonName as string) : [];
};

const root = issue({ cn: 'Root', ca: true });
const LEAF: CertSpec = { cn: 'svc.warden.test', ca: false, dns: ['svc.warden.test'] };

/** root → intermediate (spec) → leaf (spec). */
function chainVia(intermediate: CertSpec, leaf: CertSpec = LEAF, top: Issued = root): string {
  const mid = issue(intermediate, top);
  return bundle(top, mid, issue(leaf, mid));
}

test('control: a plain root → intermediate → leaf chain verifies, leaf first in the result', (t) => {
  t.deepEqual(subjects(chainVia({ cn: 'Mid', ca: true })), ['svc.warden.test', 'Mid', 'Root']);
});

test('version 1: a v1 intermediate is not a CA (Go: not authorized to sign); a v1 root still is', (t) => {
  t.false(verified(chainVia({ cn: 'Mid v1', v1: true })));
  const v1Root = issue({ cn: 'Root v1', v1: true });
  t.deepEqual(subjects(chainVia({ cn: 'Mid', ca: true }, LEAF, v1Root)), ['svc.warden.test', 'Mid', 'Root v1']);
});

test('basic constraints: an intermediate without the extension, or with CA:FALSE, cannot sign', (t) => {
  t.false(verified(chainVia({ cn: 'Mid no BC' })));
  t.false(verified(chainVia({ cn: 'Mid not CA', ca: false })));
  t.false(verified(bundle(issue({ cn: 'Root no BC' }), issue(LEAF, issue({ cn: 'Root no BC' })))));
});

test('key usage: a CA whose keyUsage lacks keyCertSign cannot sign (CheckSignatureFrom)', (t) => {
  t.false(verified(chainVia({ cn: 'Mid', ca: true, certSign: false })));
  t.true(verified(chainVia({ cn: 'Mid', ca: true, certSign: true })));
});

test('path length: no more intermediates below a CA than its pathLenConstraint (MaxPathLenZero)', (t) => {
  const zeroRoot = issue({ cn: 'Root len 0', ca: true, pathLen: 0 });
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, zeroRoot)));
  t.true(verified(bundle(zeroRoot, issue(LEAF, zeroRoot))));

  const oneRoot = issue({ cn: 'Root len 1', ca: true, pathLen: 1 });
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, oneRoot)));
  const a = issue({ cn: 'Mid A', ca: true }, oneRoot);
  const b = issue({ cn: 'Mid B', ca: true }, a);
  t.false(verified(bundle(oneRoot, a, b, issue(LEAF, b))));

  const midZero = issue({ cn: 'Mid len 0', ca: true, pathLen: 0 }, root);
  const below = issue({ cn: 'Mid below', ca: true }, midZero);
  t.false(verified(bundle(root, midZero, below, issue(LEAF, below))));
  t.true(verified(bundle(root, midZero, issue(LEAF, midZero))));
});

test('name constraints: DNS permitted and excluded subtrees, wildcards included', (t) => {
  const permits = { cn: 'Mid', ca: true, permitted: [{ dns: 'warden.test' }] };
  t.true(verified(chainVia(permits)));
  t.false(verified(chainVia(permits, { ...LEAF, dns: ['evil.example'] })));
  t.false(verified(chainVia(permits, { ...LEAF, dns: ['svc.warden.test', 'evil.example'] })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true, permitted: [{ dns: '.warden.test' }] }, { ...LEAF, dns: ['warden.test'] })));

  const excludes = { cn: 'Mid', ca: true, excluded: [{ dns: 'bad.warden.test' }] };
  t.true(verified(chainVia(excludes)));
  t.false(verified(chainVia(excludes, { ...LEAF, dns: ['bad.warden.test'] })));
  t.false(verified(chainVia(excludes, { ...LEAF, dns: ['*.warden.test'] })));
});

test('name constraints: parse_certificates shows them as the Go Certificate fields', (t) => {
  const ca = issue({ cn: 'Mid', ca: true, permitted: [{ dns: 'warden.test' }, { ipRange: ['10.0.0.0', 8] }], excluded: [{ email: 'evil.test' }] });
  const [json] = call('crypto.x509.parse_certificates', ca.pem) as RegoObject[];
  t.is(json!.PermittedDNSDomainsCritical, true);
  t.deepEqual(json!.PermittedDNSDomains, ['warden.test']);
  t.deepEqual(json!.PermittedIPRanges, [{ IP: '10.0.0.0', Mask: '/wAAAA==' }]);
  t.deepEqual(json!.ExcludedEmailAddresses, ['evil.test']);
  t.is(json!.ExcludedDNSDomains, null);
  t.is(json!.UnhandledCriticalExtensions, null);
});

test('name constraints: IP, URI and email subtrees', (t) => {
  const ip = { cn: 'Mid', ca: true, permitted: [{ ipRange: ['10.0.0.0', 8] as [string, number] }] };
  t.true(verified(chainVia(ip, { ...LEAF, ips: ['10.1.2.3'] })));
  t.false(verified(chainVia(ip, { ...LEAF, ips: ['192.168.1.1'] })));

  const uri = { cn: 'Mid', ca: true, permitted: [{ uri: 'warden.test' }] };
  t.true(verified(chainVia(uri, { ...LEAF, uris: ['spiffe://warden.test/svc'] })));
  t.false(verified(chainVia(uri, { ...LEAF, uris: ['spiffe://evil.test/svc'] })));
  t.false(verified(chainVia(uri, { ...LEAF, uris: ['spiffe://10.0.0.1/svc'] })));

  const email = { cn: 'Mid', ca: true, excluded: [{ email: 'evil.test' }] };
  t.true(verified(chainVia(email, { ...LEAF, emails: ['ops@warden.test'] })));
  t.false(verified(chainVia(email, { ...LEAF, emails: ['ops@evil.test'] })));
});

test('name constraints: a root constrains everything below it, intermediates SANs included; the CN is ignored', (t) => {
  const constrainedRoot = issue({ cn: 'Root constrained', ca: true, permitted: [{ dns: 'warden.test' }] });
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, constrainedRoot)));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, dns: ['evil.example'] }, constrainedRoot)));
  t.false(verified(chainVia({ cn: 'Mid', ca: true, dns: ['evil.example'] }, LEAF, constrainedRoot)));
  // Go never reads the CN as a name: neither a CN outside the subtree nor a leaf without SANs is refused.
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, { cn: 'evil.example', ca: false, dns: ['svc.warden.test'] }, constrainedRoot)));
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, { cn: 'evil.example', ca: false }, constrainedRoot)));
});

test('name constraints: MaxConstraintComparisons bounds the work', (t) => {
  const pems = chainVia({ cn: 'Mid', ca: true, permitted: [{ dns: 'a.test' }, { dns: 'warden.test' }] });
  t.true(verified(pems, {}));
  t.true(verified(pems, { MaxConstraintComparisons: 2 }));
  t.false(verified(pems, { MaxConstraintComparisons: 1 }));
});

test('unhandled critical extensions make any certificate in the chain invalid', (t) => {
  const critical = { extra: [{ id: '1.3.6.1.4.1.99999.1', critical: true, value: opaque() }] };
  const lax = { extra: [{ id: '1.3.6.1.4.1.99999.1', critical: false, value: opaque() }] };
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, ...critical })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true, ...critical })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, issue({ cn: 'Root critical', ca: true, ...critical }))));
  t.true(verified(chainVia({ cn: 'Mid', ca: true, ...lax }, { ...LEAF, ...lax })));
  // A name constraint of a type Go does not enforce (directoryName) is unhandled when critical.
  t.false(verified(chainVia({ cn: 'Mid', ca: true, permitted: [{ dirName: 'Warden' }] })));
  const [mid] = call('crypto.x509.parse_certificates', issue({ cn: 'Mid', ca: true, ...critical }).pem) as RegoObject[];
  t.deepEqual(mid!.UnhandledCriticalExtensions, [[1, 3, 6, 1, 4, 1, 99999, 1]]);
});

test('extended key usage nests: each CA with EKUs must allow a requested usage (default ServerAuth)', (t) => {
  const clientOnly = { cn: 'Mid', ca: true, eku: ['clientAuth' as const] };
  t.false(verified(chainVia(clientOnly)));
  t.false(verified(chainVia(clientOnly, { ...LEAF, eku: ['serverAuth'] })));
  t.true(verified(chainVia(clientOnly), { KeyUsages: ['KeyUsageClientAuth'] }));
  t.true(verified(chainVia(clientOnly), { KeyUsages: ['KeyUsageAny'] }));
  t.true(verified(chainVia({ cn: 'Mid', ca: true, eku: ['any'] }, { ...LEAF, eku: ['serverAuth'] })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, eku: ['codeSigning'] })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, issue({ cn: 'Root code', ca: true, eku: ['codeSigning'] }))));
});

test('validity windows apply to every certificate, at CurrentTime when given', (t) => {
  const past = { notBefore: new Date('2000-01-01Z'), notAfter: new Date('2001-01-01Z') };
  t.false(verified(chainVia({ cn: 'Mid', ca: true, ...past })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, LEAF, issue({ cn: 'Root old', ca: true, ...past }))));
  const pems = chainVia({ cn: 'Mid', ca: true, notAfter: new Date('2030-01-01T00:00:00Z') });
  const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
  t.true(verified(pems, { CurrentTime: ns('2030-01-01T00:00:00Z') }));
  t.false(verified(pems, { CurrentTime: ns('2030-01-01T00:00:00Z') + 1n }));
});

test('signatures: SHA-1 is refused, and a parent must have signed its child', (t) => {
  const mid = issue({ cn: 'Mid', ca: true }, root);
  t.false(verified(bundle(root, mid, issue({ ...LEAF, md: 'sha1' }, mid))));
  t.true(verified(bundle(root, mid, issue(LEAF, mid))));
  t.false(verified(bundle(root, mid, issue(LEAF, { ...mid, key: keyOtherThan(mid) }))));
});

test('chain building stops after 100 signature checks, as Go bounds the work', (t) => {
  const mid = issue({ cn: 'Mid', ca: true }, root);
  const leaf = issue(LEAF, mid);
  // Same name as the real intermediate, other keys: each costs a failed signature check.
  const decoys: Issued[] = [];
  while (decoys.length < 100) {
    const impostor = issue({ cn: 'Mid', ca: true }, { ...root, key: keyOtherThan(root) });
    decoys.push(impostor);
  }
  t.true(verified(bundle(root, mid, ...decoys, leaf)));
  t.false(verified(bundle(root, ...decoys, mid, leaf)));
});

test('DNSName follows VerifyHostname: case, trailing dot, wildcards, IPs, never the CN', (t) => {
  const pems = chainVia({ cn: 'Mid', ca: true }, { ...LEAF, dns: ['*.warden.test', 'exact.example'], ips: ['10.1.2.3'] });
  t.true(verified(pems, { DNSName: 'A.Warden.Test.' }));
  t.true(verified(pems, { DNSName: 'EXACT.example' }));
  t.false(verified(pems, { DNSName: 'a.b.warden.test' }));
  t.false(verified(pems, { DNSName: 'warden.test' }));
  t.true(verified(pems, { DNSName: '[10.1.2.3]' }));
  t.true(verified(pems, { DNSName: '::ffff:10.1.2.3' }));
  t.false(verified(pems, { DNSName: '10.1.2.4' }));
  const cnOnly = chainVia({ cn: 'Mid', ca: true }, { cn: 'svc.warden.test', ca: false });
  t.false(verified(cnOnly, { DNSName: 'svc.warden.test' }));
});

test('certificate policies: a required explicit policy the chain lacks refuses it (Go 1.24)', (t) => {
  const requires = { id: '2.5.29.36', critical: true, value: requireExplicitPolicy(0) };
  const policy = { id: '2.5.29.32', critical: false, value: certificatePolicies('1.3.6.1.4.1.99999.7') };
  t.false(verified(chainVia({ cn: 'Mid', ca: true, extra: [requires] })));
  t.true(verified(chainVia({ cn: 'Mid', ca: true, extra: [requires, policy] }, { ...LEAF, extra: [policy] })));
  const other = { id: '2.5.29.32', critical: false, value: certificatePolicies('1.3.6.1.4.1.99999.8') };
  t.false(verified(chainVia({ cn: 'Mid', ca: true, extra: [requires, policy] }, { ...LEAF, extra: [other] })));
});

test('a certificate Go cannot parse refuses the whole chain', (t) => {
  const criticalSkid = { id: '2.5.29.14', critical: true, value: octets() };
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, extra: [criticalSkid] })));
  const twice = { id: '1.3.6.1.4.1.99999.2', critical: false, value: opaque() };
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, extra: [twice, twice] })));
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, extra: [twice] })));
  t.false(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, serial: '8f01' })));
  t.true(verified(chainVia({ cn: 'Mid', ca: true }, { ...LEAF, serial: '0f01' })));
  // parse_certificates fails on them as OPA's does (Go's parser returns an error).
  const negative = issue({ ...LEAF, serial: '8f01' }).pem;
  fails(t, 'eval_builtin_error', 'crypto.x509.parse_certificates: x509: negative serial number', 'crypto.x509.parse_certificates', negative);
  t.is((call('crypto.x509.parse_certificates', issue({ ...LEAF, serial: '0f01' }).pem) as RegoValue[]).length, 1);
});

test('a leaf that is itself the root is trusted as Go trusts its roots', (t) => {
  const self = issue({ cn: 'self.warden.test', ca: false, dns: ['self.warden.test'] });
  t.deepEqual(subjects(bundle(self, self)), ['self.warden.test']);
  t.false(verified(bundle(self, issue({ cn: 'other', ca: false, dns: ['self.warden.test'] }))));
});
