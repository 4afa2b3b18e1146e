import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

export interface HealthCallOptions {
  /** `host:port` of a Warden server. */
  address: string;
  /** Client certificate, its key, and the CA that signed the server's certificate (PEM files). */
  cert: string;
  key: string;
  ca: string;
  /** Service to ask about; '' (the default) is the server as a whole. */
  service?: string;
  timeoutMs?: number;
}

/**
 * One `grpc.health.v1.Health/Check` call over mTLS: the status the server reports (`SERVING`,
 * `NOT_SERVING`, …). A probe needs a client certificate because Warden serves health on its mTLS port.
 *
 * @example
 * const status = await healthStatus({ address: '127.0.0.1:9191', cert, key, ca });
 */
export function healthStatus(options: HealthCallOptions): Promise<string> {
  const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String })) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const credentials = grpc.credentials.createSsl(readFileSync(options.ca), readFileSync(options.key), readFileSync(options.cert));
  // The dev CA names the server `localhost`; SNI may not carry an IP address.
  const host = options.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const channelOptions = /^[\d.]+$|:/.test(host) ? { 'grpc.ssl_target_name_override': 'localhost' } : {};
  const client = new pkg.grpc.health.v1.Health(options.address, credentials, channelOptions);
  const check = client.Check!;
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + (options.timeoutMs ?? 3000));
    check.call(client, { service: options.service ?? '' }, { deadline }, (err: grpc.ServiceError | null, res: { status: string }) => {
      client.close();
      if (err) reject(err);
      else resolve(res.status);
    });
  });
}
