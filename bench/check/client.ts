import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import type { TlsPaths } from './protocol.js';

const definition = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS);
const pkg = grpc.loadPackageDefinition(definition) as unknown as { warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } } };

/** The Authorizer service definition (the echo server implements the same one). */
export const AUTHORIZER_SERVICE = pkg.warden.authz.v1.Authorizer.service;

export type CheckFn = (request: unknown, done: (error: grpc.ServiceError | null, response?: Record<string, unknown>) => void) => void;

/** An mTLS Authorizer client on its own connection (no subchannel sharing between clients). */
export function authorizerClient(address: string, tls: TlsPaths): { check: CheckFn; close(): void } {
  const credentials = grpc.credentials.createSsl(readFileSync(tls.ca), readFileSync(tls.clientKey), readFileSync(tls.clientCert));
  const client = new pkg.warden.authz.v1.Authorizer(address, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
    'grpc.use_local_subchannel_pool': 1,
  });
  const check = (client as unknown as { Check: CheckFn }).Check.bind(client);
  return { check, close: () => client.close() };
}
