import type { CredentialChecks } from '../../credentials/credential-checks.js';
import type { Engine } from '../../engine/index.js';
import type { CheckStage } from './check.js';
import { denyEarly } from './early-deny.js';

/**
 * Who is asking and about whom. The caller's connection identity is established before any stage
 * (see unaryPipeline: no verified client certificate, no call); this stage first holds its
 * certificate to the credential rules (one that should have been rotated denies, on every call
 * however old the connection), then resolves the check's subject and builds its policy input, or
 * denies with a reason (a rejected subject token or API key, an Envoy request that cannot be
 * read). A request that may be recalled by its bytes only gets its key here: its subject is in
 * those bytes, and it is decoded only if the cache does not know them.
 */
export function identityStage(engine: Engine, credentials: CredentialChecks | undefined): CheckStage {
  return {
    name: 'identity',
    run: (check) => {
      const refused = credentials?.certificate(check.state.connection);
      if (refused !== undefined) return denyEarly(check, engine, { allow: false, reasons: [refused] });
      return check.route.identify(check, check.bytes === undefined);
    },
  };
}
