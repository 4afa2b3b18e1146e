export { parseSpiffeId, identityFromCertificate, assertedIdentity } from './spiffe-id.js';
export { JwksSource, type JwksSourceOptions } from './jwks-source.js';
export {
  JwtVerifier,
  identityFromClaims,
  DEFAULT_JWT_ALGORITHMS,
  type JwtVerifierOptions,
  type JwtVerification,
  type JwtRejectionCode,
} from './jwt-verifier.js';
export { IdentityError, type IdentityErrorCode } from './errors.js';
export type { Identity, SpiffeId, AuthenticatedBy } from './types.js';
