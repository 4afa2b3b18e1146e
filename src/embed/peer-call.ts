import type { Identity } from '../identity/index.js';
import type { AuthorizeInput } from './authorize-input.js';

/** One incoming call of the embedding service, as its interceptor or middleware saw it. */
export interface PeerCall {
  /** The caller, from its verified client certificate. */
  caller: Identity;
  /** The gRPC method path, or the HTTP method. */
  action: string;
  service: string;
  path: string;
  /** The caller's address. */
  sourceIp: string;
}

/**
 * The policy input of a call decided in-process: the caller connected directly, so it is both the
 * requester and the subject (`authenticated_by: "mtls"`), as in a `warden.authz.v1` check that
 * asserts no other subject. Keys in sorted order, so the input is canonical as built.
 */
export function peerCallInput(call: PeerCall): AuthorizeInput {
  return {
    action: call.action,
    context: {},
    requester: call.caller,
    resource: { attributes: {}, path: call.path, service: call.service },
    source: { ip: call.sourceIp },
    subject: call.caller,
  };
}
