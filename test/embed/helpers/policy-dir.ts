/** A policy directory in a temp dir, with real Rego that the tests can rewrite to see a reload. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '../../helpers/temp-dir.js';

export const WEB = 'spiffe://example.org/ns/shop/sa/web';
export const BILLING = 'spiffe://example.org/ns/shop/sa/billing';

/**
 * `warden/authz/decision`: allowed when `data.grants[subject.id]` lists the action (reason
 * "granted"), denied "not granted" otherwise; action "convert" evaluates `to_number(context.n)`,
 * which fails (a builtin error) when `n` is not a number.
 */
export const POLICY = `package warden.authz

default decision := {"allow": false, "reasons": ["not granted"]}

decision := {"allow": true, "reasons": ["granted"]} if {
	input.action in data.grants[input.subject.id]
}

decision := {"allow": true, "reasons": ["converted"]} if {
	input.action == "convert"
	to_number(input.context.n) > 0
}
`;

export function writeGrants(dir: string, grants: Record<string, string[]>): void {
  mkdirSync(join(dir, 'grants'), { recursive: true });
  writeFileSync(join(dir, 'grants', 'data.json'), JSON.stringify(grants));
}

/** A fresh policy directory granting `grants` (subject → actions). */
export function policyDir(grants: Record<string, string[]>, source = POLICY): string {
  const dir = temporaryDirectory('warden-embed-');
  writeFileSync(join(dir, 'authz.rego'), source);
  writeGrants(dir, grants);
  return dir;
}

/** The identity a service would put in the input after verifying the caller's certificate. */
export function workload(id: string): { id: string; trust_domain: string; namespace: string; service_account: string; authenticated_by: 'mtls' } {
  const [trust_domain = '', , namespace = '', , service_account = ''] = id.replace('spiffe://', '').split('/');
  return { id, trust_domain, namespace, service_account, authenticated_by: 'mtls' };
}
