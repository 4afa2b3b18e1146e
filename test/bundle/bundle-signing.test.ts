import test from 'ava';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import {
  BundleSignatureError,
  packFiles,
  readBundleFiles,
  verifyBundleFiles,
  writeBundle,
  type Bundle,
  type BundleSigningOptions,
  type BundleVerificationOptions,
} from '../../src/bundle/index.js';
import { Engine, EngineError, loadRevision, PolicyManager } from '../../src/engine/index.js';
import { jsonDigestText } from '../../src/bundle/json-digest-text.js';
import { fileDigest } from '../../src/bundle/bundle-digests.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { testCompiler } from '../server/helpers/test-policy.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const EP = 'warden/authz/decision';
const dir = temporaryDirectory('warden-signing-');

function keyFiles(name: string, type: 'rsa' | 'ec'): { privateKey: string; publicKey: string } {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = join(dir, `${name}.key.pem`);
  const publicKey = join(dir, `${name}.pub.pem`);
  writeFileSync(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey };
}

const rsa = keyFiles('rsa', 'rsa');
const otherRsa = keyFiles('other', 'rsa');
const ec = keyFiles('ec', 'ec');

function sampleBundle(revision = 'r1'): Bundle {
  return {
    manifest: { revision, roots: [''] },
    data: { grants: { alice: ['read'] } },
    modules: [{ path: '/authz/policy.rego', source: 'package warden.authz\n' }],
    wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]),
  };
}

async function signedFiles(signing: BundleSigningOptions, bundle = sampleBundle()): Promise<Map<string, Buffer>> {
  return readBundleFiles(await writeBundle(bundle, signing));
}

async function refusal(files: Map<string, Buffer>, options: BundleVerificationOptions): Promise<BundleSignatureError> {
  const e = await verifyBundleFiles(files, options).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(e instanceof BundleSignatureError)) throw new Error(`expected a BundleSignatureError, got ${String(e)}`);
  return e;
}

test('a bundle signed with RS256 (the default) or ES256 verifies with the public key', async (t) => {
  const files = await signedFiles({ keyFile: rsa.privateKey });
  t.true(files.has('/.signatures.json'));
  await t.notThrowsAsync(verifyBundleFiles(files, { keyFile: rsa.publicKey }));
  const header = JSON.parse(Buffer.from((JSON.parse(files.get('/.signatures.json')!.toString()) as { signatures: string[] }).signatures[0]!.split('.')[0]!, 'base64url').toString()) as { alg: string };
  t.is(header.alg, 'RS256');
  await t.notThrowsAsync(verifyBundleFiles(await signedFiles({ keyFile: ec.privateKey, algorithm: 'ES256' }), { keyFile: ec.publicKey }));
});

test('an HS256 bundle verifies with the same secret and not with another', async (t) => {
  const secret = join(dir, 'secret');
  const otherSecret = join(dir, 'other-secret');
  writeFileSync(secret, 'correct horse battery staple');
  writeFileSync(otherSecret, 'another secret entirely');
  const files = await signedFiles({ keyFile: secret, algorithm: 'HS256' });
  await t.notThrowsAsync(verifyBundleFiles(files, { keyFile: secret }));
  t.regex((await refusal(files, { keyFile: otherSecret })).message, /does not verify/);
});

for (const [name, change] of [
  ['data.json', (b: Buffer) => Buffer.from(b.toString().replace('read', 'write'))],
  ['policy.wasm', (b: Buffer) => Buffer.concat([b, Buffer.from([0])])],
  ['authz/policy.rego', (b: Buffer) => Buffer.from(`${b.toString()}allow := true\n`)],
  ['.manifest', (b: Buffer) => Buffer.from(b.toString().replace('r1', 'r2'))],
] as const) {
  test(`a changed ${name} is refused with a reason naming it`, async (t) => {
    const files = await signedFiles({ keyFile: rsa.privateKey });
    const before = files.get(`/${name}`)!;
    files.set(`/${name}`, change(before));
    t.notDeepEqual(files.get(`/${name}`), before);
    const e = await refusal(await readBundleFiles(await packFiles(files)), { keyFile: rsa.publicKey });
    t.is(e.file, name);
    t.regex(e.message, /digest does not match/);
  });
}

