import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { tapBody } from "./body-tap.js";
import { CannedResponse, errorResponse, maintenanceResponse, sessionExpiredResponse } from "./pages.js";
import { planFault } from "./plan.js";
import { SessionExpiry } from "./session-expiry.js";
import { FaultSpec, ResolvedFaultSpec, resolveFaultSpec, FaultCounter } from "./spec.js";
import { emptyStats, FaultStats } from "./stats.js";

/** A request listener with faults injected, that reports what it injected. */
export interface FaultyListener extends RequestListener {
  /** The checked settings in use. */
  readonly spec: ResolvedFaultSpec;
  /** A snapshot of the counters. */
  stats(): FaultStats;
}

/**
 * Wraps a demo service's request listener with seeded fault injection: injected HTTP errors,
 * an HTML maintenance page with status 200, slow responses, bodies cut short (with the
 * Content-Length kept), dropped or stalled mid-way, corrupted bytes, and session expiry. The service
 * itself is unchanged; a request that gets an error or maintenance page never reaches it.
 */
export function withFaults(handler: RequestListener, spec: FaultSpec | ResolvedFaultSpec = {}): FaultyListener {
  const resolved = isResolved(spec) ? spec : resolveFaultSpec(spec);
  const stats = emptyStats(resolved.seed);
  const seen = new Map<string, number>();
  const expiry = resolved.sessionExpiry ? new SessionExpiry(resolved.sessionExpiry) : undefined;

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    let faulted = false;
    const count = (kind: FaultCounter) => {
      stats.injected[kind]++;
      if (!faulted) stats.faulted++;
      faulted = true;
    };
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const verdict = expiry?.check(req) ?? "live";
    if (verdict !== "live") count("expired");
    if (verdict === "expired-rejected") return reply(req, res, sessionExpiredResponse(resolved.sessionExpiry!.response));
    if (!eligible(resolved, url)) return void handler(req, res);

    const key = `${method} ${url}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const plan = planFault(resolved, method, url, occurrence);
    const proceed = () => {
      if (req.destroyed) return;
      switch (plan.kind) {
        case "error":
          count("error");
          return reply(req, res, errorResponse(plan.status, resolved.retryAfterSeconds));
        case "maintenance":
          count("maintenance");
          return reply(req, res, maintenanceResponse(resolved.retryAfterSeconds));
        case "drop":
        case "truncate":
        case "stall":
        case "corrupt": {
          const kind = plan.kind;
          tapBody(res, { kind, at: plan.at }, () => count(kind));
          return void handler(req, res);
        }
        default:
          return void handler(req, res);
      }
    };
    if (plan.delayMs > 0) {
      count("slow");
      setTimeout(proceed, plan.delayMs);
    } else proceed();
  };

  return Object.assign(listener, {
    spec: resolved,
    stats: (): FaultStats => ({ ...stats, injected: { ...stats.injected } }),
  });
}

function eligible(spec: ResolvedFaultSpec, url: string): boolean {
  if (spec.onlyPaths.length > 0 && !spec.onlyPaths.some((re) => re.test(url))) return false;
  return !spec.exceptPaths.some((re) => re.test(url));
}

function reply(req: IncomingMessage, res: ServerResponse, canned: CannedResponse): void {
  req.resume();
  const body = Buffer.from(canned.body, "utf8");
  res.writeHead(canned.status, { ...canned.headers, "content-length": String(body.length) });
  res.end(req.method === "HEAD" ? undefined : body);
}

function isResolved(spec: FaultSpec | ResolvedFaultSpec): spec is ResolvedFaultSpec {
  return typeof (spec as ResolvedFaultSpec).rates === "object";
}

/**
 * For a demo service's `wrapHandler` option: a wrapper that injects `spec`'s faults, or
 * `undefined` when there is no spec. `collect` receives each wrapped listener (for its stats).
 */
export function faultWrapper(spec: FaultSpec | undefined, collect?: (listener: FaultyListener) => void): ((handler: RequestListener) => RequestListener) | undefined {
  if (!spec) return undefined;
  const resolved = resolveFaultSpec(spec);
  return (handler) => {
    const listener = withFaults(handler, resolved);
    collect?.(listener);
    return listener;
  };
}
