// A grpc-js unary echo server for bench/inprocess.ts, with Warden's server options and V8 setting,
// with or without wardenInterceptor in front of its handler (decided by an in-process Authorizer).
import '../check/serving-heap-first.js';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { DEFAULT_LIMITS, grpcServerOptions } from '../../src/server/index.js';
import { createAuthorizer, wardenInterceptor } from '../../src/index.js';
import type { ServerMessage, TlsPaths } from '../check/protocol.js';

export const ECHO_METHOD = '/bench.Echo/Echo';
const same = (b: Buffer) => b;
const service: grpc.ServiceDefinition = {
  Echo: { path: ECHO_METHOD, requestStream: false, responseStream: false, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same },
};

const { tls, policies, intercept } = JSON.parse(process.argv[2]!) as { tls: TlsPaths; policies: string; intercept: boolean };
const interceptors: grpc.ServerInterceptor[] = [];
if (intercept) {
  const authorizer = await createAuthorizer({ policies, watch: false, logger: pino({ level: 'warn' }) });
  interceptors.push(wardenInterceptor({ authorizer }));
}
const server = new grpc.Server({ ...grpcServerOptions(DEFAULT_LIMITS), interceptors });
server.addService(service, { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request) });
const credentials = grpc.ServerCredentials.createSsl(readFileSync(tls.ca), [{ cert_chain: readFileSync(tls.serverCert), private_key: readFileSync(tls.serverKey) }], true);
server.bindAsync('127.0.0.1:0', credentials, (error, port) => {
  if (error) throw error;
  process.send!({ type: 'ready', address: `127.0.0.1:${port}` } satisfies ServerMessage);
});
process.on('message', (m: string) => {
  if (m === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage(), elu: performance.eventLoopUtilization() } satisfies ServerMessage);
});
process.on('SIGINT', () => process.exit(0));
