import { outboundHeadersProblem, type OutboundHeaders } from './outbound-headers.js';
import { checkOutboundTls, type OutboundTlsConfig } from './outbound-tls.js';

/** Where an outbound service is and how to reach it: the checked `url`, `headers` and `tls` of its config. */
export interface OutboundEndpoint {
  url: URL;
  headers: OutboundHeaders;
  tls?: OutboundTlsConfig;
}

/**
 * Checks the `url` (http or https, no credentials in it: they would reach logs), `headers` and `tls`
 * (https only) of the config object `given` of `key`; anything wrong is returned as a message that
 * names the field, for the caller to throw as its own error.
 *
 * @example
 * const endpoint = outboundEndpoint(given, 'decisionLogService', 'the collector URL, such as https://logs.example.com');
 * if ('problem' in endpoint) throw new AuditError('audit_invalid_config', endpoint.problem);
 */
export function outboundEndpoint(given: Record<string, unknown>, key: string, urlExample: string): OutboundEndpoint | { problem: string } {
  const problem = (message: string) => ({ problem: `${key}${message}` });
  if (typeof given.url !== 'string') return problem(`.url must be ${urlExample}`);
  let url: URL;
  try {
    url = new URL(given.url);
  } catch {
    return problem(`.url is not a URL: ${JSON.stringify(given.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem(`.url must be http or https, not ${url.protocol}`);
  if (url.username || url.password) return problem('.url must not carry credentials (they would reach logs): use headers');
  const headers = given.headers ?? {};
  const headerProblem = outboundHeadersProblem(headers);
  if (headerProblem) return problem(`.headers${headerProblem}`);
  if (given.tls === undefined) return { url, headers: headers as OutboundHeaders };
  let tls: OutboundTlsConfig;
  try {
    tls = checkOutboundTls(given.tls, key);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  if (url.protocol !== 'https:') return problem('.tls is set but .url is not https');
  return { url, headers: headers as OutboundHeaders, tls };
}
