// A grpc-js unary echo server for bench/inprocess.ts, with Warden's server options and V8 setting,
// with or without wardenInterceptor in front of its handler (decided by an in-process Authorizer).
import '../check/serving-heap-first.js';
import { serveForBench } from '../check/serve-for-bench.js';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { DEFAULT_LIMITS, grpcServerOptions } from '../../src/server/index.js';
import { createAuthorizer, wardenInterceptor } from '../../src/index.js';
import type { TlsPaths } from '../check/protocol.js';

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
serveForBench(server, tls);
