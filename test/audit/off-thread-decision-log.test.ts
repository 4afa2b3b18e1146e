import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OffThreadDecisionLog, type DecisionRecord } from '../../src/audit/index.js';

const record = (id: string): DecisionRecord => ({
  decision_id: id,
  time: '2025-01-01T00:00:00.000Z',
  api: 'authorizer',
  requester: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'mtls' },
  subject: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'jwt', claims: { sub: 'y', raw: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln' } },
  action: 'read',
  resource: { service: 's', path: '/p', attributes: { api_key: 'k-123' } },
  context: { password: 'hunter2', note: 'ok' },
  allowed: true,
  reasons: ['granted'],
  revision: 'r1',
  cached: false,
  latency: 0.2,
});

test('records written from the serving thread reach the file in order, redacted, by close()', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-offthread-')), 'decisions.log');
  const log = new OffThreadDecisionLog({ destination: file, redactPaths: ['resource.path'] });
  for (let i = 0; i < 500; i++) log.write(record(`d${i}`));
  await log.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  t.is(lines.length, 500);
  t.deepEqual(lines.map((l) => l.decision_id).slice(0, 3), ['d0', 'd1', 'd2']);
  t.is(lines[499]!.decision_id, 'd499');
  t.is(lines[0]!.log, 'decision');
  t.deepEqual(lines[0]!.context, { password: '[REDACTED]', note: 'ok' });
  t.is(lines[0]!.resource.attributes.api_key, '[REDACTED]');
  t.is(lines[0]!.resource.path, '[REDACTED]');
  t.is(lines[0]!.subject.claims.raw, '[REDACTED]');
  t.is(log.dropped, 0);
});

test('flush() hands everything written so far to the file', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-offthread-')), 'decisions.log');
  const log = new OffThreadDecisionLog({ destination: file });
  log.write(record('first'));
  await log.flush();
  t.is(readFileSync(file, 'utf8').trim().split('\n').length, 1);
  await log.close();
});
