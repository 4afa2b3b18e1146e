/**
 * gRPC clients of a running `warden serve` (another process), over mTLS with PEM files on disk:
 * the Authorizer (`warden.authz.v1`) and Envoy's external authorization (`envoy.service.auth.v3`),
 * as a service with a subject token or an Envoy sidecar would call them.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';

type Ctor = grpc.ServiceClientConstructor;
type UnaryMethod = (request: unknown, options: grpc.CallOptions, callback: (e: grpc.ServiceError | null, v: unknown) => void) => void;

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as {
  warden: { authz: { v1: { Authorizer: Ctor } } };
  envoy: { service: { auth: { v3: { Authorization: Ctor } } } };
};

/** The development CA names the server `localhost`; connecting by IP would send an IP as SNI. */
const CHANNEL_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };

export interface ClientFiles {
  /** Client certificate, its key, and the CA of the server's certificate (PEM file paths). */
  cert: string;
  key: string;
  ca: string;
}

export interface WardenClients {
  /** `warden.authz.v1.Authorizer/Check`. */
  authorize<T = Record<string, unknown>>(request: unknown): Promise<T>;
  /** `envoy.service.auth.v3.Authorization/Check`. */
  envoyCheck<T = Record<string, unknown>>(request: unknown): Promise<T>;
  close(): void;
}

function call<T>(client: grpc.Client, request: unknown, timeoutMs: number): Promise<T> {
  const check = (client as unknown as { Check: UnaryMethod }).Check.bind(client);
  return new Promise((resolve, reject) => {
    check(request, { deadline: new Date(Date.now() + timeoutMs) }, (e, v) => (e ? reject(e) : resolve(v as T)));
  });
}

/** Clients of the Warden at `address` (`host:port`); each call has `timeoutMs` to answer. */
export function wardenClients(address: string, files: ClientFiles, timeoutMs = 20_000): WardenClients {
  const credentials = grpc.credentials.createSsl(readFileSync(files.ca), readFileSync(files.key), readFileSync(files.cert));
  const authz = new pkg.warden.authz.v1.Authorizer(address, credentials, CHANNEL_OPTIONS);
  const envoy = new pkg.envoy.service.auth.v3.Authorization(address, credentials, CHANNEL_OPTIONS);
  return {
    authorize: (request) => call(authz, request, timeoutMs),
    envoyCheck: (request) => call(envoy, request, timeoutMs),
    close() {
      authz.close();
      envoy.close();
    },
  };
}
