import test from 'ava';
import { authorizeInputJson } from '../../src/embed/authorize-input.js';
import { EmbedError } from '../../src/embed/errors.js';
import { WEB, workload } from './helpers/policy-dir.js';

test('fills the Authorizer defaults and writes canonical JSON (keys sorted at every level)', (t) => {
  const subject = workload(WEB);
  const json = authorizeInputJson({ subject, action: 'orders.read', resource: { service: 'orders' }, tenant: { name: 'acme', id: 7 } });
  t.deepEqual(JSON.parse(json), {
    action: 'orders.read',
    context: {},
    requester: subject,
    resource: { attributes: {}, path: '', service: 'orders' },
    source: { ip: '' },
    subject,
    tenant: { id: 7, name: 'acme' },
  });
  t.true(json.indexOf('"id":7') < json.indexOf('"name":"acme"'));
  // Key order of the caller's object does not matter: the text (the cache key) is the same.
  const reordered = authorizeInputJson({ tenant: { id: 7, name: 'acme' }, resource: { service: 'orders' }, action: 'orders.read', subject });
  t.is(reordered, json);
});

test('an explicit requester is kept and checked like the subject', (t) => {
  const json = authorizeInputJson({ subject: workload(WEB), requester: { id: 'spiffe://example.org/ns/mesh/sa/gateway', authenticated_by: 'mtls' }, action: 'GET' });
  t.is((JSON.parse(json) as { requester: { id: string } }).requester.id, 'spiffe://example.org/ns/mesh/sa/gateway');
  t.throws(() => authorizeInputJson({ subject: workload(WEB), requester: { id: 'x', authenticated_by: 'trust-me' }, action: 'GET' }), {
    instanceOf: EmbedError,
    code: 'embed_invalid_input',
    message: /^input\.requester\.authenticated_by must be one of/,
  });
});

test('the limits bound depth and string length, naming the path', (t) => {
  const deep = { a: { b: { c: 'x' } } };
  t.throws(() => authorizeInputJson({ subject: workload(WEB), action: 'GET', context: deep }, { maxDepth: 3, maxValueLength: 100 }), { message: 'input.context.a.b.c nests deeper than 3 levels' });
  t.throws(() => authorizeInputJson({ subject: workload(WEB), action: 'GET', context: { list: ['ok', 'x'.repeat(101)] } }, { maxDepth: 32, maxValueLength: 100 }), {
    message: 'input.context.list[1] is longer than 100 characters',
  });
});
