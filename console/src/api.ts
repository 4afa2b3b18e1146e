/** The console's JSON API, same origin; state-changing calls carry the session's CSRF token. */

export interface SessionInfo {
  admin: string;
  csrfToken: string;
  expiresAt: string;
}

let csrfToken = '';

/** Thrown for an answer that is not 2xx, with the server's reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function read<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body as T;
}

export async function loadSession(): Promise<SessionInfo> {
  const session = await read<SessionInfo>(await fetch('/api/session', { credentials: 'same-origin' }));
  csrfToken = session.csrfToken;
  return session;
}

export async function getJson<T>(path: string): Promise<T> {
  return read<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return read<T>(await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-warden-csrf': csrfToken }, body: JSON.stringify(body) }));
}

/** A decision record as the decision log writes it (redacted). */
export interface DecisionRecord {
  decision_id: string;
  time: string;
  api: string;
  subject?: { id?: string } | null;
  requester?: { id?: string } | null;
  action?: unknown;
  resource?: { service?: string; path?: string } | null;
  allowed: boolean;
  reasons: string[];
  revision: string;
  cached: boolean;
  latency: number;
  http?: { method?: string; path?: string; host?: string } | null;
}

export function callerOf(r: DecisionRecord): string {
  return r.subject?.id || r.requester?.id || '(unauthenticated)';
}

export function serviceOf(r: DecisionRecord): string {
  return r.resource?.service || r.http?.host || '(none)';
}

export function pathOf(r: DecisionRecord): string {
  return r.resource?.path ?? r.http?.path ?? '';
}
