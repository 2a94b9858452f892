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

/** The server did not answer (or stopped sending) within the configured time. */
export class TimeoutError extends NeuroportalError {
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, phase: "connect" | "idle" | "total") {
    super("E_TIMEOUT", `no ${phase === "connect" ? "response" : "data"} from the server for ${timeoutMs} ms`, {
      url,
      hint: "the server may be overloaded; retry later or raise the timeout option",
    });
    this.timeoutMs = timeoutMs;
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
export const isTimeoutError = (e: unknown): e is TimeoutError => e instanceof TimeoutError;
export const isUnexpectedContentError = (e: unknown): e is UnexpectedContentError => e instanceof UnexpectedContentError;
