/**
 * The demo ConnectomeDB: an XNAT-compatible server on 127.0.0.1 with a deterministic synthetic
 * HCP Q1 data set (the values of the ConnectomeDB/pyxnat tutorial, plausible scores elsewhere).
 */
import type { RequestListener } from "node:http";
import { listenLoopback } from "../loopback.js";
import type { RunningService } from "../types.js";
import { createXnatHandler, XnatHandler, XnatHandlerOptions, XnatStats } from "./server.js";

/** Options of the demo xnat service. */
export interface XnatDemoOptions {
  /** Port on 127.0.0.1 (default: a free port). */
  port?: number;
  /** Demo login (default "demo"). */
  user?: string;
  /** Demo password (default a fixed generated-looking one). */
  password?: string;
  /** Idle seconds after which a session expires (default 900, as XNAT). */
  sessionIdleSeconds?: number;
  /** Failed logins before the account locks (default 20). */
  maxFailedLogins?: number;
  /** Seconds a locked account stays locked (default 3600). */
  lockoutSeconds?: number;
  /** Open sessions per user before logins fail (default 1000). */
  maxSessionsPerUser?: number;
  /** Seconds an unused cached search (`cache=true`) lives (default 1800). */
  searchCacheSeconds?: number;
  /** Data seed (tutorial values are the same for every seed). */
  seed?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Wraps the request handler (the hook for a fault-injection layer). */
  wrapHandler?: (handler: RequestListener) => RequestListener;
}

/** What clients need: the base URL (trailing slash) and the demo credentials. */
export interface XnatDemoInfo {
  url: string;
  user: string;
  password: string;
}

/** The running demo ConnectomeDB and its controls. */
export interface XnatDemo extends RunningService<XnatDemoInfo> {
  /** Ends every session now, as an idle expiry would; returns how many ended. */
  expireSessions(): number;
  /** Number of live sessions. */
  sessionCount(): number;
  /** Request counters since start (or the last `resetStats`). */
  stats(): XnatStats;
  resetStats(): void;
  /** Clears failed-login counts and any lockout. */
  unlockAccount(): void;
}

/** The demo login. */
export const DEMO_USER = "demo";
/** The demo password: fixed so that notebooks and scripts can be rerun; never print it. */
export const DEMO_PASSWORD = "cdb-Q1-7f3a9c2e51";

/** Starts the demo ConnectomeDB on 127.0.0.1. */
export async function startXnatDemo(options: XnatDemoOptions = {}): Promise<XnatDemo> {
  const user = options.user ?? DEMO_USER;
  const password = options.password ?? DEMO_PASSWORD;
  const xnat = createXnatHandler({ ...options, user, password });
  const handler = options.wrapHandler ? options.wrapHandler(xnat.handler) : xnat.handler;
  const server = await listenLoopback(handler, options.port ?? 0);
  return {
    info: { url: server.url, user, password },
    close: () => server.close(),
    expireSessions: xnat.expireSessions,
    sessionCount: xnat.sessionCount,
    stats: xnat.stats,
    resetStats: xnat.resetStats,
    unlockAccount: xnat.unlockAccount,
  };
}

export { createXnatHandler };
export type { XnatHandler, XnatHandlerOptions, XnatStats };
export { generateCatalog, DEFAULT_SEED, PROJECT_IDS } from "./generate.js";
export type { Catalog } from "./model.js";
