import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeySource } from '../../src/credentials/api-key-source.js';
import { ApiKeyStore } from '../../src/credentials/api-key-store.js';
import { CredentialError } from '../../src/credentials/errors.js';
import { readServeConfigFile } from '../../src/server/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const NOW = Date.UTC(2026, 11, 3);

function storeFile(): string {
  return join(temporaryDirectory('warden-keys-'), 'keys.json');
}

test('a store that becomes unreadable refuses every key until it is readable again (fail closed); a deleted one holds none', (t) => {
  const file = storeFile();
  const { key } = new ApiKeyStore(file).create('spiffe://acme/a', { nowMs: NOW });
  const errors: string[] = [];
  const source = new ApiKeySource(file, { pollMs: 60_000, onError: (e) => errors.push(e.message) });
  t.teardown(() => source.close());
  t.true(source.check(key, 'x', NOW).ok);
  writeFileSync(file, '{"keys": [');
  source.reload();
  const refused = source.check(key, 'x', NOW);
  t.false(refused.ok);
  t.regex(refused.why ?? '', /^key store unreadable: cannot read API key store/);
  t.is(errors.length, 1);
  rmSync(file);
  source.reload();
  t.is(source.size, 0);
  t.false(source.check(key, 'x', NOW).ok);
});

test('the store is followed as it changes: a key created by another process works without a restart', async (t) => {
  const file = storeFile();
  const source = new ApiKeySource(file, { pollMs: 20 });
  t.teardown(() => source.close());
  const { key } = new ApiKeyStore(file).create('spiffe://acme/a', { nowMs: Date.now() });
  for (let i = 0; i < 100 && !source.check(key, 'x', Date.now()).ok; i++) await new Promise((r) => setTimeout(r, 20));
  t.true(source.check(key, 'x', Date.now()).ok);
});

test('a store that exists and is not a store refuses to start', (t) => {
  const file = storeFile();
  writeFileSync(file, 'not json');
  t.throws(() => new ApiKeySource(file), { instanceOf: CredentialError, message: /cannot read API key store/ });
});

test('the config file: apiKeys is found beside it, credentials are checked with the rest', (t) => {
  const dir = temporaryDirectory('warden-config-');
  const config = join(dir, 'warden.yaml');
  writeFileSync(config, 'apiKeys: keys/api-keys.json\ncredentials:\n  maxTokenAge: 1h\n');
  t.is(readServeConfigFile(config).apiKeys, join(dir, 'keys/api-keys.json'));
  writeFileSync(config, 'credentials:\n  maxTokenAge: forever\n');
  t.throws(() => readServeConfigFile(config), { message: /warden\.yaml: credentials\.maxTokenAge must be a positive duration/ });
  writeFileSync(config, 'apiKeys: 3\n');
  t.throws(() => readServeConfigFile(config), { message: /apiKeys must be the path of an API key store file/ });
});
