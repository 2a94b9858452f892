import { Readable } from "node:stream";
import { TimeoutError } from "./errors.js";
import type { ResponseBody } from "./transport.js";

/** Default time one request may take in all, from sending it to its last body byte (5 min). */
export const DEFAULT_TOTAL_TIMEOUT_MS = 300_000;
/**
 * The slowest average rate a large body may arrive at before its request's deadline cuts it:
 * the default deadline of a body of known size is {@link DEFAULT_TOTAL_TIMEOUT_MS} plus its
 * size at this rate (a 1 GiB file gets about 4.6 hours; a download cut there resumes).
 */
export const MIN_BYTES_PER_SECOND = 64 * 1024;

/** The default deadline of a request whose body is expected to hold `expectedBytes` (0 when unknown). */
export function defaultTotalTimeoutMs(expectedBytes = 0): number {
  return DEFAULT_TOTAL_TIMEOUT_MS + Math.ceil((Math.max(0, expectedBytes) / MIN_BYTES_PER_SECOND) * 1000);
}

/**
 * Bounds the rest of a response by its request's deadline: at `deadlineAt` (epoch ms) the body
 * is destroyed with a {@link TimeoutError} (`phase: "total"`), which its reader raises. The
 * timer ends with the body and never holds the process open. A Node stream is returned as is.
 */
export function withDeadline(body: ResponseBody, deadlineAt: number, location: string, totalTimeoutMs: number): ResponseBody {
  let expired: TimeoutError | undefined;
  const timer = setTimeout(() => {
    expired = new TimeoutError(location, totalTimeoutMs, "total");
    body.destroy(expired);
  }, Math.max(0, deadlineAt - Date.now()));
  timer.unref();
  const clear = () => clearTimeout(timer);
  if (body instanceof Readable) {
    if (body.destroyed || body.readableEnded) clear();
    body.once("close", clear);
    body.once("end", clear);
    return body;
  }
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* body;
      } catch (error) {
        throw expired ?? error;
      } finally {
        clear();
      }
      if (expired) throw expired;
    },
    destroy(reason) {
      clear();
      body.destroy(reason);
    },
  };
}
