import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServeConfigFile } from '../../../src/server/config.js';
import { ServiceError } from '../../../src/server/errors.js';
import { httpSettings, isLoopbackHost, splitListen } from '../../../src/server/http/http-config.js';
import { temporaryDirectory } from '../../helpers/temp-dir.js';

test('off by default; a listen address and hosts (lower-cased) when given', (t) => {
  t.is(httpSettings({}), undefined);
  t.deepEqual(httpSettings({ http: '0.0.0.0:9192', hosts: { 'Orders.Internal': 'orders' } }), { listen: '0.0.0.0:9192', plaintext: false, hosts: { 'orders.internal': 'orders' }, allowedHosts: ['orders.internal'], corsOrigins: [] });
});

test('plaintext only on a loopback address', (t) => {
  for (const http of ['127.0.0.1:0', 'localhost:9192', '[::1]:9192']) t.is(httpSettings({ http, httpPlaintext: true })?.plaintext, true, http);
  for (const http of ['0.0.0.0:9192', '10.0.0.1:9192', '[::]:9192', 'warden.internal:9192']) {
    const e = t.throws(() => httpSettings({ http, httpPlaintext: true }), { instanceOf: ServiceError }, http);
    t.is(e?.code, 'invalid_config');
    t.regex(e?.message ?? '', /loopback/);
  }
});

test('bad values are config errors saying which key', (t) => {
  const cases: Array<[object, RegExp]> = [
    [{ http: 'nope' }, /^http must be HOST:PORT/],
    [{ http: 9192 }, /^http must be HOST:PORT/],
    [{ http: '127.0.0.1:0', httpPlaintext: 'yes' }, /^httpPlaintext must be true or false/],
    [{ httpPlaintext: true }, /needs http/],
    [{ hosts: ['a'] }, /^hosts must map/],
    [{ hosts: { a: 1 } }, /^hosts\.a must be a service name/],
  ];
  for (const [config, message] of cases) t.throws(() => httpSettings(config as never), { instanceOf: ServiceError, message }, JSON.stringify(config));
});

test('readServeConfigFile takes http, httpPlaintext and hosts, and refuses plaintext off loopback', (t) => {
  const dir = temporaryDirectory('warden-http-config-');
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'http: 127.0.0.1:9192\nhttpPlaintext: true\nhosts:\n  orders.internal: orders\n');
  t.like(readServeConfigFile(good), { http: '127.0.0.1:9192', httpPlaintext: true, hosts: { 'orders.internal': 'orders' } });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'http: 0.0.0.0:9192\nhttpPlaintext: true\n');
  t.throws(() => readServeConfigFile(bad), { instanceOf: ServiceError, message: /bad\.yaml: httpPlaintext is for development on a loopback address only/ });
});

test('isLoopbackHost and splitListen', (t) => {
  t.true(isLoopbackHost('127.8.9.10'));
  t.false(isLoopbackHost('128.0.0.1'));
  t.deepEqual(splitListen('[::1]:80'), { host: '::1', port: 80 });
  t.throws(() => splitListen('host:'));
  t.throws(() => splitListen('host:70000'));
});

test('http as an object: listen, hosts (lower-cased, with the hosts map\'s names) and exact CORS origins', (t) => {
  t.deepEqual(httpSettings({ http: { listen: '127.0.0.1:9192', hosts: ['Warden.Internal', '[::1]'], cors: { origins: ['https://app.example.com', 'http://localhost:3000'] } }, hosts: { 'orders.internal': 'orders' } }), {
    listen: '127.0.0.1:9192',
    plaintext: false,
    hosts: { 'orders.internal': 'orders' },
    allowedHosts: ['warden.internal', '::1', 'orders.internal'],
    corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
  });
  t.deepEqual(httpSettings({ http: '127.0.0.1:9192' })?.corsOrigins, [], 'CORS is off by default');
});

test('bad CORS origins and host names are config errors saying which entry and why; "*" is refused', (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ listen: '127.0.0.1:1', cors: { origins: ['*'] } }, /^http\.cors\.origins\[0\]: "\*" is refused: .*credentials/],
    [{ listen: '127.0.0.1:1', cors: { origins: ['https://a.example/path'] } }, /^http\.cors\.origins\[0\] must be exactly scheme:\/\/host\[:port\]/],
    [{ listen: '127.0.0.1:1', cors: { origins: ['https://ok.example', 'https://a.example/'] } }, /^http\.cors\.origins\[1\] must be exactly/],
    [{ listen: '127.0.0.1:1', cors: { origins: ['app.example.com'] } }, /^http\.cors\.origins\[0\] must/],
    [{ listen: '127.0.0.1:1', cors: { origins: ['ftp://a.example'] } }, /^http\.cors\.origins\[0\] must use http or https/],
    [{ listen: '127.0.0.1:1', cors: { origins: 'https://a.example' } }, /^http\.cors\.origins must be a list/],
    [{ listen: '127.0.0.1:1', cors: { allow: [] } }, /^http\.cors: unknown keys allow/],
    [{ listen: '127.0.0.1:1', hosts: ['warden.internal:9192'] }, /^http\.hosts\[0\] must be a host name without port/],
    [{ listen: '127.0.0.1:1', hosts: 'warden.internal' }, /^http\.hosts must be a list/],
    [{ listen: '127.0.0.1:1', origins: [] }, /^http: unknown keys origins/],
    [{ hosts: ['warden.internal'] }, /^http\.listen must be HOST:PORT/],
    [{ listen: 'nope' }, /^http\.listen must be HOST:PORT/],
  ];
  for (const [http, message] of cases) t.throws(() => httpSettings({ http: http as never }), { instanceOf: ServiceError, message }, JSON.stringify(http));
});

test('readServeConfigFile takes http as an object and refuses a wildcard CORS origin, naming the file', (t) => {
  const dir = temporaryDirectory('warden-http-config-');
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'http:\n  listen: 127.0.0.1:9192\n  hosts: [warden.internal]\n  cors:\n    origins: [https://app.example.com]\nmetricsHosts: [prometheus-target.internal]\n');
  t.like(readServeConfigFile(good), { http: { listen: '127.0.0.1:9192', hosts: ['warden.internal'] }, metricsHosts: ['prometheus-target.internal'] });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'http:\n  listen: 127.0.0.1:9192\n  cors:\n    origins: ["*"]\n');
  t.throws(() => readServeConfigFile(bad), { instanceOf: ServiceError, message: /bad\.yaml: http\.cors\.origins\[0\]: "\*" is refused/ });
  writeFileSync(bad, 'metricsHosts: ["a b"]\n');
  t.throws(() => readServeConfigFile(bad), { instanceOf: ServiceError, message: /bad\.yaml: metricsHosts\[0\] must be a host name/ });
});
