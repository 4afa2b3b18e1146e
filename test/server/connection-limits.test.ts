import test from 'ava';
import { connect as http2Connect, constants } from 'node:http2';
import { connect as tcpConnect, type Socket } from 'node:net';
import { startFixture, unary, type Fixture } from './helpers/fixture.js';

/** A raw TCP connection that never starts a TLS handshake; resolves once connected. */
function rawSocket(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const opened = Date.now();
      resolve({ socket, closed: new Promise((r) => socket.once('close', () => r(Date.now() - opened))) });
    });
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
}

async function value(fx: Fixture, name: 'handshakeFailures' | 'connectionsRefused', reason?: string): Promise<number> {
  const values = (await fx.server.metrics[name].get()).values;
  return values.filter((v) => reason === undefined || v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
}

test.serial('connections that never finish the TLS handshake are closed after the handshake timeout', async (t) => {
  const fx = await startFixture({ config: { limits: { handshakeTimeoutMs: 300 } } });
  t.teardown(() => fx.close());
  const sockets = await Promise.all(Array.from({ length: 20 }, () => rawSocket(fx.server.port)));
  t.teardown(() => sockets.forEach((s) => s.socket.destroy()));
  const lifetimes = await Promise.all(sockets.map((s) => s.closed));
  for (const ms of lifetimes) {
    t.true(ms >= 250, `closed after ${ms} ms, not before the timeout`);
    t.true(ms < 8000, `closed after ${ms} ms, not held`);
  }
  t.is(await value(fx, 'handshakeFailures', 'timeout'), 20);
  const c = fx.clients();
  t.like(await unary(c.authz, 'Check', { action: 'read' }), { allowed: true }, 'a real client is served meanwhile');
  c.close();
});

test.serial('at the connection cap new connections are refused at once; a real client gets in once some close', async (t) => {
  // A long handshake timeout, so only the cap can close the extra connection within the wait below.
  const fx = await startFixture({ config: { limits: { maxConnections: 3, handshakeTimeoutMs: 60_000 } } });
  t.teardown(() => fx.close());
  const held = await Promise.all([0, 1, 2].map(() => rawSocket(fx.server.port)));
  t.teardown(() => held.forEach((s) => s.socket.destroy()));
  // Let the server accept all three before the next one arrives.
  await new Promise((r) => setTimeout(r, 200));
  const extra = await rawSocket(fx.server.port);
  const extraLived = await Promise.race([extra.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 10_000))]);
  t.true(extraLived < 10_000, 'the fourth connection is closed at once, not left to time out');
  t.true((await value(fx, 'connectionsRefused')) >= 1);

  const c = fx.clients();
  await t.throwsAsync(unary(c.authz, 'Check', { action: 'read' }, { deadline: Date.now() + 1000 }), undefined, 'no room for a real client');
  c.close();
  held[0]!.socket.destroy();
  await held[0]!.closed;
  // The server learns of the close a little later than this side: retry till then.
  let answer: unknown;
  for (const end = Date.now() + 10_000; answer === undefined && Date.now() < end; ) {
    const d = fx.clients();
    answer = await unary(d.authz, 'Check', { action: 'read' }, { deadline: Date.now() + 2000 }).catch(() => undefined);
    d.close();
  }
  t.like(answer, { allowed: true });
});

test.serial('connections are sent GOAWAY at their maximum age', async (t) => {
  const fx = await startFixture({ config: { limits: { maxConnectionAgeMs: 400, maxConnectionAgeGraceMs: 200 } } });
  t.teardown(() => fx.close());
  const leaf = fx.ca.issue({ cn: 'client', uris: ['spiffe://example.org/ns/shop/sa/frontend'] });
  const session = http2Connect(`https://localhost:${fx.server.port}`, { ca: fx.ca.cert, cert: leaf.cert, key: leaf.key, host: '127.0.0.1' });
  t.teardown(() => session.destroy());
  session.on('error', () => undefined);
  let opened = Date.now();
  session.once('connect', () => (opened = Date.now()));
  const goaway = await new Promise<number>((resolve, reject) => {
    session.once('goaway', () => resolve(Date.now() - opened));
    session.once('close', () => resolve(Date.now() - opened));
    setTimeout(() => reject(new Error('no GOAWAY within 10 s')), 10_000);
  });
  t.true(goaway >= 300, `GOAWAY after ${goaway} ms: not before the age (±10%)`);
  const c = fx.clients();
  t.like(await unary(c.authz, 'Check', { action: 'read' }), { allowed: true });
  c.close();
});

test.serial('a connection holds at most maxConcurrentStreams calls: the server sets it in its HTTP/2 settings, and a client queues past it', async (t) => {
  const fx = await startFixture({ config: { limits: { maxConcurrentStreams: 4 } } });
  t.teardown(() => fx.close());
  const leaf = fx.ca.issue({ cn: 'client', uris: ['spiffe://example.org/ns/shop/sa/frontend'] });
  const session = http2Connect(`https://localhost:${fx.server.port}`, { ca: fx.ca.cert, cert: leaf.cert, key: leaf.key, host: '127.0.0.1' });
  t.teardown(() => session.destroy());
  session.on('error', () => undefined);
  const settings = await new Promise<{ maxConcurrentStreams?: number }>((resolve) => session.once('remoteSettings', resolve));
  t.is(settings.maxConcurrentStreams, 4);
  // Calls that never finish their request hold their streams open; a fifth is not sent until one ends.
  const open = () => session.request({ ':method': 'POST', ':path': '/warden.authz.v1.Authorizer/Check', 'content-type': 'application/grpc', te: 'trailers' }, { endStream: false });
  const held = Array.from({ length: 4 }, open);
  for (const s of held) s.on('error', () => undefined);
  const fifth = open();
  fifth.on('error', () => undefined);
  const stateOf = (s: typeof fifth) => s.state?.state;
  const until = async (ok: () => boolean) => {
    for (const end = Date.now() + 10_000; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  };
  await until(() => held.every((s) => stateOf(s) === constants.NGHTTP2_STREAM_STATE_OPEN));
  t.true(held.every((s) => stateOf(s) === constants.NGHTTP2_STREAM_STATE_OPEN), 'four streams are open');
  await new Promise((r) => setTimeout(r, 200));
  t.is(stateOf(fifth), constants.NGHTTP2_STREAM_STATE_IDLE, 'the fifth waits for room');
  held[0]!.close();
  await until(() => stateOf(fifth) === constants.NGHTTP2_STREAM_STATE_OPEN);
  t.is(stateOf(fifth), constants.NGHTTP2_STREAM_STATE_OPEN, 'it opens once one of the four ends');
  const c = fx.clients();
  t.like(await unary(c.authz, 'Check', { action: 'read' }), { allowed: true }, 'another connection is served meanwhile');
  c.close();
});

test.serial('connection limits must be positive', async (t) => {
  const err = await t.throwsAsync(startFixture({ config: { limits: { maxConnections: 0 } } }));
  t.regex(err!.message, /maxConnections must be a positive integer/);
  const err2 = await t.throwsAsync(startFixture({ config: { limits: { handshakeTimeoutMs: -1 } } }));
  t.regex(err2!.message, /handshakeTimeoutMs must be a positive number/);
  const err3 = await t.throwsAsync(startFixture({ config: { limits: { maxConnectionAgeMs: 0 } } }));
  t.regex(err3!.message, /maxConnectionAgeMs must be a positive number/);
  const err4 = await t.throwsAsync(startFixture({ config: { limits: { maxConcurrentStreams: 1.5 } } }));
  t.regex(err4!.message, /maxConcurrentStreams must be a positive integer/);
});
