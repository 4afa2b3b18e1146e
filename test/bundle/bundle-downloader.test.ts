import test from 'ava';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BundleDownloader, checkBundleServiceConfig, writeCachedBundle, type BundleServiceConfig, type DownloaderEvent } from '../../src/bundle/index.js';
import { etagAnswer, eventually, startBundleServer } from './helpers/bundle-server.js';
import { createCa } from '../server/helpers/pki.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

/**
 * A downloader whose `activate` stands in for compile-and-verify: it takes any body but `bad…`, and
 * names the revision after the body.
 */
function downloader(config: BundleServiceConfig, extra: { cacheDir?: string; random?: () => number } = {}) {
  const activated: string[] = [];
  const events: DownloaderEvent[] = [];
  const d = new BundleDownloader({
    settings: checkBundleServiceConfig(config),
    ...extra,
    activate: async (bytes) => {
      const text = bytes.toString();
      if (text.startsWith('bad')) throw new Error(`does not verify: ${text}`);
      activated.push(text);
      return `rev-${text}`;
    },
    onEvent: (e) => events.push(e),
  });
  const results = () => events.flatMap((e) => (e.kind === 'poll' ? [e.outcome.result] : []));
  return { d, activated, events, results };
}

test('sends If-None-Match with the active ETag: 304 keeps the revision, a new ETag activates the new bundle', async (t) => {
  let body = 'one';
  const server = await startBundleServer(etagAnswer(() => body, () => `"${body}"`));
  t.teardown(() => server.close());
  const { d, activated, results } = downloader({ url: server.url, pollMinSeconds: 0.1, pollMaxSeconds: 0.2 });
  t.teardown(() => d.close());
  t.deepEqual(await d.start(), { from: 'server', revision: 'rev-one' });
  t.is(server.seen[0]!.headers['if-none-match'], undefined);
  t.true(await eventually(() => results().filter((r) => r === 'not_modified').length >= 2));
  t.is(server.seen[1]!.headers['if-none-match'], '"one"');
  t.deepEqual(activated, ['one']);
  t.is(d.revision, 'rev-one');
  t.truthy(d.lastSuccessAt);

  body = 'two';
  t.true(await eventually(() => activated.includes('two')));
  t.is(d.revision, 'rev-two');
  t.true(await eventually(() => server.seen.some((s) => s.headers['if-none-match'] === '"two"')));
});

test('a refused bundle keeps the revision and is not cached; the one that activated is, with its ETag', async (t) => {
  const cacheDir = temporaryDirectory('warden-bundle-cache-');
  let body = 'good';
  const server = await startBundleServer(etagAnswer(() => body, () => `"${body}"`));
  t.teardown(() => server.close());
  const { d, activated, results } = downloader({ url: server.url, pollMinSeconds: 0.1, pollMaxSeconds: 0.2 }, { cacheDir });
  t.teardown(() => d.close());
  await d.start();
  t.is(readFileSync(join(cacheDir, 'bundle.tar.gz'), 'utf8'), 'good');
  t.is(JSON.parse(readFileSync(join(cacheDir, 'bundle.json'), 'utf8')).etag, '"good"');

  body = 'bad-signature';
  t.true(await eventually(() => results().filter((r) => r === 'refused').length >= 2));
  t.is(d.revision, 'rev-good');
  t.deepEqual(activated, ['good']);
  t.is(readFileSync(join(cacheDir, 'bundle.tar.gz'), 'utf8'), 'good');
  // The refused bundle's ETag is not taken: it is downloaded again rather than answered 304.
  t.true(server.seen.slice(2).every((s) => s.headers['if-none-match'] === '"good"'));
});

