// Temporary: runs only the miss scenario against warden-server.ts; prints the server pid and waits for
// "measuring" so that a tracer can attach. Usage: tsx tmp-probe/miss-only.ts [hit|miss] [seconds]
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchTls } from '../bench/dev-tls.js';
import { AUTHORIZER_SERVICE } from '../bench/check/client.js';
import { checkRequest, missRequest } from '../bench/check/protocol.js';
const mode = process.argv[2] ?? 'miss';
const seconds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'miss-only-'));
const tls = benchTls(dir);
const echoResponse = { allowed: true, reasons: ['granted: shop/frontend may orders.read on orders'], revision: '930801c81f54', decision_id: '1fbbca1a-aa6a-41dc-b84f-cc305044ec07', cached: true };
const child = fork(new URL(mode === 'echo' ? '../bench/check/echo-server.ts' : '../bench/check/warden-server.ts', import.meta.url).pathname, [JSON.stringify({ tls, decisionLog: join(dir, 'decisions.log'), response: echoResponse })], { execArgv: ['--import', 'tsx', ...(process.env.FLAGS?.split(' ').filter(Boolean) ?? [])] });
const address = await new Promise<string>((resolve) => child.once('message', (m: { address: string }) => resolve(m.address)));
const serialize = (AUTHORIZER_SERVICE.Check as unknown as { requestSerialize(v: unknown): Buffer }).requestSerialize;
async function drive(tag: string, ms: number) {
  const file = join(dir, `r-${tag}.txt`);
  const lines: string[] = [];
  for (let i = 0; i < (mode !== 'miss' ? 1 : 150_000); i++) lines.push(serialize(mode !== 'miss' ? checkRequest('/orders/42') : missRequest(`${tag}-${i}`)).toString('base64'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const d = spawn(process.env.DRIVER!, [address, tls.ca, tls.clientCert, tls.clientKey, file, '4', '16', '1000', String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise<string>((resolve) => createInterface({ input: d.stdout! }).on('line', (line) => {
    if (line === 'measuring') { if (tag === 'm') console.log(`PID ${child.pid} measuring`); } else resolve(line);
  }));
}
await drive('w', 3000);
const cpu0 = process.cpuUsage();
console.log(await drive('m', seconds * 1000));
child.kill('SIGINT');
