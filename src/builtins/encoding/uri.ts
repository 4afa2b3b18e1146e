import { builtinError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { stringArg } from '../operands.js';
import type { RegoObject } from '../value.js';
import { parseGoUrl, splitHostPort, textOf, UrlError } from './go-url.js';

// uri.parse and uri.is_valid (OPA 1.20's v1/topdown/uri.go), on Go's url.Parse (go-url.ts).

/** The URI's parts that are not empty: scheme, hostname, port, path with raw_path, raw_query, fragment. */
export const uriParse: HostBuiltin = (x) => {
  const name = 'uri.parse';
  let url;
  try {
    url = parseGoUrl(stringArg(name, x, 1));
  } catch (e) {
    if (e instanceof UrlError) throw builtinError(name, e.message);
    throw e;
  }
  const out: RegoObject = {};
  const { hostname, port } = splitHostPort(url.host);
  if (url.scheme !== '') out.scheme = textOf(url.scheme);
  if (hostname !== '') out.hostname = textOf(hostname);
  if (port !== '') out.port = textOf(port);
  if (url.path !== '') {
    out.path = textOf(url.path);
    // Always there beside the path, for policies that normalise paths themselves.
    out.raw_path = textOf(url.rawPath || url.path);
  }
  if (url.rawQuery !== '') out.raw_query = textOf(url.rawQuery);
  if (url.fragment !== '') out.fragment = textOf(url.fragment);
  return out;
};

/** Whether a non-empty string parses as a URI (an empty one, valid in RFC 3986, is not, as in OPA). */
export const uriIsValid: HostBuiltin = (x) => {
  if (typeof x !== 'string' || x === '') return false;
  try {
    parseGoUrl(x);
    return true;
  } catch (e) {
    if (e instanceof UrlError) return false;
    throw e;
  }
};