test('with the server down, start serves the cached bundle and keeps polling; it then takes the server\'s bundle', async (t) => {
  const cacheDir = temporaryDirectory('warden-bundle-cache-');
  await writeCachedBundle(cacheDir, Buffer.from('cached'), { etag: '"cached"', revision: 'rev-cached', downloadedAt: new Date().toISOString() });
  let up = false;
  const server = await startBundleServer((_n, _req, res) => {
    if (!up) {
      res.writeHead(503);
      res.end();
      return;
    }
    res.writeHead(200, { ETag: '"fresh"' });
    res.end('fresh');
  });
  t.teardown(() => server.close());
  const { d, activated } = downloader({ url: server.url, pollMinSeconds: 0.1, pollMaxSeconds: 0.2 }, { cacheDir });
  t.teardown(() => d.close());
  const started = await d.start();
  t.is(started.from, 'cache');
  t.is(started.revision, 'rev-cached');
  t.regex(started.from === 'cache' ? started.downloadError.message : '', /HTTP 503/);
  t.deepEqual(activated, ['cached']);
  up = true;
  t.true(await eventually(() => activated.includes('fresh')));
  // Polls after the cache was activated carry its ETag.
  t.true(server.seen.slice(1).some((s) => s.headers['if-none-match'] === '"cached"'));
});

test('with neither the server nor a cached bundle, start refuses with both reasons', async (t) => {
  const cacheDir = temporaryDirectory('warden-bundle-cache-');
  const server = await startBundleServer((_n, _req, res) => {
    res.writeHead(500);
    res.end();
  });
  t.teardown(() => server.close());
  const { d } = downloader({ url: server.url, pollMinSeconds: 0.1, pollMaxSeconds: 0.2 }, { cacheDir });
  const error = await t.throwsAsync(d.start());
  t.regex(error!.message, /HTTP 500.*no bundle cached in/);
  t.false(existsSync(join(cacheDir, 'bundle.tar.gz')));
  const count = server.seen.length;
  await new Promise((r) => setTimeout(r, 500));
  t.is(server.seen.length, count, 'a refused start does not keep polling');
});

test('long polling: asks with Prefer and polls again at once while the server answers with OPA\'s content type; periodic otherwise', async (t) => {
  let longPoll = true;
  const server = await startBundleServer((_n, req, res) => {
    const type = longPoll ? { 'Content-Type': 'application/vnd.openpolicyagent.bundles' } : {};
    if (req.headers['if-none-match'] === '"v1"') {
      // A real long-polling server would hold this; answering soon keeps the test short.
      setTimeout(() => {
        res.writeHead(304, type);
        res.end();
      }, 50);
      return;
    }
    res.writeHead(200, { ETag: '"v1"', ...type });
    res.end('v1');
  });
  t.teardown(() => server.close());
  // Periodic polls would be 60 s apart: any second request within the test came from long polling.
  const { d } = downloader({ url: server.url, pollMinSeconds: 60, pollMaxSeconds: 60, longPollSeconds: 7 });
  t.teardown(() => d.close());
  await d.start();
  t.is(server.seen[0]!.headers['prefer'], 'modes=long-polling, wait=7');
  t.true(await eventually(() => server.seen.length >= 4));
  longPoll = false;
  const afterSwitch = server.seen.length;
  await new Promise((r) => setTimeout(r, 1_500));
  // At most the poll in flight when the server stopped long polling, then none for 60 s.
  t.true(server.seen.length <= afterSwitch + 1, `${server.seen.length - afterSwitch} more polls after the server stopped long polling`);
});

test('errors back off exponentially with jitter instead of looping', async (t) => {
  let failing = false;
  const server = await startBundleServer((_n, _req, res) => {
    if (failing) {
      res.writeHead(500);
      res.end();
      return;
    }
    res.writeHead(200, { ETag: '"a"' });
    res.end('a');
  });
  t.teardown(() => server.close());
  // random 0: the shortest waits the jitter allows, 100 ms doubling to the 1 s cap.
  const { d } = downloader({ url: server.url, pollMinSeconds: 0.2, pollMaxSeconds: 1 }, { random: () => 0 });
  t.teardown(() => d.close());
  await d.start();
  failing = true;
  const from = server.seen.length;
  await new Promise((r) => setTimeout(r, 3_000));
  const failed = server.seen.slice(from);
  // 100 + 200 + 400 + 500 + 500 … ms apart: at most about 8 in 3 s (a tight loop would be hundreds).
  t.true(failed.length >= 2 && failed.length <= 10, `${failed.length} requests in 3 s`);
  const gaps = failed.slice(1).map((s, i) => s.at - failed[i]!.at);
  t.true(gaps.every((g) => g >= 90), `gaps ${gaps.join(', ')} ms`);
  t.true(gaps.length < 3 || gaps[2]! > gaps[0]!, `gaps ${gaps.join(', ')} ms grow`);
});

