import type { Http2SecureServer, ServerHttp2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Server } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { HandshakeFailure, WardenMetrics } from '../audit/index.js';
import { peerChain, type ClientTrust } from './client-trust.js';
import { ServiceError } from './errors.js';

/** What {@link guardConnections} enforces and reports to. */
export interface ConnectionGuardOptions {
  /** Most open TCP connections, handshaking or not. */
  maxConnections: number;
  trust: ClientTrust;
  metrics: WardenMetrics;
  logger: Logger;
  /** Time sessions closed by a rotation get to finish their calls before they are destroyed (default 5 s). */
  closeGraceMs?: number;
}

/**
 * The HTTP/2 servers grpc-js listens with. grpc-js keeps them in the private `http2Servers` map
 * (1.14; pinned by test/server/connection-guard.test.ts); without it the limits cannot be
 * enforced, so this fails rather than serve without them.
 *
 * @throws ServiceError `internal` when grpc-js no longer keeps them there
 */
export function http2ServersOf(server: Server): Http2SecureServer[] {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) throw new ServiceError('internal', 'grpc-js does not expose its HTTP/2 servers (http2Servers); connection limits cannot be enforced');
  return [...(servers.keys() as IterableIterator<Http2SecureServer>)];
}

function handshakeFailure(error: Error & { code?: string }): HandshakeFailure {
  const code = error.code ?? '';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'timeout';
  if (/PROTOCOL|CIPHER|VERSION/.test(code)) return 'protocol';
  if (/CERT|UNKNOWN_CA|CA_/.test(code)) return 'certificate';
  return 'other';
}

/**
 * Guards the connections of a bound grpc-js server: caps open TCP connections at `maxConnections`
 * (more are closed at once and counted in `warden_connections_refused_total`), counts failed TLS
 * handshakes by reason (`warden_tls_handshake_failures_total`, timeouts included), and when the
 * client CA set rotates, closes every connection whose certificate no longer chains to it
 * (`warden_connections_closed_total{reason="client_ca_rotated"}`); connections that still chain
 * stay open. Call it after `bindAsync`.
 *
 * @example
 * const stop = guardConnections(server, { maxConnections: 10_000, trust: tls.trust, metrics, logger });
 * @returns a function that detaches the guard and ends every connection still open (call it once the server has drained)
 * @throws ServiceError `internal` when grpc-js's HTTP/2 servers cannot be reached
 */
export function guardConnections(server: Server, options: ConnectionGuardOptions): () => void {
  const { metrics, logger, trust } = options;
  const graceMs = options.closeGraceMs ?? 5_000;
  const servers = http2ServersOf(server);
  const sessions = new Set<ServerHttp2Session>();
  // Every TCP connection, handshaking or not, so that a stop can end those grpc-js does not know of.
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const onDrop = (): void => metrics.recordConnectionRefused();
  const onTlsError = (error: Error): void => metrics.recordHandshakeFailure(handshakeFailure(error));
  const onSession = (session: ServerHttp2Session): void => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  };
  for (const http2Server of servers) {
    http2Server.maxConnections = options.maxConnections;
    http2Server.on('connection', onConnection);
    http2Server.on('drop', onDrop);
    http2Server.on('tlsClientError', onTlsError);
    http2Server.on('session', onSession);
  }
  metrics.watchOpenConnections(() => sessions.size);

  const stopRotation = trust.onRotate(() => {
    let closed = 0;
    for (const session of sessions) {
      if (session.closed || session.destroyed) continue;
      let chained = false;
      try {
        chained = session.socket !== undefined && trust.anchors(peerChain(session.socket as TLSSocket));
      } catch {
        // A certificate that cannot be read again is not trusted again.
      }
      if (chained) continue;
      closed++;
      metrics.recordConnectionClosed('client_ca_rotated');
      session.close();
      setTimeout(() => session.destroyed || session.destroy(), graceMs).unref();
    }
    if (closed > 0) logger.info({ closed }, 'client CA rotated: closed connections whose certificate no longer chains to it');
  });

  return () => {
    stopRotation();
    // What is still open once the server has drained (a handshake that finished after shutdown
    // began, a session grpc-js never saw) would keep the process alive: it ends here.
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    for (const http2Server of servers) {
      http2Server.off('connection', onConnection);
      http2Server.off('drop', onDrop);
      http2Server.off('tlsClientError', onTlsError);
      http2Server.off('session', onSession);
    }
    sessions.clear();
  };
}
