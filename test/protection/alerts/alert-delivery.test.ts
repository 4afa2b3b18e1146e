import test, { type ExecutionContext } from 'ava';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PostableAlert } from '../../../src/protection/alerts/alert.js';
import { alertsEndpoint } from '../../../src/protection/alerts/alertmanager-client.js';
import { event, watch } from './helpers.js';

interface Post {
  at: number;
  path: string;
  contentType: string | undefined;
  alerts: PostableAlert[];
}

/** A stand-in webhook on a free loopback port answering with `answer`; stopped in teardown. */
async function webhook(t: ExecutionContext, answer: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; posts: Post[] }> {
  const posts: Post[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      posts.push({ at: Date.now(), path: req.url ?? '', contentType: req.headers['content-type'], alerts: JSON.parse(body) as PostableAlert[] });
      answer(req, res, posts.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

const fast = { batchDelayMs: 20, retryInitialMs: 20, retryMaxMs: 160, timeoutMs: 300 };

test('alerts raised together go in one POST to /api/v2/alerts, as Alertmanager API v2 takes them', async (t) => {
  const hook = await webhook(t, (_req, res) => res.writeHead(200).end());
  const w = watch({ webhook: hook.url, resolveAfter: '5m' }, { delivery: fast }, Date.parse('2026-12-03T10:00:00Z'));
  t.teardown(() => w.monitor.close(0));
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'payments', address: '10.0.0.9' });
  w.monitor.raise({ kind: 'deny_burst', subject: 'spiffe://example.org/ns/a/sa/x', service: 'ledger', counts: { denials: 20, withinMs: 60_000 } });
  w.monitor.raise({ kind: 'ban', address: '203.0.113.9', endsAtMs: Date.parse('2026-12-03T10:05:00Z'), counts: { denials: 10 } });
  await until(() => hook.posts.length > 0);
  await sleep(50);
  t.is(hook.posts.length, 1, 'one batch');
  const [post] = hook.posts;
  t.is(post!.path, '/api/v2/alerts');
  t.is(post!.contentType, 'application/json');
  t.deepEqual(post!.alerts[0], {
    labels: { alertname: 'WardenNewEdge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'payments' },
    annotations: { summary: 'spiffe://example.org/ns/a/sa/x called payments, an edge not seen before', address: '10.0.0.9' },
    startsAt: '2026-12-03T10:00:00.000Z',
    endsAt: '2026-12-03T10:05:00.000Z',
  });
  t.deepEqual(post!.alerts[1]!.labels, { alertname: 'WardenDenyBurst', subject: 'spiffe://example.org/ns/a/sa/x' });
  t.is(post!.alerts[1]!.annotations['service'], 'ledger');
  t.deepEqual(post!.alerts[2]!.labels, { alertname: 'WardenBan', address: '203.0.113.9' });
  t.regex(post!.alerts[2]!.annotations['summary']!, /banned until 2026-12-03T10:05:00.000Z/);
  t.deepEqual(w.monitor.deliveryStats, { queued: 0, failures: 0, dropped: 0 });
});

test('webhook down: retried with growing back-off, failures counted, the queue bounded (oldest dropped), observe never waits', async (t) => {
  let up = false;
  const hook = await webhook(t, (_req, res) => res.writeHead(up ? 200 : 503).end('down for maintenance'));
  let failures = 0;
  let dropped = 0;
  const w = watch(
    { webhook: hook.url, denyBurst: { count: 1, within: '60s' } },
    { delivery: { ...fast, maxQueue: 5 }, onWebhookFailure: () => failures++, onAlertDrop: (n) => (dropped += n) },
  );
  t.teardown(() => w.monitor.close(0));
  const started = performance.now();
  for (let i = 0; i < 20; i++) w.monitor.observe(event(w.clock, { subject: `spiffe://example.org/ns/a/sa/s${i}`, deniedBy: 'policy' }));
  const observeMs = performance.now() - started;
  t.is(w.alerts().length, 20, 'every alert is on the log at once, whatever the webhook does');
  t.true(observeMs < 200, `20 observe() calls took ${observeMs.toFixed(1)} ms`);
  t.true(w.monitor.deliveryStats.queued <= 5);
  t.is(dropped, 15, 'past the bound the oldest are dropped, and counted');

  // Failures are counted when the answer is read, after the server has seen the POST.
  await until(() => failures >= 5);
  const gaps = hook.posts.slice(1).map((p, i) => p.at - hook.posts[i]!.at);
  // Lower bounds only (the back-off doubling from 20 ms to 160 ms, less its 20% jitter and a little
  // for the network): a busy machine can only make the gaps longer.
  gaps.forEach((gap, i) => t.true(gap >= 0.8 * Math.min(160, 20 * 2 ** i) - 10, `back-off grows: gaps ${gaps.join(', ')} ms`));
  t.is(failures, hook.posts.length);
  t.is(w.monitor.deliveryStats.failures, failures);
  t.true(hook.posts.every((p) => p.alerts.length === 5), 'the same batch is kept and sent again');
  t.true(w.lines.filter((l) => /alert webhook failed/.test(String(l['msg']))).length === 1, 'an outage is logged once, not at every retry');

  up = true;
  await until(() => w.monitor.deliveryStats.queued === 0);
  const delivered = hook.posts.at(-1)!.alerts.map((a) => a.labels['subject']);
  t.deepEqual(delivered, [15, 16, 17, 18, 19].map((i) => `spiffe://example.org/ns/a/sa/s${i}`), 'the newest five got through');
  t.true(w.lines.some((l) => /delivering again/.test(String(l['msg']))));
});

test('a webhook that never answers: each POST is cut at its timeout and retried; close() is bounded', async (t) => {
  const hook = await webhook(t, () => undefined);
  let failures = 0;
  const w = watch({ webhook: hook.url }, { delivery: { ...fast, timeoutMs: 100 }, onWebhookFailure: () => failures++ });
  const started = performance.now();
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'payments' });
  t.true(performance.now() - started < 500, 'raise() returns at once, not when the webhook answers (never)');
  await until(() => failures >= 2);
  t.true(hook.posts.length >= 2);
  const closing = performance.now();
  await w.monitor.close(150);
  t.true(performance.now() - closing < 1000, 'close() gives up after its timeout');
  t.is(w.monitor.deliveryStats.queued, 0);
});

