import test from 'ava';
import { HttpRequestError } from '../../../src/server/http/errors.js';
import { parseXfcc, xfccValues } from '../../../src/server/http/xfcc.js';

test('elements split on commas, pairs on semicolons; repeated keys kept in order', (t) => {
  const elements = parseXfcc('By=spiffe://a/ns/x/sa/y;Hash=abc;URI=spiffe://b/ns/p/sa/q;DNS=b.local;URI=https://not-spiffe,By=spiffe://c;URI=spiffe://d');
  t.is(elements.length, 2);
  t.deepEqual(xfccValues(elements[0]!, 'uri'), ['spiffe://b/ns/p/sa/q', 'https://not-spiffe']);
  t.deepEqual(elements[1], [
    ['By', 'spiffe://c'],
    ['URI', 'spiffe://d'],
  ]);
});

test('quoted values hold commas, semicolons, equals signs and escaped quotes', (t) => {
  const [first, second] = parseXfcc('Subject="CN=a, O=b; C=c";URI=spiffe://x , Subject="say \\"hi\\" \\\\ ok";URI=spiffe://y');
  t.deepEqual(xfccValues(first!, 'Subject'), ['CN=a, O=b; C=c']);
  t.deepEqual(xfccValues(first!, 'URI'), ['spiffe://x']);
  t.deepEqual(xfccValues(second!, 'Subject'), ['say "hi" \\ ok']);
});

test('an unquoted value may hold "=" (URL-escaped certificates, subjects)', (t) => {
  const [element] = parseXfcc('Cert=-----BEGIN%20CERTIFICATE-----%0AMIIB%3D%3D;Subject=CN=x');
  t.deepEqual(xfccValues(element!, 'cert'), ['-----BEGIN%20CERTIFICATE-----%0AMIIB%3D%3D']);
  t.deepEqual(xfccValues(element!, 'subject'), ['CN=x']);
});

test('malformed headers throw http_bad_credential, saying what is wrong', (t) => {
  for (const bad of ['Subject="never closed', 'URI=spiffe://x;justtext', 'Subject="a"b;URI=spiffe://x', '=novalue']) {
    const e = t.throws(() => parseXfcc(bad), { instanceOf: HttpRequestError }, bad);
    t.is(e?.code, 'http_bad_credential');
    t.regex(e?.message ?? '', /^x-forwarded-client-cert: /);
  }
});

test('empty elements are skipped', (t) => {
  t.deepEqual(parseXfcc(' , URI=spiffe://x ,'), [[['URI', 'spiffe://x']]]);
  t.deepEqual(parseXfcc(''), []);
});
