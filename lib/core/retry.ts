import { NeuroportalError } from "../errors.js";
import { formatDuration } from "./text.js";
import { callback, checkOptions, checkValue, integer, milliseconds, type Rule } from "./validate.js";

/**
 * The one retry mechanism of the library: every client (XNAT sessions, Allen queries and
 * archives, S3 listings, small reads and downloads) runs its attempts through {@link withRetry}.
 */

/** How failed attempts are retried: bounded exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Further attempts after the first one. */
  retries: number;
  /** Ceiling of the first delay, doubled for each further retry (full jitter: the delay is random below it). */
  baseDelayMs: number;
  /** Upper bound of one delay, also for a server's Retry-After. */
  maxDelayMs: number;
  /** HTTP statuses that are worth retrying. */
  statuses: readonly number[];
  /** Source of randomness for jitter, replaceable for repeatable tests. */
  random?: () => number;
}

/** 4 retries, delays below 200, 400, 800, 1600 ms, at most 10 s; 408, 429, 500, 502, 503, 504 are retried. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  statuses: Object.freeze([408, 429, 500, 502, 503, 504]),
});

export const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, retries: 0 });

/** What {@link RetryOptions.onRetry} hears before each pause. */
export interface RetryEvent {
  /** The attempt that just failed (1 for the first). */
  attempt: number;
  /** The pause before the next attempt. */
  delayMs: number;
  error: Error;
  /** Milliseconds since the first attempt started. */
  elapsedMs: number;
  /** Attempts the policy allows in all (the first one included). */
  maxAttempts: number;
}

/**
 * What observers registered with {@link observeRetries} hear from every retry loop of the
 * process: each pause (`retry`), and how a loop that paused at least once ended (`settled`).
 * `id` tells concurrent loops apart.
 */
export type RetryNotice =
  | ({ kind: "retry"; id: number } & RetryEvent)
  | { kind: "settled"; id: number; ok: boolean; attempts: number; elapsedMs: number; error?: Error };

const observers = new Set<(notice: RetryNotice) => void>();
let loops = 0;

/**
 * Registers an observer of every retry in this process (the CLI prints a line on stderr, a
 * notebook draws an updating line); returns the function that removes it. Observers must not
 * throw; a failing observer is ignored.
 */
export function observeRetries(observer: (notice: RetryNotice) => void): () => void {
  checkValue(observer, callback, "the observer", "observeRetries()");
  observers.add(observer);
  return () => observers.delete(observer);
}

function notify(notice: RetryNotice): void {
  for (const observer of observers) {
    try {
      observer(notice);
    } catch {
      // an observer only reports; it never changes the outcome
    }
  }
}

/** How {@link withRetry} repeats an operation. */
export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether a failure is worth another attempt; anything else is raised at once. */
  isRetryable: (error: unknown) => boolean;
  /** Stops the pauses: an abort during a pause raises the signal's reason. */
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

/** A failure that carries the server's wish about when to ask again (Retry-After, in milliseconds). */
interface WithRetryAfter {
  retryAfterMs?: number;
}

/** Fields the final error carries about the attempts behind it. */
interface RetryRecord {
  attempts?: number;
  elapsedMs?: number;
}

/**
 * Runs `run` (given the attempt number, 1-based) until it succeeds, the failure is not
 * retryable, the policy's retries are spent or `signal` aborts. Pauses follow
 * {@link retryDelay}, honouring an error's `retryAfterMs` field. The error finally raised
 * records `attempts` and `elapsedMs` as fields, unless an inner retry loop already did.
 */
export async function withRetry<T>(run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now();
  const id = ++loops;
  const maxAttempts = options.policy.retries + 1;
  let paused = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await run(attempt);
      if (paused) notify({ kind: "settled", id, ok: true, attempts: attempt, elapsedMs: Date.now() - started });
      return result;
    } catch (error) {
      if (!options.isRetryable(error) || attempt > options.policy.retries || options.signal?.aborted) {
        const elapsedMs = Date.now() - started;
        if (paused) notify({ kind: "settled", id, ok: false, attempts: attempt, elapsedMs, error: error as Error });
        throw recorded(error, attempt, elapsedMs);
      }
      const delayMs = retryDelay(options.policy, attempt, (error as WithRetryAfter | undefined)?.retryAfterMs);
      const event: RetryEvent = { attempt, delayMs, error: error as Error, elapsedMs: Date.now() - started, maxAttempts };
      options.onRetry?.(event);
      notify({ kind: "retry", id, ...event });
      paused = true;
      try {
        await sleep(delayMs, options.signal);
      } catch (reason) {
        notify({ kind: "settled", id, ok: false, attempts: attempt, elapsedMs: Date.now() - started, error: reason as Error });
        throw reason;
      }
    }
  }
}

/**
 * Records `attempts` and `elapsedMs` on the final error (unless an inner loop already did) and,
 * when there was more than one attempt, says so in its message: "... (gave up after 5 attempts
 * in 2 min 31 s)".
 */
function recorded(error: unknown, attempts: number, elapsedMs: number): unknown {
  if (!(error instanceof Error) || (error as RetryRecord).attempts !== undefined) return error;
  Object.assign(error as RetryRecord, { attempts, elapsedMs });
  if (attempts > 1 && error instanceof NeuroportalError) error.message = `${error.message} (gave up after ${attempts} attempts in ${formatDuration(elapsedMs)})`;
  return error;
}

/**
 * The pause after failed attempt number `attempt` (1-based): the server's Retry-After when
 * given (capped by `maxDelayMs`), else a random time below `baseDelayMs * 2^(attempt-1)`
 * (full jitter), capped by `maxDelayMs`.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * A Retry-After header as milliseconds: either delta-seconds or an HTTP date. A date is
 * measured against the server's own `Date` header when one is given (so a server whose clock
 * is off still means what it says), else against this machine's clock. Values that are neither
 * (negative, garbage) give undefined: the normal backoff applies. Callers cap the result.
 */
export function parseRetryAfter(value?: string | null, serverDate?: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    return Number.isFinite(ms) ? Math.round(ms) : undefined;
  }
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  const now = serverDate ? Date.parse(serverDate) : NaN;
  return Math.max(0, date - (Number.isNaN(now) ? Date.now() : now));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** A list of HTTP statuses. */
const statusList: Rule = { describe: "a list of HTTP statuses (100 to 599)", test: (v) => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 100 && s <= 599) };

/** The rules for partial retry settings (`retry` options of every client). */
export const RETRY_RULES = {
  retries: integer(0, 100),
  baseDelayMs: milliseconds(0, 3_600_000),
  maxDelayMs: milliseconds(0, 3_600_000),
  statuses: statusList,
  random: callback,
} as const;

/** Checks a `retry` option (partial settings or `false`) at a public entry; see {@link RETRY_RULES}. */
export function checkRetrySettings(settings: unknown, where: string): void {
  if (settings === false || settings === undefined) return;
  checkOptions(settings as object, `${where} (option \`retry\`)`, RETRY_RULES);
}

/** A policy from partial settings: `false` never retries, missing fields come from {@link DEFAULT_RETRY}. */
export function toRetryPolicy(settings: Partial<RetryPolicy> | false | undefined): RetryPolicy {
  if (settings === false) return NO_RETRY;
  return settings ? { ...DEFAULT_RETRY, ...settings } : DEFAULT_RETRY;
}
