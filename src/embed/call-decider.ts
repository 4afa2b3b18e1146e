import type { MaybeResult } from './authorize-result.js';
import type { Authorizer } from './create-authorizer.js';
import { EmbedError } from './errors.js';
import { peerCallInput, type PeerCall } from './peer-call.js';
import { RemoteWarden, type RemoteWardenOptions } from './remote-warden.js';

/** Where the interceptor and the middleware get their decisions: an in-process Authorizer, or a remote Warden. */
export type DeciderOptions = { authorizer: Authorizer; remote?: undefined } | { remote: RemoteWardenOptions; authorizer?: undefined };

/** Decides peer calls; `close` releases what it opened (the remote channel; never the caller's Authorizer). */
export interface CallDecider {
  decide(call: PeerCall): MaybeResult;
  close(): void;
}

/**
 * The decider of `options`: `authorizer` decides in-process (synchronously when it can);
 * `remote` opens one pooled channel to a Warden server.
 *
 * @throws EmbedError `embed_invalid_options` unless exactly one of them is given
 */
export function callDecider(options: DeciderOptions): CallDecider {
  const given = options as { authorizer?: unknown; remote?: unknown } | undefined;
  if ((given?.authorizer === undefined) === (given?.remote === undefined)) {
    throw new EmbedError('embed_invalid_options', 'give exactly one of authorizer (in-process) or remote ({ address, tls })');
  }
  if (options.authorizer) {
    const { authorizer } = options;
    if (typeof authorizer.authorize !== 'function') throw new EmbedError('embed_invalid_options', 'authorizer must be what createAuthorizer returned');
    return { decide: (call) => authorizer.authorize(peerCallInput(call)), close: () => {} };
  }
  const remote = new RemoteWarden(options.remote!);
  return { decide: (call) => remote.check(call), close: () => remote.close() };
}
