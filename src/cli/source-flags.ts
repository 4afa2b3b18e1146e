/** The flags that say what a query runs against, as `opa eval`, `opa bench` and `opa deps` name them. */
export const POLICY_SOURCE_OPTIONS = {
  data: { type: 'string', short: 'd', multiple: true },
  bundle: { type: 'string', short: 'b', multiple: true },
} as const;

/** The input flags of `opa eval` and `opa bench`: a file, or stdin. */
export const INPUT_OPTIONS = {
  input: { type: 'string', short: 'i' },
  'stdin-input': { type: 'boolean', short: 'I' },
} as const;

/** The flags of a command that calls a running Warden over mTLS (`check --cert …`, `health`). */
export const CLIENT_TLS_OPTIONS = {
  cert: { type: 'string' },
  key: { type: 'string' },
  ca: { type: 'string', default: '.warden/ca.pem' },
} as const;
