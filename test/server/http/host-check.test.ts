import test from 'ava';
import type { IncomingMessage } from 'node:http';
import { hostCheck, hostName } from '../../../src/server/http/host-check.js';

const request = (host: string | undefined, localAddress: string) => ({ headers: host === undefined ? {} : { host }, socket: { localAddress } }) as unknown as IncomingMessage;

test('hostName: the name without its port, lower-cased, unbracketed, without a trailing dot; undefined for what is not a host', (t) => {
  t.is(hostName('Warden.Internal:9192'), 'warden.internal');
  t.is(hostName('warden.internal.'), 'warden.internal');
  t.is(hostName('[::1]:9192'), '::1');
  t.is(hostName('[::ffff:127.0.0.1]'), '127.0.0.1');
  for (const bad of ['a b', 'evil.example/x', 'user@host', '[::1', '']) t.is(hostName(bad), undefined, bad);
});

test('bound to every address: the address the connection came in on is answered, a name is not unless listed', (t) => {
  const check = hostCheck('0.0.0.0', ['warden.warden.svc']);
  t.is(check(request('10.1.2.3:8181', '10.1.2.3')), undefined, 'a pod address, as kubelet and Prometheus send it');
  t.is(check(request('[fd00::5]:8181', 'fd00::5')), undefined);
  t.is(check(request('warden.warden.svc:8181', '10.1.2.3')), undefined);
  t.regex(check(request('10.9.9.9', '10.1.2.3'))!, /not a name of this listener/);
  t.regex(check(request('localhost', '10.1.2.3'))!, /not a name of this listener/, 'localhost only where the connection is on loopback');
  t.is(check(request('localhost', '127.0.0.1')), undefined);
  t.regex(check(request(undefined, '10.1.2.3'))!, /names no Host/);
});

test('an allowed Host remembered for speed is still refused on the next listener, and a refused one is never remembered', (t) => {
  const door = hostCheck('127.0.0.1', []);
  t.regex(door(request('evil.example', '127.0.0.1'))!, /evil\.example/);
  t.regex(door(request('evil.example', '127.0.0.1'))!, /evil\.example/, 'refused again');
  t.is(door(request('localhost:1', '127.0.0.1')), undefined);
  t.regex(hostCheck('10.0.0.1', [])(request('localhost:1', '10.0.0.1'))!, /not a name/);
});
