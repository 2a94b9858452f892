import type { IncomingMessage } from "node:http";
import type { ResolvedFaultSpec } from "./spec.js";

/** The verdict on one request's session cookie. */
export type SessionVerdict = "live" | "expired-rejected" | "expired-relogin";

interface SessionRecord {
  firstSeen: number;
  requests: number;
  expired: boolean;
}

/**
 * Tracks session cookies seen by a service and declares them dead after a time or a number of
 * requests, independently of what the service itself thinks. A dead session stays dead.
 */
export class SessionExpiry {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(
    private readonly expiry: NonNullable<ResolvedFaultSpec["sessionExpiry"]>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks `req`. For a dead session with an Authorization header, the cookie is removed from
   * `req.headers` so the service authenticates the request afresh and issues a new session.
   */
  check(req: IncomingMessage): SessionVerdict {
    const header = req.headers.cookie;
    const id = header === undefined ? undefined : cookieValue(header, this.expiry.cookie);
    if (id === undefined) return "live";
    const now = this.now();
    let record = this.sessions.get(id);
    if (!record) {
      record = { firstSeen: now, requests: 0, expired: false };
      this.sessions.set(id, record);
    }
    record.requests++;
    const { seconds, requests } = this.expiry;
    if ((seconds !== undefined && now - record.firstSeen >= seconds * 1000) || (requests !== undefined && record.requests > requests)) {
      record.expired = true;
    }
    if (!record.expired) return "live";
    if (req.headers.authorization) {
      const rest = withoutCookie(header!, this.expiry.cookie);
      if (rest) req.headers.cookie = rest;
      else delete req.headers.cookie;
      return "expired-relogin";
    }
    return "expired-rejected";
  }
}

function cookiePairs(header: string): string[][] {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [part, ""] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
}

function cookieValue(header: string, name: string): string | undefined {
  return cookiePairs(header).find(([key]) => key === name)?.[1];
}

function withoutCookie(header: string, name: string): string {
  return cookiePairs(header)
    .filter(([key]) => key !== name)
    .map(([key, value]) => `${key}=${value}`)
    .join("; ");
}
