/** HTTP sessions (JSESSIONID) with idle expiry, per-user limits, and the account's failed-login lockout. */
import { randomBytes } from "node:crypto";

export interface Session {
  id: string;
  /** The logged-in user, or null for a guest session (anonymous `GET /data/JSESSION`). */
  user: string | null;
  csrfToken: string;
  lastAccess: number;
}

export interface SessionOptions {
  idleMs: number;
  maxSessionsPerUser: number;
  now: () => number;
}

/** Sessions keyed by id; a session idle for longer than `idleMs` is gone. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: SessionOptions) {}

  /** Creates a session, or returns undefined when the user already has the maximum number open. */
  create(user: string | null): Session | undefined {
    this.purge();
    if (user !== null && this.countFor(user) >= this.options.maxSessionsPerUser) return undefined;
    const session: Session = {
      id: randomBytes(16).toString("hex").toUpperCase(),
      user,
      csrfToken: cryptoUuid(),
      lastAccess: this.options.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (touching it), or undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.options.now();
    if (now - session.lastAccess > this.options.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastAccess = now;
    return session;
  }

  invalidate(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session (what a server restart or an administrator does). Returns how many ended. */
  invalidateAll(): number {
    const count = this.sessions.size;
    this.sessions.clear();
    return count;
  }

  get size(): number {
    this.purge();
    return this.sessions.size;
  }

  get idleMs(): number {
    return this.options.idleMs;
  }

  private countFor(user: string): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.user === user) count++;
    return count;
  }

  private purge(): void {
    const now = this.options.now();
    for (const [id, session] of this.sessions) {
      if (now - session.lastAccess > this.options.idleMs) this.sessions.delete(id);
    }
  }
}

function cryptoUuid(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type LoginOutcome = "ok" | "bad-credentials" | "locked";

export interface AccountOptions {
  user: string;
  password: string;
  maxFailedLogins: number;
  lockoutMs: number;
  now: () => number;
}

/** The demo account: checks passwords, counts failures, locks after `maxFailedLogins` failures. */
export class Account {
  private failures = 0;
  private lockedUntil = 0;

  constructor(private readonly options: AccountOptions) {}

  get user(): string {
    return this.options.user;
  }

  get maxFailedLogins(): number {
    return this.options.maxFailedLogins;
  }

  check(user: string, password: string): LoginOutcome {
    const now = this.options.now();
    const isUser = user === this.options.user;
    if (isUser && now < this.lockedUntil) return "locked";
    if (isUser && password === this.options.password) {
      this.failures = 0;
      return "ok";
    }
    if (isUser && ++this.failures >= this.options.maxFailedLogins) {
      this.lockedUntil = now + this.options.lockoutMs;
      this.failures = 0;
    }
    return "bad-credentials";
  }

  /** Clears failures and any lockout. */
  unlock(): void {
    this.failures = 0;
    this.lockedUntil = 0;
  }
}
