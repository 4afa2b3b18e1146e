// A grpc-js server with the same mTLS settings and service as Warden, whose Check answers at once
// with a canned CheckResponse of the size Warden answers with: the ceiling for Warden's throughput.
// Its server options are Warden's own (no channelz tracking, the same receive limit), so the ratios
// measure what Warden does per call, not a transport setting the echo server could share; its V8
// is tuned as `warden serve` tunes Warden's.
import './serving-heap-first.js';
import { serveForBench } from './serve-for-bench.js';
import * as grpc from '@grpc/grpc-js';
import { DEFAULT_LIMITS, grpcServerOptions } from '../../src/server/index.js';
import { AUTHORIZER_SERVICE } from './client.js';
import type { TlsPaths } from './protocol.js';

const { tls, response } = JSON.parse(process.argv[2]!) as { tls: TlsPaths; response: Record<string, unknown> };
const server = new grpc.Server(grpcServerOptions(DEFAULT_LIMITS));
server.addService(AUTHORIZER_SERVICE, {
  Check: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, response),
  CheckBatch: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { results: [response] }),
});
serveForBench(server, tls);
