import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** One logged-in administrator. */
export interface Session {
  readonly id: string;
  /** The SPIFFE ID that logged in, or `dev-login` for the development link. */
  readonly admin: string;
  /** Sent back in a header with every request that changes state (CSRF). */
  readonly csrfToken: string;
  readonly createdMs: number;
  lastSeenMs: number;
}

/** How long sessions and login links live. */
export interface SessionLimits {
  idleMs: number;
  maxMs: number;
  /** A login link is good for this long (10 min). */
  loginTokenMs?: number;
  /** Most sessions held; the least recently used goes first (default 1,000). */
  maxSessions?: number;
}

/** 256 random bits, URL-safe. */
function secret(): string {
  return randomBytes(32).toString('base64url');
}

// Tokens are kept as digests, so a heap dump does not hand out live logins.
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The console's sessions and one-time login tokens, in memory: a restart logs everyone out.
 * Sessions end after `idleMs` without use and `maxMs` after login, whichever comes first.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly loginTokens = new Map<string, number>();
  private readonly loginTokenMs: number;
  private readonly maxSessions: number;

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.loginTokenMs = limits.loginTokenMs ?? 10 * 60_000;
    this.maxSessions = limits.maxSessions ?? 1_000;
  }

  /** A token good for one login within the login-token lifetime. */
  issueLoginToken(): string {
    const token = secret();
    this.loginTokens.set(digest(token), this.now() + this.loginTokenMs);
    return token;
  }

  /** True once for a token that was issued and has not expired; the token is spent either way. */
  redeemLoginToken(token: string): boolean {
    const key = digest(token);
    const expires = this.loginTokens.get(key);
    this.loginTokens.delete(key);
    return expires !== undefined && this.now() < expires;
  }

  open(admin: string): Session {
    const at = this.now();
    const session: Session = { id: secret(), admin, csrfToken: secret(), createdMs: at, lastSeenMs: at };
    this.sessions.set(digest(session.id), session);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  /** The live session with this id, its use recorded; undefined when unknown or expired. */
  find(id: string): Session | undefined {
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const at = this.now();
    if (at - session.lastSeenMs >= this.limits.idleMs || at - session.createdMs >= this.limits.maxMs) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenMs = at;
    // Re-inserted so the map's order is least recently used first.
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  close(id: string): void {
    this.sessions.delete(digest(id));
  }

  /** When `session` ends if unused from now on. */
  expiresAt(session: Session): number {
    return Math.min(session.lastSeenMs + this.limits.idleMs, session.createdMs + this.limits.maxMs);
  }
}

/** Compares a presented secret with the expected one in constant time. */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
