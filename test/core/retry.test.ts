import { strict as assert } from "node:assert";
import { DEFAULT_RETRY, parseRetryAfter, retryDelay, withRetry, type RetryEvent } from "../../lib/core/retry.js";
import { HttpError, NetworkError } from "../../lib/http/errors.js";

describe("core: retry", () => {
  it("parses Retry-After seconds and dates", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    assert.equal(parseRetryAfter(null), undefined);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    assert.ok(parseRetryAfter(inAMinute)! > 50_000);
  });

  it("backs off exponentially with jitter, bounded by maxDelayMs", () => {
    const policy = { ...DEFAULT_RETRY, random: () => 1 };
    assert.equal(retryDelay(policy, 1), 200);
    assert.equal(retryDelay(policy, 3), 800);
    assert.equal(retryDelay(policy, 20), DEFAULT_RETRY.maxDelayMs);
    assert.equal(retryDelay(policy, 1, parseRetryAfter("999999")), DEFAULT_RETRY.maxDelayMs);
  });

  it("draws each delay at random below the ceiling (full jitter)", () => {
    assert.equal(retryDelay({ ...DEFAULT_RETRY, random: () => 0 }, 3), 0);
    assert.equal(retryDelay({ ...DEFAULT_RETRY, random: () => 0.5 }, 3), 400);
  });

  it("retries what is retryable, reports each pause, and records attempts and elapsed time on the final error", async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const error = await withRetry(
      async (attempt) => {
        calls++;
        assert.equal(attempt, calls);
        throw new NetworkError("dropped", "http://127.0.0.1:9/x");
      },
      { policy: { ...DEFAULT_RETRY, retries: 2, baseDelayMs: 4, random: () => 1 }, isRetryable: () => true, onRetry: (event) => events.push(event) },
    ).catch((e: unknown) => e as NetworkError);
    assert.equal(calls, 3);
    assert.deepEqual(events.map((e) => [e.attempt, e.delayMs]), [[1, 4], [2, 8]]);
    assert.ok(events.every((e) => e.error instanceof NetworkError && e.elapsedMs >= 0));
    assert.ok(error instanceof NetworkError);
    assert.equal(error.attempts, 3);
    assert.ok(error.elapsedMs! >= 12, String(error.elapsedMs));
  });

  it("raises a failure that is not retryable at once", async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw new HttpError(404, "GET", "http://127.0.0.1:9/x");
    }, { policy: DEFAULT_RETRY, isRetryable: () => false }).catch((e: unknown) => e as HttpError);
    assert.equal(calls, 1);
    assert.equal(error.attempts, 1);
  });

  it("waits what the error's retryAfterMs field asks, capped by maxDelayMs", async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw new HttpError(503, "GET", "http://127.0.0.1:9/x", "", undefined, calls === 1 ? 30 : 60_000);
        return "ok";
      },
      { policy: { ...DEFAULT_RETRY, maxDelayMs: 50, random: () => 0 }, isRetryable: () => true, onRetry: (event) => events.push(event) },
    );
    assert.equal(value, "ok");
    assert.deepEqual(events.map((e) => e.delayMs), [30, 50]);
  });

  it("keeps the attempts an inner retry loop recorded", async () => {
    const inner = () => withRetry(async () => Promise.reject(new NetworkError("dropped", "x")), { policy: { ...DEFAULT_RETRY, retries: 2, baseDelayMs: 1 }, isRetryable: () => true });
    const error = await withRetry(inner, { policy: DEFAULT_RETRY, isRetryable: () => false }).catch((e: unknown) => e as NetworkError);
    assert.equal(error.attempts, 3);
  });

  it("stops a pause as soon as the signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped by the caller");
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 30);
    const error = await withRetry(async () => Promise.reject(new NetworkError("dropped", "x")), {
      policy: { ...DEFAULT_RETRY, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 },
      isRetryable: () => true,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    assert.equal(error, reason);
    assert.ok(Date.now() - started < 2000);
  });
});
