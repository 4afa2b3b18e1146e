import type { CallEdge } from '../replay/call-edge.js';
import { AdvisorError } from './errors.js';

/** One grant of the bundled layout (`data.warden.config.grants`). */
export interface Grant {
  service: string;
  caller: { namespace: string; service_account: string };
  actions: string[];
}

/** `*` matches any value, as the bundled policy's `matches` does; anything else matches itself. */
function matches(pattern: string, value: string): boolean {
  return pattern === '*' || pattern === value;
}

/**
 * True when `grant` lets the call of `edge` through, as policies/warden/authz/decision.rego's
 * `granted` decides: the service exactly, the caller's namespace and service account and the
 * action each equal or `*`.
 */
export function grantCovers(grant: Grant, edge: CallEdge): boolean {
  return (
    grant.service === edge.service &&
    edge.namespace !== undefined &&
    edge.serviceAccount !== undefined &&
    matches(grant.caller.namespace, edge.namespace) &&
    matches(grant.caller.service_account, edge.serviceAccount) &&
    grant.actions.some((a) => matches(a, edge.action))
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The grants of a data document, checked to have the bundled layout.
 *
 * @throws AdvisorError `advisor_invalid_grants` naming the grant (`where[2]`) and the field that is wrong
 */
export function readGrants(value: unknown, where: string): Grant[] {
  if (!Array.isArray(value)) throw new AdvisorError('advisor_invalid_grants', `${where}: grants must be an array`);
  return value.map((g, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(g)) throw new AdvisorError('advisor_invalid_grants', `${at}: a grant must be an object {service, caller: {namespace, service_account}, actions}`);
    if (typeof g.service !== 'string') throw new AdvisorError('advisor_invalid_grants', `${at}.service: must be a string`);
    const caller = g.caller;
    if (!isObject(caller) || typeof caller.namespace !== 'string' || typeof caller.service_account !== 'string') {
      throw new AdvisorError('advisor_invalid_grants', `${at}.caller: must be {namespace: string, service_account: string}`);
    }
    if (!Array.isArray(g.actions) || !g.actions.every((a) => typeof a === 'string')) throw new AdvisorError('advisor_invalid_grants', `${at}.actions: must be an array of strings`);
    return { service: g.service, caller: { namespace: caller.namespace, service_account: caller.service_account }, actions: g.actions as string[] };
  });
}

/** `namespace/service_account actions on service`, for reports. */
export function grantText(grant: Grant): string {
  return `${grant.caller.namespace}/${grant.caller.service_account} ${grant.actions.join(', ')} on ${grant.service}`;
}
