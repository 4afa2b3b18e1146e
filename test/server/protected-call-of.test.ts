import test from 'ava';
import { protectedCallOf } from '../../src/server/check-route/protected-call-of.js';

test('the call an input describes, the same for both APIs; what is missing or not JSON is empty', (t) => {
  const input = { subject: { id: 'spiffe://a/ns/x/sa/s' }, requester: { id: 'spiffe://a/ns/x/sa/r' }, source: { ip: '10.0.0.1' }, resource: { service: 'orders' }, action: 'read' };
  const call = protectedCallOf(JSON.stringify(input));
  t.deepEqual(call, { subject: 'spiffe://a/ns/x/sa/s', requester: 'spiffe://a/ns/x/sa/r', address: '10.0.0.1', service: 'orders', action: 'read' });
  t.is(protectedCallOf(JSON.stringify(input)), call, 'equal inputs: the same call, from the memo');
  t.deepEqual(protectedCallOf('{"action":"read"}'), { subject: '', requester: '', address: '', service: '', action: 'read' });
  t.deepEqual(protectedCallOf('not json'), { subject: '', requester: '', address: '', service: '', action: '' });
  const big = JSON.stringify({ ...input, context: { blob: 'x'.repeat(10_000) } });
  t.not(protectedCallOf(big), protectedCallOf(big), 'large inputs are not remembered');
  t.deepEqual(protectedCallOf(big), call);
});
