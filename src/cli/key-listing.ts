import { apiKeyState, type ApiKeyRecord, type ApiKeyState } from '../credentials/api-key-store.js';

/** What `warden keys list --json` shows of a key: its record without the hash, and its state. */
export interface ListedKey {
  id: string;
  subject: string;
  createdMs: number;
  expiresMs?: number;
  services: string[];
  revoked?: boolean;
  state: ApiKeyState;
}

/** A time as UTC to the second, as people read it in a table or a note. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The services a key may call, as the table and the notes show them. */
export function formatServices(services: readonly string[]): string {
  return services.length === 0 ? 'all' : services.join(',');
}

/** The fields of a record worth showing, named one by one so that no secret or hash can slip through. */
export function listedKey(record: ApiKeyRecord, nowMs: number): ListedKey {
  return {
    id: record.id,
    subject: record.subject,
    createdMs: record.createdMs,
    ...(record.expiresMs !== undefined ? { expiresMs: record.expiresMs } : {}),
    services: [...record.services],
    ...(record.revoked ? { revoked: true } : {}),
    state: apiKeyState(record, nowMs),
  };
}

const COLUMNS = ['ID', 'SUBJECT', 'CREATED', 'EXPIRES', 'SERVICES', 'STATE'] as const;

/** The keys as an aligned table with a header line, one key per line. */
export function keyTable(keys: readonly ListedKey[]): string {
  const rows = keys.map((k) => [k.id, k.subject, formatTime(k.createdMs), k.expiresMs === undefined ? 'never' : formatTime(k.expiresMs), formatServices(k.services), k.state]);
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  return all.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}
