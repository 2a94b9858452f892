/** Who is calling: the JSESSIONID cookie, HTTP Basic credentials, browser or not (XNAT's security filters). */
import type { IncomingMessage } from "node:http";
import { Account, LoginOutcome, Session, SessionStore } from "./sessions.js";

/** The outcome of the security filters for one request. */
export type Authentication =
  | { kind: "session"; session: Session; created: boolean }
  | { kind: "anonymous"; staleSession: boolean }
  | { kind: "rejected"; reason: Exclude<LoginOutcome, "ok"> | "too-many-sessions" };

/** Reads `JSESSIONID` values from the Cookie header (a client may send several). */
export function sessionIdsFrom(request: IncomingMessage): string[] {
  const header = request.headers.cookie ?? "";
  const ids: string[] = [];
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "JSESSIONID" && value.length > 0) ids.push(value.join("="));
  }
  return ids;
}

/** Decodes `Authorization: Basic ...`; undefined when absent or malformed. */
export function basicCredentials(request: IncomingMessage): { user: string; password: string } | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  let user = decoded.slice(0, colon);
  const slash = user.indexOf("/");
  if (slash >= 0) user = user.slice(slash + 1);
  return { user, password: decoded.slice(colon + 1) };
}

/** XNAT's interactive agents get redirects to the login page instead of 401 challenges. */
export function isBrowser(request: IncomingMessage): boolean {
  const agent = request.headers["user-agent"] ?? "";
  if (!agent || agent.includes("XNATDesktopClient")) return false;
  return /MSIE|Mozilla|AppleWebKit|Opera/.test(agent);
}

/**
 * Applies the filters: a live session whose user matches the Basic user (or with no Basic header)
 * is reused; otherwise Basic credentials are checked and a new session is created.
 */
export function authenticate(request: IncomingMessage, sessions: SessionStore, account: Account): Authentication {
  const ids = sessionIdsFrom(request);
  let session: Session | undefined;
  for (const id of ids) {
    session = sessions.get(id);
    if (session) break;
  }
  const credentials = basicCredentials(request);
  if (credentials) {
    if (session && session.user === credentials.user) return { kind: "session", session, created: false };
    const outcome = account.check(credentials.user, credentials.password);
    if (outcome !== "ok") return { kind: "rejected", reason: outcome };
    const created = sessions.create(credentials.user);
    if (!created) return { kind: "rejected", reason: "too-many-sessions" };
    return { kind: "session", session: created, created: true };
  }
  if (session && session.user !== null) return { kind: "session", session, created: false };
  return { kind: "anonymous", staleSession: ids.length > 0 && !session };
}

/** Checks form credentials (`/data/services/auth`) and opens a session. */
export function formLogin(user: string, password: string, sessions: SessionStore, account: Account): Authentication {
  const outcome = account.check(user, password);
  if (outcome !== "ok") return { kind: "rejected", reason: outcome };
  const created = sessions.create(user);
  if (!created) return { kind: "rejected", reason: "too-many-sessions" };
  return { kind: "session", session: created, created: true };
}
