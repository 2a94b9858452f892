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
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!options.isRetryable(error) || attempt > options.policy.retries || options.signal?.aborted) throw recorded(error, attempt, Date.now() - started);
      const delayMs = retryDelay(options.policy, attempt, (error as WithRetryAfter | undefined)?.retryAfterMs);
      options.onRetry?.({ attempt, delayMs, error: error as Error, elapsedMs: Date.now() - started });
      await sleep(delayMs, options.signal);
    }
  }
}

function recorded(error: unknown, attempts: number, elapsedMs: number): unknown {
  if (error instanceof Error && (error as RetryRecord).attempts === undefined) Object.assign(error as RetryRecord, { attempts, elapsedMs });
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

/** A Retry-After header as milliseconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value?: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
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

/** A policy from partial settings: `false` never retries, missing fields come from {@link DEFAULT_RETRY}. */
export function toRetryPolicy(settings: Partial<RetryPolicy> | false | undefined): RetryPolicy {
  if (settings === false) return NO_RETRY;
  return settings ? { ...DEFAULT_RETRY, ...settings } : DEFAULT_RETRY;
}
