import type { DecisionRecord } from '../audit/index.js';

/** Who called what in a decision: the subject's workload identity, the service and the action. */
export interface CallEdge {
  /** The subject's namespace and service account, when it is a workload identity. */
  namespace?: string;
  serviceAccount?: string;
  /** `namespace/service_account`, else the subject's id, else `(unidentified)`. */
  caller: string;
  service: string;
  action: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The call a record decided; OPA REST records name it inside their `input`. */
export function callEdgeOf(record: DecisionRecord): CallEdge {
  const input = record.api === 'opa' && isObject(record.input) ? record.input : (record as unknown as Record<string, unknown>);
  const subject = isObject(input.subject) ? input.subject : {};
  const resource = isObject(input.resource) ? input.resource : {};
  const namespace = text(subject.namespace);
  const serviceAccount = text(subject.service_account);
  const caller = namespace !== undefined && serviceAccount !== undefined ? `${namespace}/${serviceAccount}` : (text(subject.id) || '(unidentified)');
  return { namespace, serviceAccount, caller, service: text(resource.service) ?? '', action: text(input.action) ?? '' };
}
