import type { DecisionOutcome, Engine } from '../engine/index.js';
import { assertedIdentity, type Identity } from '../identity/index.js';
import { authzInput, type InputRequester } from './authz-input.js';
import type { AuthzCheckRequest } from './request-types.js';

/** The caller's verified identity and address, as far as a policy input needs them. */
export type RequesterOf = InputRequester;

/** Whose call a check decides, unless it carries a token (which the caller verifies): an asserted SPIFFE ID, else the requester. */
export function assertedOrRequester(req: AuthzCheckRequest, requester: Identity): Identity {
  const id = req.subject?.spiffe_id;
  return id !== undefined ? assertedIdentity(id) : requester;
}

/**
 * Decides a validated check for `subject` with `entrypoint`: the input is built canonical, so its
 * JSON is made once and serves as cache key, policy input and log text. With `requestKey`, the
 * decision is also remembered for the request's bytes (see `Engine.recall`).
 */
export function decideAuthz(engine: Engine, entrypoint: string, req: AuthzCheckRequest, subject: Identity, from: RequesterOf, maxDepth: number, requestKey?: string): DecisionOutcome {
  const input = authzInput(req, from, subject, maxDepth);
  return engine.decide(undefined, entrypoint, 'authz', { inputJson: input.json, inputValue: input.value, requestKey });
}
