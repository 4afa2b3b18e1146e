import { randomUUID } from 'node:crypto';
import { AuditError } from './errors.js';

/**
 * The labels every shipped decision event carries, as OPA's: `id` names this process (a fresh UUID
 * at each start unless the config gives one, so that a collector tells replicas apart), `version`
 * Warden's, `app` is `warden`, and the config's `labels` add to them.
 */
export type InstanceLabels = Readonly<Record<string, string>> & { readonly id: string };

const RESERVED = new Set(['app', 'version']);

/**
 * Checks the config's `labels` and adds the instance `id` when it gives none.
 *
 * @example
 * instanceLabels({ region: 'eu-west-1' }) // { id: '3b2…', region: 'eu-west-1' }
 * @throws AuditError `audit_invalid_config` naming the label that is wrong
 */
export function instanceLabels(value: unknown, newId: () => string = randomUUID): InstanceLabels {
  if (value === undefined) return { id: newId() };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuditError('audit_invalid_config', 'labels must map label names to strings');
  const labels: Record<string, string> = {};
  for (const [name, label] of Object.entries(value)) {
    if (name === '' || RESERVED.has(name)) throw new AuditError('audit_invalid_config', `labels: ${JSON.stringify(name)} cannot be set (app and version are Warden's)`);
    if (typeof label !== 'string' || label === '') throw new AuditError('audit_invalid_config', `labels.${name} must be a non-empty string`);
    labels[name] = label;
  }
  return { ...labels, id: labels['id'] ?? newId() };
}
