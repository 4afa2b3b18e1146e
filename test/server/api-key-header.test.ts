import test from 'ava';
import { takeApiKey } from '../../src/server/api-key-header.js';

const KEY = `wdn_abcdefghijklmnop_${'A1b-'.repeat(10)}xyz`;

test('x-api-key, else authorization: ApiKey; every header holding a key is removed, others are kept', (t) => {
  const http = { headers: { 'x-api-key': ` ${KEY} `, authorization: `ApiKey ${KEY}`, accept: 'json' } };
  t.is(takeApiKey(http), KEY);
  t.deepEqual(http.headers, { accept: 'json' });
  const bearer = { headers: { authorization: 'Bearer abc' } };
  t.is(takeApiKey(bearer), undefined);
  t.deepEqual(bearer.headers, { authorization: 'Bearer abc' }, 'another scheme is not a key and stays');
  t.is(takeApiKey({ headers: { authorization: `apikey   ${KEY}` } }), KEY, 'the scheme in any case');
  t.is(takeApiKey(undefined), undefined);
});

test("Envoy's raw header_map: values and base64 raw_values are read and removed too", (t) => {
  const http = {
    header_map: {
      headers: [
        { key: 'X-Api-Key', raw_value: Buffer.from(KEY).toString('base64') },
        { key: 'authorization', value: `ApiKey ${KEY}` },
        { key: 'x-request-id', value: 'r1' },
      ],
    },
  };
  t.is(takeApiKey(http), KEY);
  t.deepEqual(http.header_map.headers, [{ key: 'x-request-id', value: 'r1' }]);
});
