import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { BundleServiceError } from './errors.js';

/** What a bundle server answered to one GET. */
export type BundleAnswer =
  | { status: 200; body: Buffer; etag: string | undefined; longPolling: boolean }
  | { status: 304; longPolling: boolean };

/** One bundle GET: where, with what, and within which bounds. */
export interface BundleRequest {
  url: string;
  headers: Record<string, string>;
  /** Sent as `If-None-Match`. */
  etag: string | undefined;
  /** Sent as `Prefer: modes=long-polling, wait=N`. */
  longPollSeconds: number | undefined;
  /** The whole exchange, body included, must end within this. */
  timeoutMs: number;
  maxBytes: number;
  agent: HttpAgent | HttpsAgent | undefined;
  signal: AbortSignal;
}

/** OPA's bundle server marks a long-polling answer with this content type; anything else is periodic polling. */
export const LONG_POLL_CONTENT_TYPE = 'application/vnd.openpolicyagent.bundles';

function failure(message: string, cause?: unknown): BundleServiceError {
  return new BundleServiceError('bundle_download_failed', message, cause === undefined ? undefined : { cause });
}

/**
 * GETs a bundle as OPA's bundle plugin does: `If-None-Match` with the ETag of the active bundle, and
 * with long polling `Prefer: modes=long-polling, wait=N`. A 200 is read whole, up to `maxBytes`
 * (refused as soon as the declared length or the bytes so far pass it); anything but 200 or 304,
 * a timeout or a reset is an error saying which.
 *
 * @throws BundleServiceError `bundle_download_failed`
 */
export function requestBundle(options: BundleRequest): Promise<BundleAnswer> {
  const url = new URL(options.url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.etag !== undefined) headers['If-None-Match'] = options.etag;
  if (options.longPollSeconds !== undefined) headers['Prefer'] = `modes=long-polling, wait=${options.longPollSeconds}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<BundleAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (error: BundleServiceError | undefined, answer?: BundleAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const onAbort = () => finish(failure('download stopped: the downloader is closing'));
    const timer = setTimeout(() => finish(failure(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const req = send(url, { method: 'GET', headers, ...(options.agent ? { agent: options.agent } : {}) }, (res: IncomingMessage) => {
      const longPolling = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === LONG_POLL_CONTENT_TYPE;
      if (res.statusCode === 304) {
        res.resume();
        finish(undefined, { status: 304, longPolling });
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        finish(failure(`server answered HTTP ${res.statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ''}`));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        finish(failure(`bundle of ${declared} bytes is larger than maxBytes (${options.maxBytes})`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) finish(failure(`bundle is larger than maxBytes (${options.maxBytes}): stopped reading at ${size} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { status: 200, body: Buffer.concat(chunks), etag: res.headers.etag, longPolling }));
      res.on('error', (e) => finish(failure(`answer cut short: ${e.message}`, e)));
      res.on('aborted', () => finish(failure('answer cut short by the server')));
    });
    req.on('error', (e) => finish(failure(`cannot reach ${url.host}: ${e.message}`, e)));
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort);
    req.end();
  });
}
