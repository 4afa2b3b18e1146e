// What the bench's processes say to each other over IPC.

export interface TlsPaths {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A server child: ready with its address, then CPU readings on request. */
export type ServerMessage = { type: 'ready'; address: string; fromDist?: boolean } | { type: 'cpu'; usage: NodeJS.CpuUsage; elu: { idle: number; active: number } };

export interface DriverJob {
  address: string;
  tls: TlsPaths;
  /** `hit`: the same request every time; `miss`: a new resource path per call. */
  mode: 'hit' | 'miss';
  channels: number;
  inFlightPerChannel: number;
  warmupMs: number;
  measureMs: number;
}

export interface DriverResult {
  calls: number;
  errors: number;
  firstError?: string;
  seconds: number;
  /** Latencies in microseconds, sorted. */
  p50: number;
  p99: number;
  cpu: NodeJS.CpuUsage;
  cachedShare: number;
}

/** The CheckRequest every call sends (the miss mode changes `resource.path`). */
export function checkRequest(path: string, action = 'orders.read'): Record<string, unknown> {
  return {
    action,
    resource: { service: 'orders', path, attributes: { tenant: 'acme', region: 'eu-west-1' } },
    context: { fields: { request_id: { stringValue: 'bench' } } },
  };
}

/**
 * A CheckRequest no earlier call made: a new path and a new action. Decisions are cached by what the
 * policy reads (see src/engine/input-projection.ts), and the bundled policy reads the action but
 * not the path, so a new path alone would be answered from the cache. Each is a deny (no grant has
 * that action), decided by the whole policy.
 */
export function missRequest(id: string): Record<string, unknown> {
  return checkRequest(`/orders/${id}`, `orders.read.${id}`);
}
