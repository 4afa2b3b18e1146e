/** Extra request headers configured for an outbound service (`headers: {Name: value}`). */
export type OutboundHeaders = Record<string, string>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What is wrong with a configured `headers` value, as a suffix for `<key>.headers…`, or undefined
 * when it maps header names to one-line strings. Values are never quoted back: they are often credentials.
 *
 * @example
 * const problem = outboundHeadersProblem(given.headers);
 * if (problem) throw new Error(`bundleService.headers${problem}`);
 */
export function outboundHeadersProblem(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return ' must map header names to string values';
  for (const [name, v] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return `: ${JSON.stringify(name)} is not a header name`;
    if (typeof v !== 'string' || /[\r\n\0]/.test(v)) return `.${name} must be a string on one line`;
  }
  return undefined;
}
