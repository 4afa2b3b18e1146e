// The HTTP door's throughput: forward-auth sub-requests (nginx's headers, a forwarded client
// certificate, the bundled policy; after the first, cache hits) against a node:http server with the
// same listener settings that answers every request with an answer of the same size, in one run,
// as a ratio. Both listen in plaintext on loopback (h2load cannot present a client certificate), so
// TLS is left out of both. Load from nghttp2's h2load in HTTP/1.1 (Debian's nghttp2-client), in its
// own process; rounds alternate and the medians are reported.
// BENCH_NO_LOG=1 writes no decision log (its worker thread shares the two cores).
// Usage: npm run bench:http [-- --seconds 3 --rounds 5 --connections 8]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ensureDevCa, issueDevCertificate } from '../src/devca/dev-ca.js';
import { servingCompiler } from '../src/engine/worker-compiler.js';
import { DEFAULT_LIMITS, startServer } from '../src/server/index.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '5' }, connections: { type: 'string', default: '8' } } });
const H2LOAD = '/usr/bin/h2load';
if (spawnSync(H2LOAD, ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error("bench:http needs h2load: apt-get install nghttp2-client");

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-http-'));
const ca = ensureDevCa(join(dir, 'ca'));
const frontend = issueDevCertificate(ca.dir, 'spiffe://warden.local/ns/shop/sa/frontend');
const compiler = servingCompiler();
const warden = await startServer({
  listen: '127.0.0.1:0',
  http: '127.0.0.1:0',
  httpPlaintext: true,
  metrics: false,
  tls: { cert: ca.serverCert, key: ca.serverKey, clientCa: ca.ca },
  decisionLog: process.env.BENCH_NO_LOG ? false : join(dir, 'decisions.log'),
  compiler,
  logger: pino({ level: 'warn' }),
});
const headers = {
  'x-original-method': 'GET',
  'x-original-uri': '/orders/42?view=full',
  'x-forwarded-host': 'orders.internal',
  'x-forwarded-for': '198.51.100.7',
  'x-warden-service': 'orders',
  'x-client-cert': encodeURIComponent(frontend.cert),
};
const probe = await fetch(`http://${warden.httpAddress}/authz`, { headers });
if (probe.status !== 200) throw new Error(`the bundled policy did not allow the bench request: ${probe.status}`);
const answer = await probe.text();

// The echo server: the same limits, an answer of the same size and headers.
const echo = createServer({ maxHeaderSize: DEFAULT_LIMITS.maxHeaderBytes, requestTimeout: DEFAULT_LIMITS.requestTimeoutMs }, (req, res) => {
  req.resume();
  res.writeHead(200, { 'x-warden-decision-id': '00000000-0000-0000-0000-000000000000', 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(answer) });
  res.end(answer);
});
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
const echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;

/** Requests per second h2load reached against `address` (asynchronously: this process serves meanwhile), every answer a 2xx. */
async function run(address: string): Promise<number> {
  const args = ['--h1', '-c', values.connections!, '-t', '1', '-D', values.seconds!, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), `http://${address}/authz`];
  const child = spawn(H2LOAD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1];
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!rps || !codes || Number(codes[3]) + Number(codes[4]) > 0) throw new Error(`unexpected h2load output:\n${out}`);
  return Number(rps);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios: number[] = [];
const wardenRates: number[] = [];
const echoRates: number[] = [];
await run(warden.httpAddress!); // warm-up
for (let round = 0; round < Number(values.rounds); round++) {
  const w = await run(warden.httpAddress!);
  const e = await run(echoAddress);
  wardenRates.push(w);
  echoRates.push(e);
  ratios.push(w / e);
  console.log(`round ${round + 1}: warden ${w.toFixed(0)} req/s, echo ${e.toFixed(0)} req/s, ratio ${(100 * (w / e)).toFixed(1)} %`);
}
console.log(`median: warden ${median(wardenRates).toFixed(0)} req/s (cache hits), echo ${median(echoRates).toFixed(0)} req/s, warden/echo ${(100 * median(ratios)).toFixed(1)} % (${values.connections} connections, h2load --h1, plaintext loopback)`);
echo.close();
await warden.close();
await compiler.close();
