import test from 'ava';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { DecisionRecord } from '../../src/audit/index.js';
import { createAuthorizer, wardenInterceptor } from '../../src/index.js';
import { createCa } from '../server/helpers/pki.js';
import { ECHO_METHOD, startEchoServer } from './helpers/echo-server.js';
import { BILLING, policyDir, WEB } from './helpers/policy-dir.js';
import { memoryLogger } from './helpers/silent-logger.js';

// One CA for the file: its keys are the slow part of a test's setup.
const ca = createCa();

async function setup(t: import('ava').ExecutionContext, tls = true) {
  const records: DecisionRecord[] = [];
  const authorizer = await createAuthorizer({ policies: policyDir({ [WEB]: [ECHO_METHOD] }), watch: false, decisionLog: (r) => records.push(r), logger: memoryLogger().logger, budgetMs: 5_000 });
  const echo = await startEchoServer(tls ? ca : undefined, [wardenInterceptor({ authorizer })]);
  t.teardown(async () => {
    await echo.close();
    await authorizer.close();
  });
  return { echo, records };
}

test('an allowed call reaches the handler untouched; the decision names the method and its service', async (t) => {
  const { echo, records } = await setup(t);
  const client = echo.client(WEB);
  const { response } = await client.echo(Buffer.from('hello'));
  t.is(response.toString(), 'hello');
  t.is(echo.handled, 1);
  t.like(records[0], { api: 'inprocess', allowed: true, action: ECHO_METHOD, resource: { service: 'test.Echo', path: ECHO_METHOD, attributes: {} } });
  t.like(records[0]!.subject as object, { id: WEB, authenticated_by: 'mtls' });
  t.is((records[0]!.source as { ip: string }).ip, '127.0.0.1');
  // The same caller again: a cached decision, still reaching the handler.
  await client.echo(Buffer.from('again'));
  t.is(echo.handled, 2);
  t.true(records[1]!.cached);
});

test('a denied call gets PERMISSION_DENIED with its decision id, and the handler never runs', async (t) => {
  const { echo, records } = await setup(t);
  const error = await t.throwsAsync<ServiceError>(echo.client(BILLING).echo(Buffer.from('hello')));
  t.is(error.code, status.PERMISSION_DENIED);
  t.is(echo.handled, 0);
  t.like(records[0], { allowed: false, reasons: ['not granted'] });
  t.is(error.metadata.get('x-warden-decision-id')[0], records[0]!.decision_id);
  t.true(error.details.includes(records[0]!.decision_id));
  // Reasons stay in the log unless exposeReasons is set.
  t.false(error.details.includes('not granted'));
});

test('a certificate without a SPIFFE ID, or a CA certificate, is UNAUTHENTICATED before any decision', async (t) => {
  const { echo, records } = await setup(t);
  const noSpiffe = await t.throwsAsync<ServiceError>(echo.client(null).echo(Buffer.from('x')));
  t.is(noSpiffe.code, status.UNAUTHENTICATED);
  t.regex(noSpiffe.details, /no spiffe:\/\/ URI SAN/);
  const caCert = await t.throwsAsync<ServiceError>(echo.client(WEB, { ca: true }).echo(Buffer.from('x')));
  t.is(caCert.code, status.UNAUTHENTICATED);
  t.is(echo.handled, 0);
  t.is(records.length, 0);
});

test('a call without TLS at all is UNAUTHENTICATED', async (t) => {
  const { echo } = await setup(t, false);
  const error = await t.throwsAsync<ServiceError>(echo.client('plaintext').echo(Buffer.from('x')));
  t.is(error.code, status.UNAUTHENTICATED);
  t.regex(error.details, /no client certificate/);
  t.is(echo.handled, 0);
});

test('exposeReasons puts the policy reasons in the status details', async (t) => {
  const authorizer = await createAuthorizer({ policies: policyDir({}), watch: false, logger: memoryLogger().logger, budgetMs: 5_000 });
  const echo = await startEchoServer(ca, [wardenInterceptor({ authorizer, exposeReasons: true })]);
  t.teardown(async () => {
    await echo.close();
    await authorizer.close();
  });
  const error = await t.throwsAsync<ServiceError>(echo.client(WEB).echo(Buffer.from('x')));
  t.regex(error.details, /^permission denied: not granted \(decision [0-9a-f-]{36}\)$/);
});

test('options must name exactly one source of decisions', (t) => {
  t.throws(() => wardenInterceptor({} as never), { message: /exactly one of authorizer .* or remote/ });
});