test('whitespace and key order in data.json do not change its digest (it is signed as canonical JSON)', async (t) => {
  const files = await signedFiles({ keyFile: rsa.privateKey });
  files.set('/data.json', Buffer.from('{\n  "grants": { "alice": [ "read" ] }\n}\n'));
  files.set('/.manifest', Buffer.from('{"roots": [""], "revision": "r1"}'));
  await t.notThrowsAsync(verifyBundleFiles(files, { keyFile: rsa.publicKey }));
});

test('a file added to or removed from a signed bundle is refused', async (t) => {
  const added = await signedFiles({ keyFile: rsa.privateKey });
  added.set('/extra/data.json', Buffer.from('{"admin": true}'));
  const e1 = await refusal(added, { keyFile: rsa.publicKey });
  t.is(e1.file, 'extra/data.json');
  t.regex(e1.message, /not in the bundle's signature/);
  const removed = await signedFiles({ keyFile: rsa.privateKey });
  removed.delete('/authz/policy.rego');
  const e2 = await refusal(removed, { keyFile: rsa.publicKey });
  t.is(e2.file, 'authz/policy.rego');
  t.regex(e2.message, /signed but missing/);
});

test('a bundle signed by another key, or with an algorithm the key does not take, is refused', async (t) => {
  const files = await signedFiles({ keyFile: otherRsa.privateKey });
  t.regex((await refusal(files, { keyFile: rsa.publicKey })).message, /does not verify with key/);
  t.regex((await refusal(files, { keyFile: ec.publicKey })).message, /signed with RS256, which verification key .* cannot verify/);
});

test('an unsigned bundle is refused when verification is configured', async (t) => {
  const files = await readBundleFiles(await writeBundle(sampleBundle()));
  t.false(files.has('/.signatures.json'));
  t.regex((await refusal(files, { keyFile: rsa.publicKey })).message, /not signed/);
});

test('key id and scope are checked as configured', async (t) => {
  const files = await signedFiles({ keyFile: rsa.privateKey, keyId: 'ci', claims: { scope: 'write' } });
  await t.notThrowsAsync(verifyBundleFiles(files, { keyFile: rsa.publicKey, keyId: 'ci', scope: 'write' }));
  t.regex((await refusal(files, { keyFile: rsa.publicKey, keyId: 'release', scope: 'write' })).message, /key id "ci", expected "release"/);
  t.regex((await refusal(files, { keyFile: rsa.publicKey })).message, /scope "write" is not the configured ""/);
});

test('a .signatures.json made the way opa build makes it, with digests computed by hand, verifies', async (t) => {
  const data = '{"z": [1.0, 1e3, -0, {"b": "x<y\\u0041", "a": null}], "a": true, "\u00e9": "\u2028"}';
  const manifest = '{"revision":"opa-1","roots":[""]}';
  const rego = 'package app\n\nallow if input.user == "alice"\n';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  // OPA hashes JSON as compact text, keys sorted by UTF-8 bytes, numbers as written, strings
  // re-escaped by Go (no HTML escaping, U+2028 escaped); other files as bytes.
  const payload = {
    files: [
      { name: 'data.json', hash: sha256('{"a":true,"z":[1.0,1e3,-0,{"a":null,"b":"x<yA"}],"\u00e9":"\\u2028"}'), algorithm: 'SHA-256' },
      { name: 'app/policy.rego', hash: sha256(rego), algorithm: 'SHA-256' },
      { name: '.manifest', hash: sha256('{"revision":"opa-1","roots":[""]}'), algorithm: 'SHA-256' },
    ],
    keyid: 'default',
  };
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid: 'default' }).sign(createPrivateKey(readFileSync(ec.privateKey)));
  const archive = await packFiles(
    new Map([
      ['/data.json', Buffer.from(data)],
      ['/app/policy.rego', Buffer.from(rego)],
      ['/.manifest', Buffer.from(manifest)],
      ['/.signatures.json', Buffer.from(JSON.stringify({ signatures: [token] }))],
    ]),
  );
  await t.notThrowsAsync(verifyBundleFiles(await readBundleFiles(archive), { keyFile: ec.publicKey, keyId: 'default' }));
});

async function writeSigned(file: string, revision: string, signing?: BundleSigningOptions): Promise<void> {
  writeFileSync(file, await writeBundle({ ...sampleBundle(revision), wasm: undefined }, signing));
}

