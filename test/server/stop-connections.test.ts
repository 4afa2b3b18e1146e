import test from 'ava';
import { connect } from 'node:net';
import { startFixture } from './helpers/fixture.js';

test('a stop ends every connection still open, a handshake not even begun included, without waiting for its timeout', async (t) => {
  const fx = await startFixture();
  const socket = connect({ host: '127.0.0.1', port: fx.server.port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  // Give the server the time to see the connection.
  await new Promise((r) => setTimeout(r, 100));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.on('error', () => undefined);
  const stopping = Date.now();
  await fx.close();
  const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 8000))]);
  // The handshake timeout is 10 s: a close before it is the stop's doing.
  t.true(at - stopping < 8000, `the connection was still open ${at - stopping} ms after the stop began`);
});
