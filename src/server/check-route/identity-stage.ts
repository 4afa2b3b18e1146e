import type { CheckStage } from './check.js';

/**
 * Who is asking and about whom. The caller's connection identity is established before any stage
 * (see unaryPipeline: no verified client certificate, no call); this stage resolves the check's
 * subject and builds its policy input, or denies with a reason (a rejected subject token, an Envoy
 * request that cannot be read). A request that may be recalled by its bytes only gets its key
 * here: its subject is in those bytes, and it is decoded only if the cache does not know them.
 */
export const identityStage: CheckStage = {
  name: 'identity',
  run: (check) => check.route.identify(check, check.bytes === undefined),
};
