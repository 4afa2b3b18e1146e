import test from 'ava';
import { EnvoyRequestRejected } from '../../../src/server/envoy-rejection.js';
import { HttpRequestError } from '../../../src/server/http/errors.js';
import { forwardAuthAnswer } from '../../../src/server/http/forward-auth-answer.js';

const ID = 'd-1';

test('allowed: 200, the decision id header and body, and the policy headers a proxy may copy upstream', (t) => {
  const a = forwardAuthAnswer({ allow: true, reasons: ['granted'], envoy: { headers: { 'X-User': 'alice', 'x-roles': ['a', 'b'], 'content-type': 'text/evil', 'bad name': 'x', 'x-split': 'a\r\nb' } } }, ID);
  t.is(a.status, 200);
  t.is(a.headers['x-warden-decision-id'], ID);
  t.is(a.headers['x-user'], 'alice');
  t.deepEqual(a.headers['x-roles'], ['a', 'b']);
  t.is(a.headers['content-type'], 'application/json', 'the policy cannot replace the answer own headers');
  t.false('bad name' in a.headers);
  t.false('x-split' in a.headers);
  t.deepEqual(JSON.parse(a.body), { decision_id: ID, allowed: true });
});

test('denied: 403 with no reasons and no policy headers in the answer', (t) => {
  const a = forwardAuthAnswer({ allow: false, reasons: ['secret internal wording'], envoy: { headers: { 'x-user': 'alice' } } }, ID);
  t.is(a.status, 403);
  t.false(a.body.includes('secret'));
  t.false('x-user' in a.headers);
  t.deepEqual(JSON.parse(a.body), { decision_id: ID, allowed: false });
});

test('a failure is a 403 too', (t) => {
  t.is(forwardAuthAnswer({ allow: false, reasons: ['policy evaluation failed: x'], failure: 'error' }, ID).status, 403);
});

test('rate limited: 429 with Retry-After in whole seconds, at least 1', (t) => {
  const at = (ms: number) => forwardAuthAnswer({ allow: false, reasons: ['rate limited: x'], refusedBy: 'rate_limit', retryAfterMs: ms }, ID);
  t.is(at(2500).status, 429);
  t.is(at(2500).headers['retry-after'], '3');
  t.is(at(20).headers['retry-after'], '1');
  t.false('retry-after' in forwardAuthAnswer({ allow: false, reasons: ['banned'], refusedBy: 'ban' }, ID).headers);
});

test('refused before the policy: 401 for no or a bad credential, 400 for an unreadable request, the limit status for one too large', (t) => {
  const deny = { allow: false, reasons: ['request refused'] };
  t.is(forwardAuthAnswer(deny, ID, new HttpRequestError('http_no_credential', 'none')).status, 401);
  t.is(forwardAuthAnswer(deny, ID, new HttpRequestError('http_bad_credential', 'bad')).status, 401);
  t.is(forwardAuthAnswer(deny, ID, new HttpRequestError('http_bad_request', 'bad')).status, 400);
  t.is(forwardAuthAnswer(deny, ID, new EnvoyRequestRejected('header_too_large', 'big')).status, 431);
  t.is(forwardAuthAnswer({ allow: true, reasons: [] }, ID, new HttpRequestError('http_no_credential', 'none')).status, 401, 'a refusal is never an allow');
});
