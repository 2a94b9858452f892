import { NeuroportalError } from "../errors.js";
import { redact } from "../core/redact.js";
import { oneLine } from "../core/text.js";
import { describeKind, type BodyKind } from "./body-kind.js";

/** The server answered with an HTTP status that signals failure. */
export class HttpError extends NeuroportalError {
  readonly status: number;
  readonly method: string;
  /** The start of the response body (redacted), to help diagnose the failure. */
  readonly bodySnippet: string;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(status: number, method: string, url: string, bodySnippet = "", hint?: string, retryAfterMs?: number) {
    super("E_HTTP", `${method} ${redact(url)} failed with HTTP ${status}${bodySnippet ? `: ${oneLine(bodySnippet)}` : ""}`, { url, hint });
    this.status = status;
    this.method = method;
    this.bodySnippet = redact(bodySnippet);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The connection could not be made or broke before the response was complete. */
export class NetworkError extends NeuroportalError {
  constructor(message: string, url: string, cause?: unknown, hint = "check the address and your network connection, then try again") {
    super("E_NETWORK", message, { url, hint, cause });
  }
}

const TIMEOUT_TEXT = {
  connect: (ms: number) => `no response from the server for ${ms} ms`,
  idle: (ms: number) => `no data from the server for ${ms} ms`,
  total: (ms: number) => `the request was still not complete after ${ms} ms (its deadline)`,
} as const;
const TIMEOUT_OPTION = { connect: "timeoutMs", idle: "idleTimeoutMs", total: "totalTimeoutMs" } as const;

/**
 * The server did not answer (`connect`: no headers within `timeoutMs`), stopped sending
 * (`idle`: no body data for `idleTimeoutMs`) or sent too slowly (`total`: the whole request
 * took longer than its deadline, `totalTimeoutMs`).
 */
export class TimeoutError extends NeuroportalError {
  readonly timeoutMs: number;
  readonly phase: "connect" | "idle" | "total";
  constructor(url: string, timeoutMs: number, phase: "connect" | "idle" | "total") {
    super("E_TIMEOUT", TIMEOUT_TEXT[phase](timeoutMs), {
      url,
      hint: `the server may be overloaded or the network slow; retry later or raise the ${TIMEOUT_OPTION[phase]} option`,
    });
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

/**
 * A response body was larger than allowed: longer than its declared or listed size, or than
 * the `maxBodyBytes` bound of a body held in memory (a decompression bomb, a runaway stream).
 * Reading stopped at the bound; nothing of it was kept.
 */
export class ResponseTooLargeError extends NeuroportalError {
  /** The bound in bytes. */
  readonly limitBytes: number;
  constructor(url: string, limitBytes: number, what = "the allowed size") {
    super("E_TOO_LARGE", `the response is larger than ${what} (${limitBytes} bytes); reading stopped there`, {
      url,
      hint: "the server sent more than it announced or more than fits in memory; nothing of it was kept — check the URL, or raise maxBodyBytes if the body is genuinely this large",
    });
    this.limitBytes = limitBytes;
  }
}

/** The body was not what was asked for (HTML instead of JSON, broken XML, truncated data). */
export class UnexpectedContentError extends NeuroportalError {
  /** What was asked for, in words (e.g. "JSON", "an S3 listing"). */
  readonly expected: string;
  /** What arrived instead. */
  readonly received: BodyKind;
  /** A passing condition (a maintenance or proxy page served with 200): worth asking again. */
  readonly transient: boolean;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  constructor(expected: string, received: BodyKind, url: string, detail?: string, hint?: string, options: { transient?: boolean; retryAfterMs?: number } = {}) {
    super("E_CONTENT", `expected ${expected} but received ${describeKind(received)}${detail ? `: ${oneLine(detail)}` : ""}`, {
      url,
      hint: hint ?? "the service may be down for maintenance or the URL may point at the wrong server",
    });
    this.expected = expected;
    this.received = received;
    this.transient = options.transient ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export const isHttpError = (e: unknown): e is HttpError => e instanceof HttpError;
export const isNetworkError = (e: unknown): e is NetworkError => e instanceof NetworkError;
export const isResponseTooLargeError = (e: unknown): e is ResponseTooLargeError => e instanceof ResponseTooLargeError;
export const isTimeoutError = (e: unknown): e is TimeoutError => e instanceof TimeoutError;
export const isUnexpectedContentError = (e: unknown): e is UnexpectedContentError => e instanceof UnexpectedContentError;
