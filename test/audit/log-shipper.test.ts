import test from 'ava';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { LogShipper, WardenMetrics, type DecisionRecord, type LogShipperOptions } from '../../src/audit/index.js';

interface Upload {
  headers: IncomingMessage['headers'];
  method: string;
  url: string;
  events: Array<Record<string, unknown>>;
  gzippedBytes: number;
}

/** A decision-log collector on a free loopback port; `answer` decides each response. */
async function collector(answer: (n: number, res: ServerResponse) => void = (_n, res) => res.end()) {
  const uploads: Upload[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = requests++;
      const body = Buffer.concat(chunks);
      const before = uploads.length;
      try {
        uploads.push({ headers: req.headers, method: req.method!, url: req.url!, events: JSON.parse(gunzipSync(body).toString()), gzippedBytes: body.length });
      } catch {
        res.statusCode = 400;
        return res.end();
      }
      answer(n, res);
      // Only uploads answered 2xx count as received.
      res.once('finish', () => {
        if (res.statusCode >= 300) uploads.splice(before, 1);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, uploads, requests: () => requests, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const record = (n: number, over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  decision_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  time: '2026-01-01T00:00:00.000Z',
  api: 'authorizer',
  requester: { id: 'spiffe://example.org/ns/a/sa/caller', authenticated_by: 'mtls' },
  subject: { id: 'spiffe://example.org/ns/a/sa/caller', authenticated_by: 'mtls' },
  action: 'read',
  resource: { service: 'orders', path: `/orders/${n}`, attributes: {} },
  allowed: n % 2 === 0,
  reasons: n % 2 === 0 ? [] : ['no grant'],
  revision: 'rev-1',
  cached: false,
  latency: 0.25,
  ...over,
});

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const shipped = (uploads: Upload[]) => uploads.flatMap((u) => u.events);
const fast = (url: string, over: Partial<LogShipperOptions> = {}): LogShipperOptions => ({ url, maxDelaySeconds: 0.05, backoff: { firstMs: 20, maxMs: 100 }, ...over });

test('a batch arrives as a gzipped JSON array of OPA-shaped events POSTed to <url>/logs with the configured headers', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const shipper = new LogShipper(fast(c.url, { headers: { 'X-Tenant': 'blue' } }));
  shipper.write(record(0));
  shipper.write(JSON.stringify(record(1)));
  await until(() => shipped(c.uploads).length === 2, 'two events');
  await shipper.close();
  const [upload] = c.uploads;
  t.is(upload!.method, 'POST');
  t.is(upload!.url, '/logs');
  t.is(upload!.headers['content-encoding'], 'gzip');
  t.is(upload!.headers['content-type'], 'application/json');
  t.is(upload!.headers['x-tenant'], 'blue');
  const [allowed, denied] = upload!.events;
  t.is(allowed!.decision_id, record(0).decision_id);
  t.is(allowed!.path, 'warden/authz/decision');
  t.deepEqual(allowed!.result, { allow: true, reasons: [] });
  t.deepEqual(denied!.result, { allow: false, reasons: ['no grant'] });
  t.deepEqual((allowed!.input as Record<string, unknown>).resource, record(0).resource);
  t.is(allowed!.timestamp, '2026-01-01T00:00:00.000Z');
  t.is(allowed!.revision, 'rev-1');
  t.deepEqual(allowed!.metrics, { timer_server_handler_ns: 250_000 });
  t.is((allowed!.labels as Record<string, unknown>).app, 'warden');
});

test('every event carries the instance labels: its id, the config labels, and app and version as Warden sets them', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const first = new LogShipper(fast(c.url, { labels: { id: 'replica-a', region: 'eu-west-1' } }));
  const second = new LogShipper(fast(c.url));
  const third = new LogShipper(fast(c.url));
  first.write(record(0));
  second.write(record(1));
  third.write(record(2));
  await until(() => shipped(c.uploads).length === 3, 'three events');
  await Promise.all([first.close(), second.close(), third.close()]);
  const byDecision = new Map(shipped(c.uploads).map((e) => [e.decision_id, e.labels as Record<string, string>]));
  const a = byDecision.get(record(0).decision_id)!;
  t.like(a, { id: 'replica-a', region: 'eu-west-1', app: 'warden' });
  t.regex(a.version!, /^\d+\.\d+\.\d+/);
  const [b, c2] = [byDecision.get(record(1).decision_id)!, byDecision.get(record(2).decision_id)!];
  t.regex(b.id!, /^[0-9a-f-]{36}$/);
  t.not(b.id, c2.id, 'each instance without a configured id gets its own');
});

test('records are batched by size: no upload is over maxBatchBytes gzipped, and all arrive in order', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const shipper = new LogShipper({ url: c.url, maxBatchBytes: 2_000, maxDelaySeconds: 3_600 });
  const n = 300;
  for (let i = 0; i < n; i++) shipper.write(record(i, { context: { note: `n${i}-${Math.random().toString(36)}` } }));
  // An hour's delay: only full batches can have gone out before flush.
  await until(() => c.uploads.length >= 2, 'full batches sent without waiting for the delay');
  await shipper.flush();
  const ids = shipped(c.uploads).map((e) => e.decision_id);
  t.deepEqual(ids, Array.from({ length: n }, (_, i) => record(i).decision_id));
  for (const u of c.uploads) t.true(u.gzippedBytes <= 2_000, `upload of ${u.gzippedBytes} bytes`);
  t.true(c.uploads.length > 2);
  await shipper.close();
});

