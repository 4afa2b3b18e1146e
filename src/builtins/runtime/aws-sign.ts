import { createHash, createHmac } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, typeNameOf, type RegoObject, type RegoValue } from '../value.js';
import { operandTypeError } from '../errors.js';
import { marshalJson } from '../encoding/json-text.js';
import { define } from '../plain-json.js';
import { operandError, plainObjectArg } from '../operands.js';

const NAME = 'providers.aws.sign_req';

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

/** The request keys http.send accepts; sign_req validates the request object the same way. */
const HTTP_REQUEST_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache', 'force_cache',
  'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);

/** A Rego set of strings as OPA prints it in messages: `{"a", "b"}`. */
function setText(keys: string[]): string {
  return `{${[...keys].sort().map((k) => JSON.stringify(k)).join(', ')}}`;
}

function str(v: RegoValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The parts of a URL that Go's url.Parse gives SigV4: host (with port), escaped path, raw query. */
function urlParts(raw: string): { host: string; path: string; query: string } {
  const m = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/.exec(raw);
  const authority = m?.[1] ?? '';
  const host = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const path = (m?.[2] ?? '').replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) =>
    Array.from(Buffer.from(c, 'utf8'), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
  return { host, path, query: m?.[3] ?? '' };
}

function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n));
}

function stamps(d: Date): { date: string; iso: string } {
  const iso = d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { date: iso.slice(0, 8), iso };
}

function validateConfig(config: RegoObject): void {
  const missing = REQUIRED_CONFIG.filter((k) => !Object.prototype.hasOwnProperty.call(config, k));
  if (missing.length > 0) throw operandError(NAME, 2, `missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = REQUIRED_CONFIG.filter((k) => typeof config[k] !== 'string');
  if (invalid.length > 0) {
    throw operandError(NAME, 2, `invalid values for required AWS config parameters(s): ${setText(invalid)}`);
  }
}

function timestampArg(v: RegoValue | undefined): bigint {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw operandTypeError(NAME, 1, 'number', typeNameOf(v ?? null));
  // OPA reads the number's literal text as an int64; exponent forms such as -1e9 fail there, and
  // negative or fractional values are the ones a host can tell apart.
  if (typeof v === 'number' && (!Number.isInteger(v) || v < 0 || !Number.isSafeInteger(v))) {
    throw operandError(NAME, 3, 'could not convert time_ns value into a unix timestamp');
  }
  const n = BigInt(v);
  if (n < 0n || n > (1n << 63n) - 1n) throw operandError(NAME, 3, 'could not convert time_ns value into a unix timestamp');
  return n;
}

function validateRequest(req: RegoObject): void {
  const keys = Object.keys(req);
  const missing = ['method', 'url'].filter((k) => !keys.includes(k));
  if (missing.length > 0) throw operandError(NAME, 1, `missing required request parameters(s): ${setText(missing)}`);
  const unknown = keys.filter((k) => !HTTP_REQUEST_KEYS.has(k));
  if (unknown.length > 0) throw operandError(NAME, 1, `invalid request parameters(s): ${setText(unknown)}`);
}

/** providers.aws.sign_req(request, aws_config, time_ns): the request with SigV4 headers added. */
export const awsSignReq: HostBuiltin = (reqArg, configArg, timeArg) => {
  const req = plainObjectArg(NAME, reqArg, 1);
  const config = plainObjectArg(NAME, configArg, 1);
  validateConfig(config);
  const service = str(config.aws_service);
  const ns = timestampArg(timeArg);
  validateRequest(req);
  let headers: RegoObject = {};
  if (req.headers !== undefined) {
    if (!isRegoObject(req.headers)) throw operandTypeError(NAME, 0, 'object', typeNameOf(req.headers));
    headers = req.headers;
  }
  const invalid = ['url', 'method'].filter((k) => typeof req[k] !== 'string');
  if (invalid.length > 0) throw operandError(NAME, 1, `invalid values for required request parameters(s): ${setText(invalid)}`);
  let body: string;
  if (req.raw_body !== undefined) body = str(req.raw_body);
  else if (req.body !== undefined) body = marshalJson(req.body);
  else body = '';
  let disablePayloadSigning = false;
  if (config.disable_payload_signing !== undefined) {
    if (typeof config.disable_payload_signing !== 'boolean') {
      throw operandError(NAME, 2, "invalid value for 'disable_payload_signing' in AWS config");
    }
    disablePayloadSigning = config.disable_payload_signing;
  }

  const url = urlParts(str(req.url));
  const { date, iso } = stamps(nsToDate(ns));
  const region = str(config.aws_region);
  const contentSha = disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : hex(Buffer.from(body, 'utf8'));
  const awsHeaders: Record<string, string> = { host: url.host, 'x-amz-date': iso };
  if (service === 's3' || service === 'glacier') awsHeaders['x-amz-content-sha256'] = contentSha;
  const token = str(config.aws_session_token);
  if (token !== '') awsHeaders['x-amz-security-token'] = token;

  const toSign = new Map<string, string>(Object.entries(awsHeaders));
  const plainHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    plainHeaders[k] = str(v);
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, str(v));
  }
  const ordered = [...toSign.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = ordered.join(';');
  const canonical =
    `${str(req.method)}\n${url.path}\n${url.query}\n` +
    ordered.map((k) => `${k}:${toSign.get(k)!}\n`).join('') +
    `\n${signedHeaders}\n${contentSha}`;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${iso}\n${scope}\n${hex(canonical)}`;
  let key = hmac(`AWS4${str(config.aws_secret_access_key)}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${str(config.aws_access_key)}/${scope},` +
    `SignedHeaders=${signedHeaders},Signature=${signature}`;

  const outHeaders: RegoObject = {};
  for (const [k, v] of Object.entries(plainHeaders)) define(outHeaders, k, v);
  outHeaders.Authorization = authorization;
  for (const [k, v] of Object.entries(awsHeaders)) define(outHeaders, k, v);
  const out: RegoObject = {};
  for (const [k, v] of Object.entries(req)) define(out, k, v);
  out.headers = outHeaders;
  return out;
};

