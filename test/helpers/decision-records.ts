/** Decision records as `warden serve` writes them, crafted for replay and advisor tests. */
import { writeFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from './temp-dir.js';

export function workload(ns: string, sa: string): Record<string, unknown> {
  return { authenticated_by: 'mtls', id: `spiffe://warden.local/ns/${ns}/sa/${sa}`, namespace: ns, service_account: sa, trust_domain: 'warden.local' };
}

let sequence = 0;

/** An authorizer record of `ns/sa` calling `action` on `service`, as the bundled policy answers it unless `allowed` says otherwise. */
export function authzRecord(
  call: { ns: string; sa: string; service: string; action: string; allowed: boolean; reasons?: string[]; time?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const who = workload(call.ns, call.sa);
  const reasons = call.reasons ?? (call.allowed ? [`granted: ${call.ns}/${call.sa} may ${call.action} on ${call.service}`] : [`no grant lets ${call.ns}/${call.sa} ${call.action} on ${call.service}`]);
  sequence++;
  return {
    log: 'decision',
    decision_id: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
    time: call.time ?? new Date(Date.UTC(2026, 11, 3, 12) + sequence * 1000).toISOString(),
    api: 'authorizer',
    action: call.action,
    context: {},
    requester: who,
    resource: { attributes: {}, path: '', service: call.service },
    source: { ip: '127.0.0.1' },
    subject: who,
    allowed: call.allowed,
    reasons,
    revision: 'recorded',
    cached: false,
    latency: 0.1,
    ...extra,
  };
}

/** Records (or raw lines) as the text of an NDJSON log. */
export function logText(lines: Array<Record<string, unknown> | string>): string {
  return `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
}

/** A temporary folder with `files` written in it (text or bytes); returns the folder. */
export function logFolder(files: Record<string, string | Uint8Array>): string {
  const dir = temporaryDirectory('warden-replay-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A copy of the bundled policies whose grants are `edit`ed; returns the policy directory. */
export function policiesWith(edit: (grants: Array<{ service: string; caller: { namespace: string; service_account: string }; actions: string[] }>) => unknown[]): string {
  const dir = join(temporaryDirectory('warden-candidate-'), 'policies');
  cpSync(join(process.cwd(), 'policies'), dir, { recursive: true });
  const file = join(dir, 'warden/config/data.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { grants: Parameters<typeof edit>[0] };
  data.grants = edit(data.grants) as typeof data.grants;
  writeFileSync(file, JSON.stringify(data, null, 2));
  return dir;
}
