import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServeConfigFile } from '../../../src/server/config.js';
import { ServiceError } from '../../../src/server/errors.js';
import { OpaApiError } from '../../../src/server/http/errors.js';
import { opaApiEntrypoints } from '../../../src/server/http/opa-config.js';
import { opaDocumentPath, opaQueryOptions, parseDataRequest, parseDefaultRequest } from '../../../src/server/http/opa-request.js';
import { temporaryDirectory } from '../../helpers/temp-dir.js';

const q = (s: string) => new URLSearchParams(s);
const body = (s: string) => Buffer.from(s);

test('document paths: /v1/data/a/b is a/b, percent-decoded, trailing and doubled slashes dropped; /v1/data is the root', (t) => {
  t.is(opaDocumentPath('/v1/data/warden/authz/decision'), 'warden/authz/decision');
  t.is(opaDocumentPath('/v1/data/shop//allow/'), 'shop/allow');
  t.is(opaDocumentPath('/v1/data/sh%6Fp/allow'), 'shop/allow');
  t.is(opaDocumentPath('/v1/data'), '');
  t.is(t.throws(() => opaDocumentPath('/v1/data/%E0%A4%A'), { instanceOf: OpaApiError })!.code, 'invalid_parameter');
});

test('query flags as OPA reads them: bare or "true"; anything else is off', (t) => {
  t.deepEqual(opaQueryOptions(q('pretty&metrics=true&provenance=false&explain=full')), { pretty: true, metrics: true, provenance: false });
  t.deepEqual(opaQueryOptions(q('')), { pretty: false, metrics: false, provenance: false });
});

test('POST bodies: {"input": …} gives the input (null too), {} or an empty body none; anything not a JSON object is 400', (t) => {
  t.like(parseDataRequest('POST', '/v1/data/a', q(''), body('{"input":{"user":"bob"}}'), 8), { document: 'a', hasInput: true, input: { user: 'bob' } });
  t.like(parseDataRequest('POST', '/v1/data/a', q(''), body('{"input":null}'), 8), { hasInput: true, input: null });
  t.like(parseDataRequest('POST', '/v1/data/a', q(''), body('{}'), 8), { hasInput: false });
  t.like(parseDataRequest('POST', '/v1/data/a', q(''), body(''), 8), { hasInput: false });
  for (const bad of ['{', '[]', '1', 'null']) {
    const e = t.throws(() => parseDataRequest('POST', '/v1/data/a', q(''), body(bad), 8), { instanceOf: OpaApiError })!;
    t.is(e.status, 400, bad);
    t.is(e.code, 'invalid_parameter');
  }
});

test('input depth: the limit counts the input, not the body wrapping it', (t) => {
  const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
  t.notThrows(() => parseDataRequest('POST', '/v1/data/a', q(''), body(`{"input":${nested(8)}}`), 8));
  t.regex(t.throws(() => parseDataRequest('POST', '/v1/data/a', q(''), body(`{"input":${nested(9)}}`), 8))!.message, /nests deeper than 8 levels/);
  t.throws(() => parseDefaultRequest(body(nested(9)), 'system/main', 8));
});

test('GET takes ?input= as JSON; POST / takes the whole body as the input', (t) => {
  t.like(parseDataRequest('GET', '/v1/data/a', q('input=%5B1%2C2%5D'), body(''), 8), { hasInput: true, input: [1, 2] });
  t.like(parseDataRequest('GET', '/v1/data/a', q(''), body('{"input":1}'), 8), { hasInput: false }, 'a GET body is ignored');
  t.like(parseDefaultRequest(body('{"user":"alice"}'), 'system/main', 8), { document: 'system/main', hasInput: true, input: { user: 'alice' } });
  t.like(parseDefaultRequest(body(''), 'system/main', 8), { hasInput: false });
});

test('opaApi.entrypoints: rule paths only, each wrong one named', (t) => {
  t.deepEqual(opaApiEntrypoints({}), []);
  t.deepEqual(opaApiEntrypoints({ opaApi: { entrypoints: ['system/main', 'shop/allow'] } }), ['system/main', 'shop/allow']);
  t.regex(t.throws(() => opaApiEntrypoints({ opaApi: { entrypoints: ['shop/allow', 'data.shop.x'] } }))!.message, /opaApi\.entrypoints\[1\] must be a rule path/);
  t.regex(t.throws(() => opaApiEntrypoints({ opaApi: { entrypoint: [] } as never }))!.message, /unknown keys entrypoint/);
  t.regex(t.throws(() => opaApiEntrypoints({ opaApi: { entrypoints: 'shop/allow' } as never }))!.message, /must be a list/);
});

test('readServeConfigFile takes opaApi and names a wrong entrypoint with the file', (t) => {
  const dir = temporaryDirectory('warden-opa-config-');
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'http: 127.0.0.1:9192\nopaApi:\n  entrypoints: [system/main, shop/allow]\n');
  t.deepEqual(readServeConfigFile(good).opaApi, { entrypoints: ['system/main', 'shop/allow'] });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'opaApi:\n  entrypoints: ["shop.allow"]\n');
  t.throws(() => readServeConfigFile(bad), { instanceOf: ServiceError, message: /bad\.yaml: opaApi\.entrypoints\[0\] must be a rule path/ });
});
