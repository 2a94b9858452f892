import { DemoArgumentError } from "../errors.js";

/** The faults that replace or damage a whole response (at most one per request). */
export type FaultKind = "error" | "drop" | "truncate" | "stall" | "maintenance" | "corrupt";

/** Everything the layer can count: the exclusive kinds, slow responses and expired sessions. */
export type FaultCounter = FaultKind | "slow" | "expired";

/** A path filter: a regular expression or its source text, matched against the request URL (path and query). */
export type PathPattern = string | RegExp;

/** Session expiry: a session cookie stops being accepted after some seconds or some requests. */
export interface SessionExpirySpec {
  /** The session dies this many seconds after the layer first saw its cookie. */
  seconds?: number;
  /** The session dies after carrying this many requests. */
  requests?: number;
  /** Name of the session cookie (default `JSESSIONID`). */
  cookie?: string;
  /**
   * How a request with a dead session and no credentials is answered: `"401"` (default; what
   * XNAT sends to non-browser clients) or `"login-page"` (status 200 with XNAT's login page, what
   * a client that follows XNAT's redirect sees). A request that also carries an Authorization
   * header is passed on without the dead cookie, so the server logs it in again.
   */
  response?: "401" | "login-page";
}

/**
 * Fault settings for one demo service. Rates are probabilities per request in [0, 1]; the
 * exclusive kinds (error, drop, truncate, stall, maintenance, corrupt) together must not exceed 1.
 * Decisions are a pure function of (seed, method, URL, how many times that method+URL was seen),
 * so a run repeats exactly with the same seed, even when requests arrive concurrently.
 */
export interface FaultSpec {
  /** Seed of the fault decisions (default 1). */
  seed?: number;
  /** Fraction of requests answered with one of {@link errorStatuses} instead of reaching the service. */
  errorRate?: number;
  /** Statuses used for injected errors (default 500, 502, 503). */
  errorStatuses?: readonly number[];
  /** Fraction of responses whose connection is reset part-way through the body. */
  dropRate?: number;
  /** Fraction of responses whose body stops short (the declared Content-Length is kept) before the connection is closed. */
  truncateRate?: number;
  /** Fraction of responses that stop part-way through the body while the connection stays open (tests idle timeouts). */
  stallRate?: number;
  /** Fraction of requests answered with an HTML maintenance page with status 200. */
  maintenanceRate?: number;
  /** Fraction of GET responses (matching {@link corruptPaths}) with one byte flipped; headers and length unchanged. */
  corruptRate?: number;
  /** Which responses may be corrupted (default: every GET); e.g. {@link S3_OBJECT_GET} for an S3 proxy. */
  corruptPaths?: PathPattern | readonly PathPattern[];
  /** Delay added before the service sees a slow request. */
  slowMs?: number;
  /** Fraction of requests delayed by {@link slowMs} (default 1 when slowMs is set). */
  slowRate?: number;
  /** Retry-After (seconds) sent with injected 503/429 errors and maintenance pages. */
  retryAfterSeconds?: number;
  /** Only requests whose URL matches one of these are faulted. */
  onlyPaths?: PathPattern | readonly PathPattern[];
  /** Requests whose URL matches one of these are never faulted (e.g. the login). */
  exceptPaths?: PathPattern | readonly PathPattern[];
  /** Session expiry (applies to every request, also to paths excluded from the other faults). */
  sessionExpiry?: SessionExpirySpec;
}

/** A {@link FaultSpec} checked and completed with defaults. */
export interface ResolvedFaultSpec {
  seed: number;
  rates: Readonly<Record<FaultKind, number>>;
  errorStatuses: readonly number[];
  corruptPaths: readonly RegExp[];
  slowMs: number;
  slowRate: number;
  retryAfterSeconds?: number;
  onlyPaths: readonly RegExp[];
  exceptPaths: readonly RegExp[];
  sessionExpiry?: Required<Pick<SessionExpirySpec, "cookie" | "response">> & Pick<SessionExpirySpec, "seconds" | "requests">;
}

/** Object GETs through a path-style S3 endpoint (`/bucket/key`, no listing query). */
export const S3_OBJECT_GET = /^\/[^/?]+\/[^?]+(\?(x-id=GetObject)?(&.*)?)?$/;

/** XNAT file downloads (`…/resources/<r>/files/<path>`, `…/files?format=zip`): the answers that carry a checksum (the listing's MD5, the zip's CRC-32). */
export const XNAT_FILE_GET = /^\/(data|REST)\/.*\/files(\/[^?]+|\?(.*&)?format=zip(&.*)?)$/;

