import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { ServiceError } from './errors.js';

/** The folder holding Warden's and Envoy's `.proto` files (same relative place from `src/` and `dist/`). */
export const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

/** The `.proto` files the server serves. */
export const SERVED_PROTOS = ['warden/authz/v1/authz.proto', 'envoy/service/auth/v3/external_auth.proto'];

/**
 * Loader options: original field names, 64-bit integers and enums as strings, bytes as base64,
 * and no default values, so a decoded message holds only what was sent (as protobuf JSON omits
 * defaults).
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
  includeDirs: [PROTO_ROOT],
};

/** Loads the served protos (plus any extra files, such as the health proto for reflection). */
export function loadPackageDefinition(extraFiles: string[] = []): protoLoader.PackageDefinition {
  return protoLoader.loadSync([...SERVED_PROTOS, ...extraFiles], LOADER_OPTIONS);
}

/**
 * A request kept as the bytes it arrived in, decoded only when needed: a request Warden has
 * decided before is recognised by its bytes alone (see `Engine.recall`).
 */
export class RawRequest<T> {
  private decoded: T | undefined;

  constructor(
    readonly bytes: Buffer,
    private readonly decode: (bytes: Buffer) => T,
  ) {}

  /**
   * The decoded message.
   *
   * @throws ServiceError `invalid_argument` when the bytes are not a valid message
   */
  message(): T {
    if (this.decoded === undefined) {
      try {
        this.decoded = this.decode(this.bytes);
      } catch {
        throw new ServiceError('invalid_argument', 'request is not a valid protobuf message');
      }
      if (typeof this.decoded !== 'object' || this.decoded === null) throw new ServiceError('invalid_argument', 'request is empty');
    }
    return this.decoded;
  }
}

/**
 * The service definition of `name`, whose handlers receive each request as a {@link RawRequest}
 * (bytes that do not decode become INVALID_ARGUMENT when the handler asks, instead of grpc-js's
 * INTERNAL status) and may answer with the response's bytes already encoded.
 */
export function rawRequestService(def: protoLoader.PackageDefinition, name: string): ServiceDefinition {
  const service = def[name] as unknown as Record<string, MethodDefinition<unknown, unknown>> | undefined;
  if (!service) throw new Error(`service ${name} is not in the loaded protos`);
  const out: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [method, md] of Object.entries(service)) {
    const decode = md.requestDeserialize;
    const encode = md.responseSerialize;
    out[method] = {
      ...md,
      requestDeserialize: (bytes: Buffer) => new RawRequest(bytes, decode),
      responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : encode(value)),
    };
  }
  return out as ServiceDefinition;
}
