// What the HTTP door's browser rules cost each request on the serving thread, without the network:
// the Host check, the CORS preflight test and answer headers, and the nosniff / no-store / HSTS
// headers set on a real ServerResponse. Each is timed over many requests and reported as CPU ns per
// request (medians of several rounds), beside a bare ServerResponse made and sent to compare with.
// Usage: npm run bench:web-guard [-- --requests 200000 --rounds 5]
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { corsPolicy } from '../src/server/http/cors.js';
import { hostCheck } from '../src/server/http/host-check.js';
import type { HttpRoute } from '../src/server/http/http-route.js';
import { setWebHeaders } from '../src/server/http/web-headers.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
const requests = Number(values.requests);
const rounds = Number(values.rounds);

const socket = new Socket();
Object.defineProperty(socket, 'localAddress', { value: '127.0.0.1' });
function request(headers: Record<string, string>, method = 'GET'): IncomingMessage {
  const req = new IncomingMessage(socket);
  req.method = method;
  req.headers = headers;
  return req;
}
const forwardAuth = request({ host: '127.0.0.1:9192', 'x-original-method': 'GET', 'x-original-uri': '/orders/42', origin: 'https://app.example.com' });
const named = request({ host: 'warden.internal' });
const route: HttpRoute = { name: 'opa-data', crossOrigin: true, methods: ['GET', 'POST'], path: '/v1/data', subpaths: true, handle: () => undefined };
const check = hostCheck('127.0.0.1', ['warden.internal', 'orders.internal']);
const corsOff = corsPolicy([]);
const corsOn = corsPolicy(['https://app.example.com']);
let sink = 0;

/** CPU ns per call of `work`, the median of the rounds. */
function measure(work: () => void): number {
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < requests; i++) work();
    const used = process.cpuUsage(start);
    perRound.push(((used.user + used.system) * 1000) / requests);
  }
  return perRound.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const cases: Array<[string, () => void]> = [
  ['host check: the listen address', () => void (sink += check(forwardAuth) === undefined ? 1 : 0)],
  ['host check: a name in http.hosts', () => void (sink += check(named) === undefined ? 1 : 0)],
  ['CORS off: preflight test + answer headers', () => void (sink += (corsOff.preflight(forwardAuth, [route], '/authz') ? 1 : 0) + Object.keys(corsOff.answerHeaders(forwardAuth, route)).length)],
  ['CORS on, allowed origin: preflight test + answer headers', () => void (sink += (corsOn.preflight(forwardAuth, [route], '/v1/data/x') ? 1 : 0) + Object.keys(corsOn.answerHeaders(forwardAuth, route)).length)],
  ['ServerResponse made (baseline)', () => void (sink += new ServerResponse(forwardAuth).statusCode)],
  ['ServerResponse made + nosniff, no-store, HSTS set', () => {
    const res = new ServerResponse(forwardAuth);
    setWebHeaders(res, true);
    sink += res.statusCode;
  }],
];
for (const [, work] of cases) measure(work); // warm-up
console.log(`CPU ns per request, median of ${rounds} rounds of ${requests}:`);
for (const [name, work] of cases) console.log(`  ${name.padEnd(58)} ${measure(work).toFixed(0).padStart(6)} ns`);
if (sink < 0) console.log(sink);
