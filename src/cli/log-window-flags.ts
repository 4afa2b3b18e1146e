import { sinceFlag } from '../replay/since-flag.js';

/** The flags `warden replay` and `warden advise` share: which logs, which window, which output. */
export const LOG_WINDOW_OPTIONS = {
  log: { type: 'string', multiple: true },
  since: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

export const REPORT_FORMATS = ['text', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The checked values of {@link LOG_WINDOW_OPTIONS}. */
export interface LogWindow {
  files: string[];
  sinceMs?: number;
  limit?: number;
  format: ReportFormat;
}

/**
 * A flag that counts something, 1 or more; `undefined` when not given.
 *
 * @throws Error naming the command, the flag and the value
 */
export function countFlag(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${command}: ${flag} ${JSON.stringify(text)}: want a whole number, 1 or more`);
  return Number(text);
}

/** The output format asked for, checked. */
export function reportFormat(command: string, format: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`${command}: unknown --format ${format} (${REPORT_FORMATS.join(', ')})`);
  return format as ReportFormat;
}

/**
 * Reads the shared flags. Log files may follow `--log` as further arguments too
 * (`--log decisions.log*` as a shell expands it).
 *
 * @throws Error saying which flag is wrong and what it wants
 */
export function logWindowFlags(command: string, values: { log?: string[]; since?: string; limit?: string; format?: string }, positionals: string[], now = Date.now()): LogWindow {
  const files = [...(values.log ?? []), ...positionals];
  if (files.length === 0) throw new Error(`${command}: no decision log given (--log FILE...)`);
  if (positionals.length > 0 && values.log === undefined) throw new Error(`${command}: unexpected argument ${positionals[0]} (log files follow --log)`);
  return {
    files,
    sinceMs: values.since === undefined ? undefined : sinceFlag(values.since, now),
    limit: countFlag(command, '--limit', values.limit),
    format: reportFormat(command, values.format ?? 'text'),
  };
}
