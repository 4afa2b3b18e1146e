import { ServiceError } from '../errors.js';

/** The settings of OPA's REST API on the HTTP listener (`opaApi` in `--config`). */
export interface OpaApiServeConfig {
  opaApi?: {
    /**
     * Documents compiled for the data API besides the decision entrypoints, as rule paths
     * (`warden/authz/allow`, `system/main`); each must exist in the policy, or it does not load.
     */
    entrypoints?: string[];
    /**
     * SPIFFE IDs allowed to write data (`PUT`, `PATCH`, `DELETE /v1/data/{path}`) with their client
     * certificate; default none: writes are refused (403).
     */
    admins?: string[];
  };
}

/** A rule path: slash-separated identifiers, as `--decision` takes them. */
const RULE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The documents `opaApi.entrypoints` adds to those compiled, checked; `[]` when none.
 *
 * @example
 * opaApiEntrypoints({ opaApi: { entrypoints: ['system/main'] } }) // → ['system/main']
 * @throws ServiceError `invalid_config`: `opaApi` not an object, `entrypoints` not a list of rule paths
 */
export function opaApiEntrypoints(config: OpaApiServeConfig): string[] {
  const { opaApi } = config;
  if (opaApi === undefined) return [];
  if (typeof opaApi !== 'object' || opaApi === null || Array.isArray(opaApi)) throw new ServiceError('invalid_config', 'opaApi must be an object: { entrypoints: [rule paths], admins: [SPIFFE IDs] }');
  const unknown = Object.keys(opaApi).filter((k) => k !== 'entrypoints' && k !== 'admins');
  if (unknown.length > 0) throw new ServiceError('invalid_config', `opaApi: unknown keys ${unknown.join(', ')} (known: entrypoints, admins)`);
  const { entrypoints = [] } = opaApi;
  if (!Array.isArray(entrypoints)) throw new ServiceError('invalid_config', 'opaApi.entrypoints must be a list of rule paths like "warden/authz/allow"');
  entrypoints.forEach((e: unknown, i) => {
    if (typeof e !== 'string' || !RULE_PATH.test(e)) throw new ServiceError('invalid_config', `opaApi.entrypoints[${i}] must be a rule path like "warden/authz/allow", not ${JSON.stringify(e)}`);
  });
  return entrypoints;
}

/**
 * The identities `opaApi.admins` allows to write data, checked; `[]` when none (every write is refused).
 *
 * @example
 * opaApiAdmins({ opaApi: { admins: ['spiffe://example.org/ns/ops/sa/admin'] } }) // → ['spiffe://example.org/ns/ops/sa/admin']
 * @throws ServiceError `invalid_config`: `admins` not a list of `spiffe://` IDs
 */
export function opaApiAdmins(config: OpaApiServeConfig): string[] {
  const admins: unknown = config.opaApi?.admins ?? [];
  if (!Array.isArray(admins)) throw new ServiceError('invalid_config', 'opaApi.admins must be a list of SPIFFE IDs like "spiffe://example.org/ns/ops/sa/admin"');
  admins.forEach((a: unknown, i) => {
    if (typeof a !== 'string' || !/^spiffe:\/\/[^/]+\/\S*$/.test(a)) throw new ServiceError('invalid_config', `opaApi.admins[${i}] must be a SPIFFE ID like "spiffe://example.org/ns/ops/sa/admin", not ${JSON.stringify(a)}`);
  });
  return admins as string[];
}