test('the loader verifies before it activates: a refused bundle is an EngineError with the reason', async (t) => {
  const file = join(dir, 'loader.tar.gz');
  const options = { bundle: file, entrypoints: [EP], compiler: testCompiler(), verification: { keyFile: rsa.publicKey } };
  await writeSigned(file, 'good', { keyFile: rsa.privateKey });
  t.is((await loadRevision(options)).id, 'good');
  await writeSigned(file, 'unsigned');
  const e = await t.throwsAsync(loadRevision(options), { instanceOf: EngineError });
  t.is(e!.code, 'engine_bundle_unverified');
  t.regex(e!.message, /loader\.tar\.gz refused: bundle is not signed/);
  const dirOnly = await t.throwsAsync(loadRevision({ policies: dir, entrypoints: [EP], compiler: testCompiler(), verification: { keyFile: rsa.publicKey } }), { instanceOf: EngineError });
  t.is(dirOnly!.code, 'engine_invalid_config');
});

test('the policy manager keeps the last good revision when a reload brings a bundle signed by another key', async (t) => {
  const file = join(dir, 'manager.tar.gz');
  await writeSigned(file, 'first', { keyFile: rsa.privateKey });
  const engine = new Engine();
  const manager = new PolicyManager(engine, { bundle: file, entrypoints: [EP], compiler: testCompiler(), verification: { keyFile: rsa.publicKey } });
  t.teardown(() => manager.close());
  t.true((await manager.load()).ok);
  await writeSigned(file, 'intruder', { keyFile: otherRsa.privateKey });
  const result = await manager.load();
  t.false(result.ok);
  if (!result.ok) t.regex(result.error.message, /does not verify with key/);
  t.is(engine.revision!.id, 'first');
  await writeSigned(file, 'second', { keyFile: rsa.privateKey });
  t.true((await manager.load()).ok);
  t.is(engine.revision!.id, 'second');
});

test('config bundleVerification: keyFile found beside the config, bad shapes refused naming the field', async (t) => {
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const good = readServeConfigFile(write('verify.yaml', 'bundleVerification:\n  keyFile: keys/pub.pem\n  keyId: ci\n  scope: write\n'));
  t.deepEqual(good.bundleVerification, { keyFile: join(dir, 'keys/pub.pem'), keyId: 'ci', scope: 'write' });
  t.throws(() => readServeConfigFile(write('no-key.yaml', 'bundleVerification:\n  keyId: ci\n')), { message: /bundleVerification\.keyFile must be the path of a key file/ });
  t.throws(() => readServeConfigFile(write('extra.yaml', 'bundleVerification:\n  keyFile: k.pem\n  exclude: [x]\n')), { message: /bundleVerification: unknown keys exclude/ });
  t.throws(() => readServeConfigFile(write('scope.yaml', 'bundleVerification:\n  keyFile: k.pem\n  scope: 3\n')), { message: /bundleVerification\.scope must be a string/ });
});

test('a YAML data file is digested as OPA digests it: integers with all their digits', (t) => {
  const digest = (yaml: string) => fileDigest('/app/data.yaml', Buffer.from(yaml));
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  t.is(digest('ids: [1234567890123456789, 12]\nname: x\n'), sha256('{"ids":[1234567890123456789,12],"name":"x"}'));
});

test('the JSON digest text keeps numbers as written, keeps the last of duplicate keys and sorts keys by UTF-8 bytes', (t) => {
  t.is(jsonDigestText(' { "b" : 1.50 , "a" : [ 2E+1 , "\\n" ] } '), '{"a":[2E+1,"\\n"],"b":1.50}');
  t.is(jsonDigestText('{"k": 1, "k": 2}'), '{"k":2}');
  // In UTF-16 code units U+1F600 (D83D…) sorts before U+FF5E; in UTF-8 bytes (F0… against EF…), as Go sorts, after it.
  t.is(jsonDigestText('{"\u{1F600}": 1, "\uFF5E": 2}'), '{"\uFF5E":2,"\u{1F600}":1}');
  t.is(jsonDigestText('{"\uFF5E": 2, "\u{1F600}": 1}'), '{"\uFF5E":2,"\u{1F600}":1}');
});
