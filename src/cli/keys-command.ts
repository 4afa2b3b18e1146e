import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiKeyStore, type ApiKeyRecord } from '../credentials/api-key-store.js';
import { CredentialError, type CredentialErrorCode } from '../credentials/errors.js';
import { WardenError } from '../errors.js';
import { parseDuration } from '../protection/duration.js';
import { formatServices, formatTime, keyTable, listedKey } from './key-listing.js';
import { EXIT, runCommand } from './output.js';

const USAGE = {
  create: 'warden keys create SPIFFE_ID --store FILE [--ttl DURATION] [--service NAME]...',
  list: 'warden keys list --store FILE [--json]',
  revoke: 'warden keys revoke ID|KEY --store FILE',
  rotate: 'warden keys rotate ID --store FILE [--grace DURATION (default 24h)] [--ttl DURATION (default: the old key\'s)]',
} as const;

type Subcommand = keyof typeof USAGE;

/** The usage lines of `warden keys`, one per subcommand. */
export const KEYS_USAGE: readonly string[] = Object.values(USAGE);

const DEFAULT_GRACE = '24h';

/** Refusals about the store or a key in it: the command line was fine, the work could not be done. */
const FAILED_CODES: ReadonlySet<CredentialErrorCode> = new Set(['credentials_key_store', 'credentials_unknown_key', 'credentials_key_not_active']);

/** A command line that cannot be carried out as written; reported as one line, exit "invalid". */
class UsageProblem extends Error {}

const STORE = { store: { type: 'string' } } as const;

/** Parses a subcommand's arguments: exactly one positional when `positional` names it, and a --store. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, positional?: string) {
  const parsed = parseArgs({ args: argv, allowPositionals: positional !== undefined, options: { ...STORE, ...options }, strict: true });
  if (positional !== undefined && parsed.positionals.length !== 1) {
    throw new UsageProblem(`expects one ${positional}, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  const store = (parsed.values as { store?: string }).store;
  if (!store) throw new UsageProblem('--store FILE is required');
  return { values: parsed.values, argument: parsed.positionals[0] ?? '', store };
}

function expiryNote(record: ApiKeyRecord): string {
  return record.expiresMs === undefined ? 'never' : formatTime(record.expiresMs);
}

function newKeyNote(record: ApiKeyRecord): string {
  return [
    `  id:       ${record.id}`,
    `  subject:  ${record.subject}`,
    `  expires:  ${expiryNote(record)}`,
    `  services: ${formatServices(record.services)}`,
    'store this key now: it cannot be shown again',
  ].join('\n');
}

function create(argv: string[]): number {
  const { values, argument, store } = parse(argv, { ttl: { type: 'string' }, service: { type: 'string', multiple: true } }, 'SPIFFE_ID');
  const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl, '--ttl');
  const { key, record } = new ApiKeyStore(store).create(argument, { nowMs: Date.now(), services: values.service ?? [], ...(ttlMs !== undefined ? { ttlMs } : {}) });
  process.stdout.write(`${key}\n`);
  process.stderr.write(`created an API key in ${store}\n${newKeyNote(record)}\n`);
  return EXIT.ok;
}

function list(argv: string[]): number {
  const { values, store } = parse(argv, { json: { type: 'boolean' } });
  const nowMs = Date.now();
  const keys = new ApiKeyStore(store).list().map((r) => listedKey(r, nowMs));
  if (values.json) process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
  else if (keys.length === 0) process.stderr.write(`no API keys in ${store}\n`);
  else process.stdout.write(`${keyTable(keys)}\n`);
  return EXIT.ok;
}

function revoke(argv: string[]): number {
  const { argument, store } = parse(argv, {}, 'ID or KEY');
  const record = new ApiKeyStore(store).revoke(argument);
  process.stderr.write(`revoked API key ${record.id} of ${record.subject}: the store no longer accepts it\n`);
  return EXIT.ok;
}

function rotate(argv: string[]): number {
  const { values, argument, store } = parse(argv, { grace: { type: 'string', default: DEFAULT_GRACE }, ttl: { type: 'string' } }, 'ID');
  const graceMs = parseDuration(values.grace, '--grace');
  const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl, '--ttl');
  const { key, record, old } = new ApiKeyStore(store).rotate(argument, { nowMs: Date.now(), graceMs, ...(ttlMs !== undefined ? { ttlMs } : {}) });
  process.stdout.write(`${key}\n`);
  process.stderr.write(
    `rotated API key ${old.id} in ${store}: the old key keeps working until ${formatTime(old.expiresMs!)}, then stops\n` +
      `new key:\n${newKeyNote(record)}\n`,
  );
  return EXIT.ok;
}

const SUBCOMMANDS = new Map<string, (argv: string[]) => number>([
  ['create', create],
  ['list', list],
  ['revoke', revoke],
  ['rotate', rotate],
]);

function isParseArgsError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** `warden keys`: creates, lists, revokes and rotates the API keys of a store file. */
export function keysCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const [name, ...rest] = argv;
    const subcommand = name === undefined ? undefined : SUBCOMMANDS.get(name);
    if (!subcommand) {
      process.stderr.write(`${name === undefined ? '' : `warden keys: unknown subcommand ${JSON.stringify(name)}\n`}usage:\n  ${KEYS_USAGE.join('\n  ')}\n`);
      return EXIT.invalid;
    }
    try {
      return subcommand(rest);
    } catch (e) {
      if (!(e instanceof UsageProblem || e instanceof WardenError || isParseArgsError(e))) throw e;
      const usage = e instanceof UsageProblem || isParseArgsError(e) ? ` (usage: ${USAGE[name as Subcommand]})` : '';
      process.stderr.write(`warden keys ${name}: ${e.message.replace(/\s*\n\s*/g, ' ')}${usage}\n`);
      return e instanceof CredentialError && FAILED_CODES.has(e.code) ? EXIT.failed : EXIT.invalid;
    }
  });
}
