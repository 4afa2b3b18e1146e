import type { CredentialChecks } from '../../credentials/credential-checks.js';
import { assertedIdentity, type Identity, type JwtVerifier } from '../../identity/index.js';
import type { ClientTrust } from '../client-trust.js';
import { certificateIdentity } from './certificate-credential.js';
import { HttpRequestError } from './errors.js';
import { parseXfcc, xfccValues } from './xfcc.js';

/** A request's headers, lower-cased, each with all its values (Node's `headersDistinct`). */
export type DistinctHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/** What the readers check credentials with. */
export interface CredentialContext {
  /** The server's client CAs, as rotated: a forwarded certificate they issued is `"mtls"`. */
  trust: ClientTrust | undefined;
  /** Verifies bearer tokens; without it a bearer token is a bad credential. */
  jwt: JwtVerifier | undefined;
  /** Holds tokens to the credential rules and verifies API keys. */
  credentials: CredentialChecks;
  /** The service called: an API key must be allowed to call it. */
  service: string;
}

/**
 * One way a proxy can tell who its caller is. `read` resolves to the caller's identity, or returns
 * `undefined` when the request carries nothing this reader knows (the next reader is tried).
 * A credential that is there but does not hold throws (or rejects): it is never skipped in favour
 * of a later reader.
 */
export interface CredentialReader {
  readonly name: string;
  read(headers: DistinctHeaders, context: CredentialContext): Identity | Promise<Identity> | undefined;
}

function bad(message: string, cause?: unknown): HttpRequestError {
  return new HttpRequestError('http_bad_credential', message, { cause });
}

/**
 * The one value of `name`, or `undefined`; a header that may appear once but came twice is a bad
 * credential (two proxies disagreeing, or a client smuggling one in).
 */
export function singleHeader(headers: DistinctHeaders, name: string): string | undefined {
  const values = headers[name];
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw bad(`${name} appears ${values.length} times`);
  return values[0];
}

/** nginx's `$ssl_client_escaped_cert`: the caller's URL-escaped certificate PEM. */
export const clientCertHeaderReader: CredentialReader = {
  name: 'x-client-cert',
  read(headers, { trust }) {
    const value = singleHeader(headers, 'x-client-cert');
    return value === undefined || value === '' ? undefined : certificateIdentity(value, 'X-Client-Cert', trust);
  },
};

/**
 * Envoy's `x-forwarded-client-cert`. Its last element is the one the nearest proxy (the one that
 * asks Warden) added: `Cert=` (URL-escaped PEM, checked like X-Client-Cert) when there, else the
 * one `spiffe://` `URI=`, as that proxy asserts it. Repeated headers are joined, as HTTP allows.
 */
export const xfccReader: CredentialReader = {
  name: 'x-forwarded-client-cert',
  read(headers, { trust }) {
    const values = headers['x-forwarded-client-cert'];
    if (!values || values.every((v) => v.trim() === '')) return undefined;
    const elements = parseXfcc(values.join(','));
    const nearest = elements[elements.length - 1];
    if (!nearest) throw bad('x-forwarded-client-cert holds no element');
    const cert = xfccValues(nearest, 'Cert')[0];
    if (cert !== undefined && cert !== '') return certificateIdentity(cert, 'x-forwarded-client-cert Cert', trust);
    const spiffe = xfccValues(nearest, 'URI').filter((u) => u.toLowerCase().startsWith('spiffe:'));
    if (spiffe.length !== 1) throw bad(`the last x-forwarded-client-cert element must hold Cert= or exactly one spiffe:// URI=, it holds ${spiffe.length}`);
    try {
      return assertedIdentity(spiffe[0]!);
    } catch (e) {
      throw bad(`x-forwarded-client-cert URI: ${(e as Error).message}`, e);
    }
  },
};

/** `authorization: Bearer <JWT>`, verified by Warden itself (`"jwt"`) and held to the credential rules; other schemes are not this reader's. */
export const bearerTokenReader: CredentialReader = {
  name: 'bearer',
  read(headers, { jwt, credentials }) {
    const value = singleHeader(headers, 'authorization');
    const match = value === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
    if (!match) return undefined;
    return credentials.token(jwt, match[1]!).then((verdict) => {
      if (!verdict.ok) throw bad(verdict.reason);
      return verdict.identity;
    });
  },
};

/**
 * An API key, `x-api-key: <key>` or `authorization: ApiKey <key>` (`"api_key"`), verified by
 * Warden and allowed for the service called. Every failure reads `api key rejected`.
 */
export const apiKeyReader: CredentialReader = {
  name: 'api-key',
  read(headers, { credentials, service }) {
    const direct = singleHeader(headers, 'x-api-key');
    const scheme = direct === undefined ? /^apikey[ \t]+(\S+)[ \t]*$/i.exec(singleHeader(headers, 'authorization') ?? '') : null;
    const key = direct?.trim() ?? scheme?.[1];
    if (key === undefined) return undefined;
    const verdict = credentials.apiKey(key, service);
    if (!verdict.ok) throw bad(verdict.reason);
    return verdict.identity;
  },
};

/**
 * The readers in the order they are tried: an API key first (the credential the caller itself
 * presented, as with Envoy's gRPC checks), then certificates a proxy forwarded (they describe the
 * connection it terminated), then a bearer token.
 */
export const CREDENTIAL_READERS: readonly CredentialReader[] = [apiKeyReader, clientCertHeaderReader, xfccReader, bearerTokenReader];

/**
 * The caller of a forwarded request: the identity from the first reader that finds a credential.
 *
 * @example
 * const subject = await readSubject(CREDENTIAL_READERS, req.headersDistinct, { trust, jwt });
 * @throws HttpRequestError `http_no_credential` when none does, `http_bad_credential` (maybe as a
 *   rejection) when the credential found does not hold
 */
export function readSubject(readers: readonly CredentialReader[], headers: DistinctHeaders, context: CredentialContext): Identity | Promise<Identity> {
  for (const reader of readers) {
    const found = reader.read(headers, context);
    if (found !== undefined) return found;
  }
  throw new HttpRequestError('http_no_credential', `no credential: none of ${readers.map((r) => r.name).join(', ')}`);
}
