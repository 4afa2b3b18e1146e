import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './http-config.js';

/** How many distinct allowed `Host` values are remembered (names × ports a fleet of proxies sends). */
const SEEN_LIMIT = 256;

/** Tells whether a request names this listener in `Host`; the reason it does not, when it does not. */
export type HostCheck = (req: IncomingMessage) => string | undefined;

/** An address or name as compared: lower case, unbracketed, without a trailing dot or IPv4-mapped prefix. */
function normalise(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/** The name in a `Host` header, without its port (`[::1]:80` → `::1`); `undefined` when it is not one. */
export function hostName(header: string): string | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d*)?$/.exec(header);
  if (bracketed) return normalise(bracketed[1]!);
  const plain = /^([A-Za-z0-9._-]+)(?::\d*)?$/.exec(header);
  return plain ? normalise(plain[1]!) : undefined;
}

/**
 * The DNS-rebinding check of a listener bound to `listenHost`: a request is answered only when its
 * `Host` names the address it listens on (or, when bound to every address, the one the connection
 * came in on), `localhost` when that address is a loopback one, or one of `names`. A page on
 * `evil.example` that rebinds its name to this address still sends `Host: evil.example`, and an IP
 * literal in `Host` means the browser's origin is this address itself. The port is not compared:
 * proxies in front rewrite it. No `Host` at all is refused too.
 *
 * @example
 * const check = hostCheck('127.0.0.1', ['warden.internal']);
 * check(req) // → undefined for Host: localhost:9192, a reason for Host: evil.example
 */
export function hostCheck(listenHost: string, names: readonly string[]): HostCheck {
  const listenName = normalise(listenHost);
  const allowed = new Set([listenName, ...names.map(normalise)]);
  if (isLoopbackHost(listenName)) allowed.add('localhost');
  // Proxies send the same few Host values over and over: those found allowed by name skip the parse.
  const seen = new Set<string>();
  return (req) => {
    const header = req.headers.host;
    if (header !== undefined && seen.has(header)) return undefined;
    if (header === undefined || header === '') return 'the request names no Host';
    const name = hostName(header);
    if (name === undefined) return `the Host header ${JSON.stringify(header.slice(0, 100))} is not a host name`;
    if (allowed.has(name)) {
      if (seen.size < SEEN_LIMIT) seen.add(header);
      return undefined;
    }
    const local = normalise(req.socket.localAddress ?? '');
    if (name === local) return undefined;
    if (name === 'localhost' && isLoopbackHost(local)) return undefined;
    return `Host ${JSON.stringify(name.slice(0, 100))} is not a name of this listener (add it to the listener's hosts if it is)`;
  };
}