test('a bundle over maxBytes is refused whether its length is declared or not, and never activated', async (t) => {
  let chunked = false;
  const server = await startBundleServer((_n, _req, res) => {
    const body = 'x'.repeat(5_000);
    if (chunked) {
      res.writeHead(200);
      res.write(body.slice(0, 2_500));
      res.end(body.slice(2_500));
    } else {
      res.writeHead(200, { 'Content-Length': String(body.length) });
      res.end(body);
    }
  });
  t.teardown(() => server.close());
  for (const mode of [false, true]) {
    chunked = mode;
    const { d, activated } = downloader({ url: server.url, maxBytes: 1_000 });
    const error = await t.throwsAsync(d.start());
    t.regex(error!.message, /larger than maxBytes \(1000\)/);
    t.deepEqual(activated, []);
  }
});

test('a server that does not answer in time is a failed download, not a hang; close aborts a poll in flight', async (t) => {
  const server = await startBundleServer(() => {
    // Never answers.
  });
  t.teardown(() => server.close());
  const started = Date.now();
  const { d } = downloader({ url: server.url, timeoutSeconds: 0.5 });
  const error = await t.throwsAsync(d.start());
  t.regex(error!.message, /no complete answer within 500 ms/);
  t.true(Date.now() - started < 10_000);

  // Long polling: the first poll is answered, the next is held by the server for up to 60 s; close must not wait for it.
  server.answer = (n, _req, res) => {
    if (n > 1) return;
    res.writeHead(200, { 'Content-Type': 'application/vnd.openpolicyagent.bundles', ETag: '"held"' });
    res.end('held');
  };
  const held = downloader({ url: server.url, longPollSeconds: 60 });
  await held.d.start();
  t.true(await eventually(() => server.seen.length >= 3));
  const closing = Date.now();
  await held.d.close();
  t.true(Date.now() - closing < 5_000);
});

test('https with a private CA and a client certificate (mTLS): downloads with them, fails without the certificate', async (t) => {
  const dir = temporaryDirectory('warden-bundle-mtls-');
  const ca = createCa();
  const server = ca.issue({ cn: 'bundles', ips: ['127.0.0.1'] });
  const client = ca.issue({ cn: 'warden' });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'client.pem'), client.cert);
  writeFileSync(join(dir, 'client-key.pem'), client.key);
  const https = createHttpsServer({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (_req, res) => {
    res.writeHead(200, { ETag: '"m"' });
    res.end('mtls');
  });
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  t.teardown(() => {
    https.closeAllConnections();
    https.close();
  });
  const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/bundle.tar.gz`;
  const withCert = downloader({ url, tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client-key.pem') } });
  t.deepEqual(await withCert.d.start(), { from: 'server', revision: 'rev-mtls' });
  await withCert.d.close();
  const withoutCert = downloader({ url, tls: { caFile: join(dir, 'ca.pem') } });
  t.regex((await t.throwsAsync(withoutCert.d.start()))!.message, /no bundle from https:\/\/127\.0\.0\.1:\d+\/bundle\.tar\.gz: (cannot reach|answer cut short)/);
  const systemCas = downloader({ url });
  t.regex((await t.throwsAsync(systemCas.d.start()))!.message, /cannot reach 127\.0\.0\.1:\d+: .*certificate/);
});

test('a refused bundle from a long-polling server is not fetched again at once: it waits as periodic polling does', async (t) => {
  const cacheDir = temporaryDirectory('warden-bundle-cache-');
  await writeCachedBundle(cacheDir, Buffer.from('cached'), { etag: '"cached"', revision: 'rev-cached', downloadedAt: '' });
  const server = await startBundleServer((_n, _req, res) => {
    res.writeHead(200, { ETag: '"bad"', 'Content-Type': 'application/vnd.openpolicyagent.bundles' });
    res.end('bad-signature');
  });
  t.teardown(() => server.close());
  const { d, results } = downloader({ url: server.url, pollMinSeconds: 60, pollMaxSeconds: 60, longPollSeconds: 5 }, { cacheDir });
  t.teardown(() => d.close());
  t.is((await d.start()).from, 'cache');
  await new Promise((r) => setTimeout(r, 1_500));
  t.is(server.seen.length, 1, 'only the first download');
  t.deepEqual(results(), ['refused']);
});
