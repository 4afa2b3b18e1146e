import test from 'ava';
import { call, fails } from '../helpers.js';
import { evaluateRego } from '../../helpers/rego-eval.js';

// uri.parse and uri.is_valid read a URI as Go's net/url.Parse does (OPA 1.20's builtins).

test('uri.parse: the parts that are there, decoded, with the path as written beside the decoded one', (t) => {
  t.deepEqual(call('uri.parse', 'https://svc.internal:8443/v1/orders%2F42?expand=items#lines'), {
    scheme: 'https',
    hostname: 'svc.internal',
    port: '8443',
    path: '/v1/orders/42',
    raw_path: '/v1/orders%2F42',
    raw_query: 'expand=items',
    fragment: 'lines',
  });
  // The path's default encoding gives back what was written: raw_path is the decoded path then.
  t.deepEqual(call('uri.parse', 'http://h/a%20b%21'), { scheme: 'http', hostname: 'h', path: '/a b!', raw_path: '/a b!' });
  t.deepEqual(call('uri.parse', 'HTTPS://[2001:db8::1]/x'), { scheme: 'https', hostname: '2001:db8::1', path: '/x', raw_path: '/x' });
  t.deepEqual(call('uri.parse', 'http://[fe80::1%25eth0]:80/'), { scheme: 'http', hostname: 'fe80::1%eth0', port: '80', path: '/', raw_path: '/' });
  t.deepEqual(call('uri.parse', 'spiffe://prod.acme/ns/shop/sa/frontend'), { scheme: 'spiffe', hostname: 'prod.acme', path: '/ns/shop/sa/frontend', raw_path: '/ns/shop/sa/frontend' });
  // Opaque URIs and references without a scheme.
  t.deepEqual(call('uri.parse', 'mailto:ops@acme.io?subject=page'), { scheme: 'mailto', raw_query: 'subject=page' });
  t.deepEqual(call('uri.parse', '//cdn.acme.io/app.js'), { hostname: 'cdn.acme.io', path: '/app.js', raw_path: '/app.js' });
  t.deepEqual(call('uri.parse', ''), {});
  t.deepEqual(call('uri.parse', 'http://user:p%40ss@h.io/'), { scheme: 'http', hostname: 'h.io', path: '/', raw_path: '/' });
  t.deepEqual(call('uri.parse', 'http://ex%C3%A9.io/'), { scheme: 'http', hostname: 'exé.io', path: '/', raw_path: '/' });
});

test("uri.parse: what Go's parser refuses is a builtin error with Go's words", (t) => {
  const refused: Array<[string, string]> = [
    ['http://exa%6dple.com/', 'invalid URL escape "%6d"'],
    ['http://a<b@example.com/', 'net/url: invalid userinfo'],
    ['http://example.com:\u0663\u0664/', 'invalid port ":\u0663\u0664" after host'],
    ['http://[::1', "missing ']' in host"],
    ['http://exa mple.com/', 'invalid character " " in host name'],
    ['http://h/\u0001', 'net/url: invalid control character in URL'],
    ['1a:b', 'first path segment in URL cannot contain colon'],
    [':x', 'missing protocol scheme'],
    ['http://h/%zz', 'invalid URL escape "%zz"'],
  ];
  for (const [uri, why] of refused) {
    const shown = JSON.stringify(uri).replace('\\u0001', '\\x01');
    fails(t, 'eval_builtin_error', `uri.parse: parse ${shown}: ${why}`, 'uri.parse', uri);
    t.false(call('uri.is_valid', uri), uri);
  }
  // The fragment is not part of the URL the error names, unless the fragment is what failed.
  fails(t, 'eval_builtin_error', 'uri.parse: parse "http://h/#%zz": invalid URL escape "%zz"', 'uri.parse', 'http://h/#%zz');
  fails(t, 'eval_builtin_error', 'uri.parse: parse "http://a b/": invalid character " " in host name', 'uri.parse', 'http://a b/#top');
  fails(t, 'eval_type_error', /operand 1 must be string but got number/, 'uri.parse', 1);
});

test('uri.is_valid: true for what parses; false for the empty string and for non-strings', (t) => {
  for (const uri of ['https://example.com/path?q=1', 'http://foo]bar/', 'urn:isbn:0451450523', '/relative?x', '*']) t.true(call('uri.is_valid', uri), uri);
  t.false(call('uri.is_valid', ''));
  t.false(call('uri.is_valid', 42));
});

test('a policy can allow redirects only to its own hosts over https', async (t) => {
  const policy = `package t
allowed_hosts := {"app.acme.io", "login.acme.io"}
allow if {
  uri.is_valid(input.redirect)
  u := uri.parse(input.redirect)
  u.scheme == "https"
  allowed_hosts[u.hostname]
  not u.port
}
`;
  const decide = async (redirect: string) => evaluateRego(policy, 't/allow', { redirect });
  t.deepEqual(await decide('https://app.acme.io/home'), [{ result: true }]);
  t.deepEqual(await decide('https://app.acme.io.evil.com/'), []);
  t.deepEqual(await decide('http://app.acme.io/'), []);
  t.deepEqual(await decide('https://evil.com\\@app.acme.io/'), []);
  t.deepEqual(await decide('https://app.acme.io:8443/'), []);
});
