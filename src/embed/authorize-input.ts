import { canonicalJson } from '../engine/index.js';
import type { AuthenticatedBy, Identity } from '../identity/index.js';
import { EmbedError } from './errors.js';

/**
 * What `authorize` decides about: the same input a `warden.authz.v1` check gives the policy
 * (docs/policy-input.md), built by the calling service. `subject` and `action` are required; the
 * rest default as the Authorizer fills them (`requester` to `subject`, `resource` to
 * `{service: "", path: "", attributes: {}}`, `context` to `{}`, `source.ip` to `""`). Other
 * top-level members are passed to the policy as they are (they must be JSON).
 *
 * The caller vouches for the identities it puts here: `authenticated_by: "mtls"` or `"jwt"` tells
 * the policy that the caller verified that certificate or token itself. Warden does not check them.
 */
export interface AuthorizeInput {
  subject: Identity;
  requester?: Identity;
  action: string;
  resource?: { service?: string; path?: string; attributes?: Record<string, string> };
  context?: Record<string, unknown>;
  source?: { ip?: string };
  [member: string]: unknown;
}

/** How deep and how long an input may be, as the Authorizer's request limits have it. */
export interface InputLimits {
  /** Deepest nesting of the whole input (default 32). */
  maxDepth: number;
  /** Longest string anywhere in it (default 8 KiB). */
  maxValueLength: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxDepth: 32, maxValueLength: 8192 };

const AUTHENTICATED_BY: readonly AuthenticatedBy[] = ['mtls', 'jwt', 'requester'];
const IDENTITY_TEXT = ['trust_domain', 'namespace', 'service_account'] as const;

function invalid(message: string): EmbedError {
  return new EmbedError('embed_invalid_input', message);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : `a ${typeof v}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Where a value is not plain JSON: its path is written on the way out, so a valid input builds none. */
class JsonFault {
  constructor(
    public at: string,
    readonly problem: string,
  ) {}
}

/** Throws a JsonFault unless `v` is plain JSON within `limits`: no functions, symbols, bigints, non-finite numbers, cycles or class instances. */
function checkJson(v: unknown, limits: InputLimits, depth: number): void {
  if (depth > limits.maxDepth) throw new JsonFault('', `nests deeper than ${limits.maxDepth} levels`);
  switch (typeof v) {
    case 'string':
      if (v.length > limits.maxValueLength) throw new JsonFault('', `is longer than ${limits.maxValueLength} characters`);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new JsonFault('', `must be a finite number, got ${v}`);
      return;
    case 'object':
      if (v === null) return;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) within(`[${i}]`, v[i], limits, depth);
        return;
      }
      if (!isPlainObject(v)) throw new JsonFault('', `must be plain JSON, got an instance of ${(v as object).constructor?.name ?? 'a class'}`);
      for (const k in v) if (v[k] !== undefined) within(`.${k}`, v[k], limits, depth);
      return;
    default:
      throw new JsonFault('', `must be JSON, got ${describe(v)}`);
  }
}

function within(step: string, v: unknown, limits: InputLimits, depth: number): void {
  try {
    checkJson(v, limits, depth + 1);
  } catch (e) {
    if (e instanceof JsonFault) e.at = `${step}${e.at}`;
    throw e;
  }
}

function text(v: unknown, at: string, required: boolean): string {
  if (v === undefined && !required) return '';
  if (typeof v !== 'string' || (required && v === '')) throw invalid(`${at} must be a ${required ? 'non-empty ' : ''}string, got ${describe(v)}`);
  return v;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isPlainObject(v)) throw invalid(`${at} must be an object, got ${describe(v)}`);
  return v;
}

function identity(v: unknown, at: string): Identity {
  if (!isPlainObject(v)) throw invalid(`${at} must be an identity object {id, authenticated_by, ...}, got ${describe(v)}`);
  text(v.id, `${at}.id`, true);
  if (!AUTHENTICATED_BY.includes(v.authenticated_by as AuthenticatedBy)) {
    throw invalid(`${at}.authenticated_by must be one of ${AUTHENTICATED_BY.map((a) => `"${a}"`).join(', ')}, got ${describe(v.authenticated_by)}`);
  }
  for (const key of IDENTITY_TEXT) if (v[key] !== undefined) text(v[key], `${at}.${key}`, true);
  if (v.claims !== undefined) object(v.claims, `${at}.claims`);
  return v as unknown as Identity;
}

function attributes(v: unknown, at: string): Record<string, string> {
  const attrs = object(v, at);
  for (const [k, x] of Object.entries(attrs)) text(x, `${at}.${k}`, false);
  return attrs as Record<string, string>;
}

/**
 * The canonical JSON of a caller's input, with the Authorizer's defaults filled in, so a policy
 * written for `warden serve` reads it the same way. The text is the decision cache's key, the
 * policy's input and the decision log's input fields.
 *
 * @example
 * authorizeInputJson({ subject: { id: 'spiffe://example.org/ns/shop/sa/web', authenticated_by: 'mtls' }, action: 'GET' })
 * @throws EmbedError `embed_invalid_input` naming the field that is wrong (`input.subject.id must be…`)
 */
export function authorizeInputJson(input: unknown, limits: InputLimits = DEFAULT_INPUT_LIMITS): string {
  if (!isPlainObject(input)) throw invalid(`input must be an object, got ${describe(input)}`);
  try {
    checkJson(input, limits, 0);
  } catch (e) {
    throw e instanceof JsonFault ? invalid(`input${e.at} ${e.problem}`) : e;
  }
  const subject = identity(input.subject, 'input.subject');
  const requester = input.requester === undefined ? subject : identity(input.requester, 'input.requester');
  const resource = object(input.resource, 'input.resource');
  const source = object(input.source, 'input.source');
  return canonicalJson({
    ...input,
    action: text(input.action, 'input.action', true),
    context: object(input.context, 'input.context'),
    requester,
    resource: {
      ...resource,
      attributes: attributes(resource.attributes, 'input.resource.attributes'),
      path: text(resource.path, 'input.resource.path', false),
      service: text(resource.service, 'input.resource.service', false),
    },
    source: { ...source, ip: text(source.ip, 'input.source.ip', false) },
    subject,
  });
}