test('a partial batch is sent once its oldest record has waited maxDelaySeconds, not before', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const shipper = new LogShipper({ url: c.url, maxDelaySeconds: 0.6 });
  const started = Date.now();
  shipper.write(record(1));
  await new Promise((r) => setTimeout(r, 200));
  t.is(c.uploads.length, 0);
  await until(() => c.uploads.length === 1, 'the delayed batch');
  t.true(Date.now() - started >= 550);
  t.is(shipped(c.uploads).length, 1);
  await shipper.close();
});

test('with the collector down, records are retried and arrive once it is up', async (t) => {
  const c = await collector();
  const url = c.url;
  await c.close();
  const shipper = new LogShipper(fast(url));
  shipper.write(record(1));
  shipper.write(record(2));
  await new Promise((r) => setTimeout(r, 300));
  // Up again on the same port.
  const uploads: Array<Record<string, unknown>> = [];
  const again = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      uploads.push(...(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as Array<Record<string, unknown>>));
      res.end();
    });
  });
  again.listen(Number(new URL(url).port), '127.0.0.1');
  await once(again, 'listening');
  t.teardown(() => new Promise<void>((r) => again.close(() => r())));
  await until(() => uploads.length === 2, 'records after the retry');
  t.deepEqual(uploads.map((e) => e.decision_id), [record(1).decision_id, record(2).decision_id]);
  t.is(shipper.dropped, 0);
  await shipper.close();
});

test('5xx is retried, and 429 waits as long as its Retry-After says', async (t) => {
  const times: number[] = [];
  const c = await collector((n, res) => {
    times.push(Date.now());
    if (n === 0) res.statusCode = 503;
    if (n === 1) {
      res.statusCode = 429;
      res.setHeader('Retry-After', '1');
    }
    res.end();
  });
  t.teardown(c.close);
  const shipper = new LogShipper(fast(c.url));
  shipper.write(record(7));
  await until(() => c.uploads.length === 1, 'the batch after 503 then 429');
  t.is(c.requests(), 3);
  t.true(times[2]! - times[1]! >= 950, `retried ${times[2]! - times[1]!} ms after 429`);
  t.is(shipped(c.uploads)[0]!.decision_id, record(7).decision_id);
  await shipper.close();
});

test('a 400 drops the batch and counts it as rejected; later batches still go', async (t) => {
  const c = await collector((n, res) => {
    if (n === 0) res.statusCode = 400;
    res.end();
  });
  t.teardown(c.close);
  const metrics = new WardenMetrics();
  const shipper = new LogShipper(fast(c.url, { metrics }));
  shipper.write(record(1));
  shipper.write(record(2));
  await until(() => shipper.droppedFor('rejected') === 2, 'the rejected batch');
  shipper.write(record(3));
  await until(() => c.uploads.length === 1, 'the next batch');
  t.deepEqual(shipped(c.uploads).map((e) => e.decision_id), [record(3).decision_id]);
  t.regex(await metrics.registry.metrics(), /^warden_decision_log_dropped_total\{reason="rejected"\} 2$/m);
  await shipper.close();
});

test('when the buffer is full the oldest records are dropped and counted as buffer_full', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const metrics = new WardenMetrics();
  const newestFive = [13, 14, 15, 16, 17].reduce((n, i) => n + JSON.stringify(record(i)).length, 0);
  const shipper = new LogShipper({ url: c.url, maxDelaySeconds: 3_600, maxBatchBytes: 1_000, maxBufferBytes: newestFive, metrics });
  // Written in one go, as a burst of decisions is: nothing is sent until the event loop turns.
  for (let i = 10; i < 18; i++) shipper.write(record(i));
  t.is(shipper.droppedFor('buffer_full'), 3);
  await shipper.flush();
  t.deepEqual(shipped(c.uploads).map((e) => e.decision_id), [13, 14, 15, 16, 17].map((i) => record(i).decision_id));
  t.regex(await metrics.registry.metrics(), /^warden_decision_log_dropped_total\{reason="buffer_full"\} 3$/m);
  await shipper.close();
});

test('a decision never waits: write returns at once while the collector hangs, and close is bounded', async (t) => {
  const hung: ServerResponse[] = [];
  const c = await collector((_n, res) => hung.push(res));
  t.teardown(c.close);
  const shipper = new LogShipper(fast(c.url, { closeTimeoutMs: 300 }));
  shipper.write(record(1));
  await until(() => c.requests() === 1, 'the hanging upload');
  let writes = 0;
  const started = Date.now();
  for (let i = 0; i < 1_000; i++) {
    shipper.write(record(i));
    writes++;
  }
  // Synchronous: all 1,000 were queued without yielding to the event loop.
  t.is(writes, 1_000);
  // Still the one upload, hanging: nothing else was sent meanwhile.
  t.is(c.requests(), 1);
  const closing = Date.now();
  await shipper.close();
  t.true(Date.now() - closing < 5_000, 'close gave up on the hung collector');
  t.is(shipper.droppedFor('shutdown'), 1_001);
  t.true(Date.now() - started < 10_000);
});

test('shipped records are redacted: secrets in context, headers and configured paths never leave', async (t) => {
  const c = await collector();
  t.teardown(c.close);
  const shipper = new LogShipper(fast(c.url, { redactPaths: ['resource.attributes.email'] }));
  shipper.write(
    record(1, {
      context: { password: 'hunter2', note: 'ok' },
      resource: { service: 'orders', path: '/o', attributes: { email: 'a@example.com' } },
      http: { method: 'GET', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl', cookie: 'session=s3cr3t-v4lue' } },
    }),
  );
  await until(() => c.uploads.length === 1, 'the batch');
  await shipper.close();
  const text = JSON.stringify(c.uploads[0]!.events);
  for (const secret of ['hunter2', 'a@example.com', 'eyJhbGciOiJIUzI1NiJ9', 's3cr3t-v4lue']) t.false(text.includes(secret), `${secret} shipped`);
  t.true(text.includes('"note":"ok"'));
});
