import { parseSpiffeId } from '../identity/spiffe-id.js';
import { splitHostPort } from '../audit/metrics-server.js';
import { ConsoleError } from './errors.js';

/** The `console` key of the serve config (and `--console HOST:PORT`). */
export interface ConsoleConfig {
  /** `HOST:PORT` the console listens on (port 0 for an ephemeral one). */
  listen: string;
  /** SPIFFE IDs whose client certificates log in. */
  admins?: string[];
  /** Host names (with or without `:port`) the console answers besides its listen address. */
  hosts?: string[];
  /** A session unused this long ends (default 30). */
  sessionIdleMinutes?: number;
  /** A session ends this long after login whatever its use (default 12). */
  sessionMaxHours?: number;
}

/** The console's settings, checked. */
export interface ConsoleSettings {
  listen: string;
  admins: ReadonlySet<string>;
  hosts: readonly string[];
  sessionIdleMs: number;
  sessionMaxMs: number;
  devLogin: boolean;
}

const KEYS = new Set(['listen', 'admins', 'hosts', 'sessionIdleMinutes', 'sessionMaxHours']);

function positive(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConsoleError('console_config', `console.${key} must be a positive number, not ${JSON.stringify(value)}`);
  return value;
}

function stringList(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw new ConsoleError('console_config', `console.${key} must be a list of non-empty strings`);
  return value as string[];
}

/**
 * Checks the `console` settings. A console nobody can log in to is refused rather than opened:
 * without `admins` it needs the development login link, which only `warden serve --dev` turns on
 * (`devLogin`; no config key can).
 *
 * @example
 * consoleSettings({ listen: '127.0.0.1:9180', admins: ['spiffe://example.org/ns/ops/sa/alice'] }, { devLogin: false });
 * @throws ConsoleError `console_config` naming the key that is wrong
 */
export function consoleSettings(raw: ConsoleConfig | string, mode: { devLogin: boolean }): ConsoleSettings {
  const config: ConsoleConfig = typeof raw === 'string' ? { listen: raw } : raw;
  if (typeof config !== 'object' || config === null) throw new ConsoleError('console_config', 'console must be an object with listen, admins, hosts, sessionIdleMinutes, sessionMaxHours');
  for (const key of Object.keys(config)) if (!KEYS.has(key)) throw new ConsoleError('console_config', `console.${key} is not a console setting (known: ${[...KEYS].join(', ')})`);
  if (typeof config.listen !== 'string') throw new ConsoleError('console_config', 'console.listen must be HOST:PORT');
  try {
    splitHostPort(config.listen);
  } catch (e) {
    throw new ConsoleError('console_config', `console.listen: ${(e as Error).message}`, { cause: e });
  }
  const admins = stringList(config.admins, 'admins');
  for (const [i, id] of admins.entries()) {
    try {
      parseSpiffeId(id);
    } catch (e) {
      throw new ConsoleError('console_config', `console.admins[${i}] is not a SPIFFE ID: ${(e as Error).message}`, { cause: e });
    }
  }
  const devLogin = mode.devLogin;
  if (admins.length === 0 && !devLogin) {
    throw new ConsoleError('console_config', 'the console needs a way to log in: list SPIFFE IDs in console.admins (mTLS), or use --dev for a one-time login link');
  }
  return {
    listen: config.listen,
    admins: new Set(admins),
    hosts: stringList(config.hosts, 'hosts').map((h) => h.toLowerCase()),
    sessionIdleMs: positive(config.sessionIdleMinutes, 'sessionIdleMinutes', 30) * 60_000,
    sessionMaxMs: positive(config.sessionMaxHours, 'sessionMaxHours', 12) * 3_600_000,
    devLogin,
  };
}
