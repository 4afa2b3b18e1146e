import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRedisConfig, printableRedisUrl } from '../../src/protection/redis-config.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

test('a URL alone: defaults for the rest', (t) => {
  t.deepEqual(parseRedisConfig('redis://127.0.0.1:6379'), { url: 'redis://127.0.0.1:6379', keyPrefix: 'warden:', budgetMs: 5 });
  t.is(parseRedisConfig(undefined), undefined);
});

test('an object: password, prefix, budget and TLS files read', (t) => {
  const dir = temporaryDirectory('warden-redis-config-');
  writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
  writeFileSync(join(dir, 'cert.pem'), 'CERT PEM');
  writeFileSync(join(dir, 'key.pem'), 'KEY PEM');
  const settings = parseRedisConfig({ url: 'rediss://cache:6380', password: 'pw', keyPrefix: 'shop:', budgetMs: 10, tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } });
  t.deepEqual(settings, { url: 'rediss://cache:6380', password: 'pw', keyPrefix: 'shop:', budgetMs: 10, tls: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' } });
});

test('bad values are refused, naming the field', (t) => {
  const cases: [unknown, RegExp][] = [
    ['http://cache:6379', /^redis must start redis:\/\/ or rediss:\/\//],
    ['not a url', /^redis is not a URL/],
    [42, /^redis must be a redis:\/\/ URL or an object/],
    [{ url: 'redis://cache:6379', budget: 5 }, /^redis: unknown keys budget/],
    [{ url: 'redis://cache:6379', budgetMs: 0 }, /^redis\.budgetMs must be/],
    [{ url: 'redis://cache:6379', budgetMs: 5000 }, /^redis\.budgetMs must be/],
    [{ url: 'redis://cache:6379', password: '' }, /^redis\.password/],
    [{ url: 'redis://cache:6379', tls: { caFile: '/x' } }, /^redis\.tls needs a rediss:\/\/ URL/],
    [{ url: 'rediss://cache:6379', tls: { certFile: '/x' } }, /^redis\.tls: certFile and keyFile go together/],
    [{ url: 'rediss://cache:6379', tls: { caFile: '/nonexistent/ca.pem' } }, /^redis\.tls\.caFile: cannot read \/nonexistent\/ca\.pem/],
    [{ password: 'x' }, /^redis\.url must be/],
  ];
  for (const [raw, message] of cases) t.throws(() => parseRedisConfig(raw), { code: 'protection_invalid_config', message }, JSON.stringify(raw));
});

test('a password never shows in the printable URL', (t) => {
  t.is(printableRedisUrl('redis://:s3cret@cache:6379/2'), 'redis://cache:6379/2');
  t.is(printableRedisUrl('rediss://user:s3cret@cache:6380'), 'rediss://cache:6380');
});

test('the config file: redis is a known key, checked when the file is read', (t) => {
  const dir = temporaryDirectory('warden-redis-config-');
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'redis: redis://127.0.0.1:6379\n');
  t.is(readServeConfigFile(good).redis, 'redis://127.0.0.1:6379');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'redis:\n  url: redis://127.0.0.1:6379\n  budgetMs: -1\n');
  t.throws(() => readServeConfigFile(bad), { code: 'invalid_config', message: /bad\.yaml: redis\.budgetMs must be/ });
});