test('an unreachable webhook is a failure and is retried; a refused batch (400) is dropped, not retried', async (t) => {
  const hook = await webhook(t, (_req, res, n) => res.writeHead(n === 1 ? 400 : 200).end(n === 1 ? 'bad alert' : ''));
  let failures = 0;
  let dropped = 0;
  const w = watch({ webhook: hook.url }, { delivery: fast, onWebhookFailure: () => failures++, onAlertDrop: (n) => (dropped += n) });
  t.teardown(() => w.monitor.close(0));
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'a' });
  await until(() => failures === 1);
  await sleep(100);
  t.is(hook.posts.length, 1, 'not sent again');
  t.is(dropped, 1);
  t.true(w.lines.some((l) => /refused a batch/.test(String(l['msg'])) && /bad alert/.test(String(l['err']))));

  // Nothing listens on the new port once its server is closed.
  const gone = createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  const port = (gone.address() as AddressInfo).port;
  await new Promise((resolve) => gone.close(resolve));
  w.monitor.reconfigure({ ...w.monitor.current, webhook: `http://127.0.0.1:${port}` });
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'b' });
  await until(() => failures >= 3);
  t.is(w.monitor.deliveryStats.queued, 1, 'kept for the next try');
  t.true(w.lines.some((l) => /unreachable/.test(String(l['err']))));

  w.monitor.reconfigure({ ...w.monitor.current, webhook: hook.url });
  await until(() => w.monitor.deliveryStats.queued === 0);
  t.deepEqual(hook.posts.at(-1)!.alerts.map((a) => a.labels['service']), ['b'], 'a new webhook gets what waited for the old one');
});

test('an alert that ended while the webhook was down is dropped rather than sent resolved', async (t) => {
  let up = false;
  const hook = await webhook(t, (_req, res) => res.writeHead(up ? 200 : 503).end());
  let dropped = 0;
  const w = watch({ webhook: hook.url, resolveAfter: '1m' }, { delivery: fast, onAlertDrop: (n) => (dropped += n) });
  t.teardown(() => w.monitor.close(0));
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'old' });
  await until(() => hook.posts.length >= 1);
  w.clock.ms += 61_000;
  w.monitor.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/a/sa/x', service: 'new' });
  up = true;
  await until(() => w.monitor.deliveryStats.queued === 0);
  t.is(dropped, 1);
  t.deepEqual(hook.posts.at(-1)!.alerts.map((a) => a.labels['service']), ['new']);
});

test('the endpoint is /api/v2/alerts under the webhook, or the webhook itself when it names that path', (t) => {
  t.is(alertsEndpoint('http://127.0.0.1:9093'), 'http://127.0.0.1:9093/api/v2/alerts');
  t.is(alertsEndpoint('http://am.example:9093/prefix/'), 'http://am.example:9093/prefix/api/v2/alerts');
  t.is(alertsEndpoint('https://am.example/api/v2/alerts'), 'https://am.example/api/v2/alerts');
});
