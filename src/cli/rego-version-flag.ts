/** `--v0` (and OPA's spelling, `--v0-compatible`): modules without a manifest version are Rego v0. */
export const REGO_VERSION_OPTIONS = {
  v0: { type: 'boolean' },
  'v0-compatible': { type: 'boolean' },
} as const;

export function regoVersionOf(values: { v0?: boolean; 'v0-compatible'?: boolean }): 0 | 1 {
  return values.v0 || values['v0-compatible'] ? 0 : 1;
}
