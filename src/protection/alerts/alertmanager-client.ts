import { ProtectionError } from '../errors.js';
import type { PostableAlert } from './alert.js';

/** Where alerts are POSTed under an Alertmanager's base URL. */
const ALERTS_PATH = '/api/v2/alerts';

/**
 * The URL alerts are POSTed to for the configured `webhook`: Alertmanager's `/api/v2/alerts` under
 * it, or the URL itself when it already names that path.
 *
 * @example
 * alertsEndpoint('http://127.0.0.1:9093'); // 'http://127.0.0.1:9093/api/v2/alerts'
 */
export function alertsEndpoint(webhook: string): string {
  const url = new URL(webhook);
  if (!url.pathname.endsWith(ALERTS_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${ALERTS_PATH}`;
  return url.toString();
}

/** A delivery that failed; `permanent` when sending the same batch again cannot succeed (a 4xx). */
export class AlertWebhookError extends ProtectionError {
  readonly permanent: boolean;
  readonly status: number | undefined;

  constructor(message: string, options: { permanent: boolean; status?: number; cause?: unknown }) {
    super('alert_webhook_failed', message, { cause: options.cause });
    this.name = 'AlertWebhookError';
    this.permanent = options.permanent;
    this.status = options.status;
  }
}

/**
 * POSTs a batch of alerts to an Alertmanager (API v2), waiting at most `timeoutMs`.
 *
 * @throws AlertWebhookError when it is unreachable, too slow or answers other than 2xx; `permanent`
 *   for a 4xx other than 408 and 429 (Alertmanager refused the alerts themselves)
 * @example
 * await postAlerts(alertsEndpoint('http://127.0.0.1:9093'), [toPostableAlert(alert)], 5000);
 */
export async function postAlerts(endpoint: string, alerts: readonly PostableAlert[], timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const timedOut = e instanceof Error && e.name === 'TimeoutError';
    throw new AlertWebhookError(timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : String(e)}`, { permanent: false, cause: e });
  }
  // The body is read (and dropped) so the connection goes back to the pool.
  const body = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return;
  const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
  throw new AlertWebhookError(`answered ${response.status}${body === '' ? '' : `: ${body.trim()}`}`, { permanent, status: response.status });
}
