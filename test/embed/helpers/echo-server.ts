/** A grpc-js unary echo service on a loopback port, with a count of the calls its handler ran. */
import * as grpc from '@grpc/grpc-js';
import type { TestCa } from '../../server/helpers/pki.js';

const identity = (b: Buffer) => b;
export const ECHO_METHOD = '/test.Echo/Echo';
export const echoService: grpc.ServiceDefinition = {
  Echo: { path: ECHO_METHOD, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};
const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo');
/** The server certificate names localhost. */
const CHANNEL_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };

export interface EchoServer {
  address: string;
  /** Calls the handler ran. */
  readonly handled: number;
  /** An mTLS client presenting a certificate for `spiffeId` (none when null), or a plaintext one. */
  client(spiffeId: string | null | 'plaintext', opts?: { ca?: boolean }): EchoClientHandle;
  close(): Promise<void>;
}

export interface EchoClientHandle {
  echo(payload: Buffer, deadlineMs?: number): Promise<{ response: Buffer; trailers?: grpc.Metadata }>;
  close(): void;
}

export async function startEchoServer(ca: TestCa | undefined, interceptors: grpc.ServerInterceptor[]): Promise<EchoServer> {
  const server = new grpc.Server({ interceptors });
  let handled = 0;
  server.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      handled++;
      callback(null, call.request);
    },
  });
  let credentials = grpc.ServerCredentials.createInsecure();
  if (ca) {
    const leaf = ca.issue({ cn: 'echo', dns: ['localhost'], ips: ['127.0.0.1'] });
    credentials = grpc.ServerCredentials.createSsl(Buffer.from(ca.cert), [{ cert_chain: Buffer.from(leaf.cert), private_key: Buffer.from(leaf.key) }], true);
  }
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  const address = `127.0.0.1:${port}`;
  const clients: grpc.Client[] = [];
  return {
    address,
    get handled() {
      return handled;
    },
    client(spiffeId, opts = {}) {
      let creds = grpc.credentials.createInsecure();
      if (spiffeId !== 'plaintext') {
        const leaf = ca!.issue({ cn: 'caller', uris: spiffeId ? [spiffeId] : [], ca: opts.ca });
        creds = grpc.credentials.createSsl(Buffer.from(ca!.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
      }
      const client = new EchoClient(address, creds, CHANNEL_OPTIONS);
      clients.push(client);
      return {
        echo: (payload, deadlineMs = 30_000) =>
          new Promise((resolve, reject) => {
            let trailers: grpc.Metadata | undefined;
            const call = (client as unknown as Record<string, (r: Buffer, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: Buffer) => void) => grpc.ClientUnaryCall>).Echo!(payload, { deadline: Date.now() + deadlineMs }, (e, v) =>
              e ? reject(e) : resolve({ response: v, trailers }),
            );
            call.on('status', (s: grpc.StatusObject) => (trailers = s.metadata));
          }),
        close: () => client.close(),
      };
    },
    async close() {
      for (const c of clients) c.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
