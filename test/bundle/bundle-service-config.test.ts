import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBundleServiceConfig, BUNDLE_SERVICE_DEFAULTS } from '../../src/bundle/index.js';
import { bundleServiceSettings } from '../../src/server/bundle-service-settings.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { outboundAgent } from '../../src/outbound/outbound-tls.js';
import { createCa } from '../server/helpers/pki.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const URL_ = 'https://bundles.example.com/warden/bundle.tar.gz';

test('defaults: faster polling than OPA\'s 60/120 s, a timeout, a size cap, no long polling', (t) => {
  const s = checkBundleServiceConfig({ url: URL_ });
  t.deepEqual(s, { url: URL_, pollMinSeconds: 10, pollMaxSeconds: 20, timeoutSeconds: 30, maxBytes: BUNDLE_SERVICE_DEFAULTS.maxBytes, headers: {} });
  t.is(checkBundleServiceConfig({ url: URL_, pollMinSeconds: 30 }).pollMaxSeconds, 30, 'a raised minimum lifts the default maximum');
});

test('each bad field is named with what is wrong', (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['https://x', /^bundleService must be an object/],
    [{}, /^bundleService\.url must be the bundle URL/],
    [{ url: 'ftp://x/b.tar.gz' }, /^bundleService\.url must be http or https, not ftp:/],
    [{ url: 'not a url' }, /^bundleService\.url is not a URL/],
    [{ url: 'https://u:p@x/b' }, /^bundleService\.url must not carry credentials/],
    [{ url: URL_, pollMinSeconds: 0 }, /^bundleService\.pollMinSeconds must be a positive number, not 0/],
    [{ url: URL_, pollMinSeconds: 5, pollMaxSeconds: 2 }, /^bundleService\.pollMaxSeconds \(2\) must be at least pollMinSeconds \(5\)/],
    [{ url: URL_, longPollSeconds: 1.5 }, /^bundleService\.longPollSeconds must be a positive integer/],
    [{ url: URL_, maxBytes: '1MB' }, /^bundleService\.maxBytes must be a positive integer, not "1MB"/],
    [{ url: URL_, pollEvery: 3 }, /^bundleService: unknown fields pollEvery/],
    [{ url: URL_, headers: { 'bad name': 'x' } }, /^bundleService\.headers: "bad name" is not a header name/],
    [{ url: URL_, headers: { Authorization: 'Bearer a\r\nX: y' } }, /^bundleService\.headers\.Authorization must be a string on one line$/],
    [{ url: URL_, tls: { certFile: 'c.pem' } }, /^bundleService\.tls\.certFile and \.keyFile go together/],
    [{ url: URL_, tls: { caFile: 3 } }, /^bundleService\.tls\.caFile must be the path of a PEM file/],
    [{ url: URL_, tls: { ca: 'x' } }, /^bundleService\.tls: unknown fields ca/],
    [{ url: 'http://x/b', tls: { caFile: 'ca.pem' } }, /^bundleService\.tls is set but \.url is not https/],
  ];
  for (const [value, message] of cases) {
    const error = t.throws(() => checkBundleServiceConfig(value), undefined, JSON.stringify(value));
    t.regex(error!.message, message);
    t.is((error as { code?: string }).code, 'bundle_service_invalid_config');
  }
});

test('bundleService is one policy source: with policies or bundle it is refused; bundleCacheDir needs it', (t) => {
  t.regex(t.throws(() => bundleServiceSettings({ bundleService: { url: URL_ }, bundle: 'b.tar.gz' }))!.message, /bundleService \(--bundle-url\) and bundle \(--bundle\) are two policy sources/);
  t.regex(t.throws(() => bundleServiceSettings({ bundleService: { url: URL_ }, policies: 'p' }))!.message, /and policies \(--policies\)/);
  t.regex(t.throws(() => bundleServiceSettings({ bundleCacheDir: '/var/cache/warden' }))!.message, /bundleCacheDir \(--bundle-cache-dir\) needs bundleService/);
  t.is(bundleServiceSettings({}), undefined);
  t.deepEqual(bundleServiceSettings({ bundleService: { url: URL_ }, bundleCacheDir: '/c' })?.cacheDir, '/c');
});

test('a config file\'s bundleService is checked and its relative paths are found beside the file', (t) => {
  const dir = temporaryDirectory('warden-bundlesvc-config-');
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, `bundleService:\n  url: ${URL_}\n  tls: {caFile: ca.pem}\nbundleCacheDir: cache\n`);
  const config = readServeConfigFile(file);
  t.is(config.bundleCacheDir, join(dir, 'cache'));
  t.is(config.bundleService?.tls?.caFile, join(dir, 'ca.pem'));
  writeFileSync(file, `bundleService:\n  url: ${URL_}\n  pollMaxSeconds: -1\n`);
  t.regex(t.throws(() => readServeConfigFile(file))!.message, /warden\.yaml: bundleService\.pollMaxSeconds must be a positive number/);
});

test('outbound TLS: files are read at once; a missing file or a key that does not match the certificate is named', (t) => {
  const dir = temporaryDirectory('warden-outbound-tls-');
  const ca = createCa();
  const a = ca.issue({ cn: 'a' });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'a.pem'), a.cert);
  // Test leaves share one key: the CA's own key is one that does not belong to the leaf.
  writeFileSync(join(dir, 'b-key.pem'), ca.key);
  writeFileSync(join(dir, 'a-key.pem'), a.key);
  t.truthy(outboundAgent({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'a.pem'), keyFile: join(dir, 'a-key.pem') }));
  t.regex(t.throws(() => outboundAgent({ caFile: join(dir, 'missing.pem') }))!.message, /cannot read CA file .*missing\.pem/);
  t.regex(t.throws(() => outboundAgent({ certFile: join(dir, 'a.pem'), keyFile: join(dir, 'b-key.pem') }))!.message, /cannot be used: .*does not belong|cannot be used/);
});