/** The XNAT login endpoints, usually excluded from faults (`/data/JSESSION`, `/data/services/auth`). */
export const XNAT_LOGIN_PATHS = /^\/(data|REST)\/(JSESSION|services\/auth)\b/;

export const DEFAULT_ERROR_STATUSES: readonly number[] = Object.freeze([500, 502, 503]);

const KINDS: readonly FaultKind[] = ["error", "drop", "truncate", "stall", "maintenance", "corrupt"];

/** Checks a {@link FaultSpec} and fills in defaults; raises {@link DemoArgumentError} for impossible settings. */
export function resolveFaultSpec(spec: FaultSpec = {}): ResolvedFaultSpec {
  const seed = spec.seed ?? 1;
  if (!Number.isInteger(seed)) throw new DemoArgumentError(`fault seed must be a whole number, not ${seed}`);
  const rates = {
    error: rate(spec.errorRate, "errorRate"),
    drop: rate(spec.dropRate, "dropRate"),
    truncate: rate(spec.truncateRate, "truncateRate"),
    stall: rate(spec.stallRate, "stallRate"),
    maintenance: rate(spec.maintenanceRate, "maintenanceRate"),
    corrupt: rate(spec.corruptRate, "corruptRate"),
  };
  const sum = KINDS.reduce((total, kind) => total + rates[kind], 0);
  if (sum > 1 + 1e-9) {
    throw new DemoArgumentError(`fault rates add up to ${sum.toFixed(3)}, more than 1`, "error, drop, truncate, stall, maintenance and corrupt rates share one draw per request");
  }
  const errorStatuses = spec.errorStatuses ?? DEFAULT_ERROR_STATUSES;
  if (errorStatuses.length === 0 || errorStatuses.some((s) => !Number.isInteger(s) || s < 400 || s > 599)) {
    throw new DemoArgumentError(`fault error statuses must be HTTP error statuses (400-599), not ${JSON.stringify(errorStatuses)}`);
  }
  const slowMs = nonNegative(spec.slowMs, "slowMs") ?? 0;
  const slowRate = slowMs > 0 ? rate(spec.slowRate ?? 1, "slowRate") : 0;
  const retryAfterSeconds = nonNegative(spec.retryAfterSeconds, "retryAfterSeconds");
  return {
    seed,
    rates: Object.freeze(rates),
    errorStatuses: Object.freeze([...errorStatuses]),
    corruptPaths: patterns(spec.corruptPaths, "corruptPaths"),
    slowMs,
    slowRate,
    retryAfterSeconds,
    onlyPaths: patterns(spec.onlyPaths, "onlyPaths"),
    exceptPaths: patterns(spec.exceptPaths, "exceptPaths"),
    sessionExpiry: resolveExpiry(spec.sessionExpiry),
  };
}

function resolveExpiry(expiry: SessionExpirySpec | undefined): ResolvedFaultSpec["sessionExpiry"] {
  if (!expiry || (expiry.seconds === undefined && expiry.requests === undefined)) return undefined;
  const seconds = nonNegative(expiry.seconds, "sessionExpiry.seconds");
  const requests = nonNegative(expiry.requests, "sessionExpiry.requests");
  if (requests !== undefined && (!Number.isInteger(requests) || requests < 1)) {
    throw new DemoArgumentError(`sessionExpiry.requests must be a whole number of at least 1, not ${requests}`);
  }
  const response = expiry.response ?? "401";
  if (response !== "401" && response !== "login-page") throw new DemoArgumentError(`sessionExpiry.response must be "401" or "login-page", not ${JSON.stringify(response)}`);
  const cookie = expiry.cookie ?? "JSESSIONID";
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(cookie)) throw new DemoArgumentError(`sessionExpiry.cookie is not a cookie name: ${JSON.stringify(cookie)}`);
  return { seconds, requests, cookie, response };
}

function rate(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new DemoArgumentError(`${name} must be a fraction between 0 and 1, not ${value}`, "0.1 means one request in ten");
  return value;
}

function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new DemoArgumentError(`${name} must be a number of at least 0, not ${value}`);
  return value;
}

function patterns(value: PathPattern | readonly PathPattern[] | undefined, name: string): readonly RegExp[] {
  if (value === undefined) return [];
  const list: readonly PathPattern[] = typeof value === "string" || value instanceof RegExp ? [value] : value;
  return Object.freeze(
    list.map((pattern) => {
      if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
      try {
        return new RegExp(pattern);
      } catch (error) {
        throw new DemoArgumentError(`${name} holds an invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
      }
    }),
  );
}
