/** How failed requests are retried: bounded exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Further attempts after the first one. */
  retries: number;
  /** Delay before the first retry, doubled each time (before jitter). */
  baseDelayMs: number;
  /** Upper bound of one delay, also for Retry-After. */
  maxDelayMs: number;
  /** HTTP statuses that are worth retrying. */
  statuses: readonly number[];
  /** Source of randomness for jitter, replaceable for repeatable tests. */
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  statuses: Object.freeze([408, 429, 500, 502, 503, 504]),
});

export const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, retries: 0 });

/** The delay before retry number `attempt` (1-based), honouring a Retry-After header if given. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  const fromHeader = parseRetryAfter(retryAfter);
  if (fromHeader !== undefined) return Math.min(fromHeader, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/** Retry-After as milliseconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value?: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

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
