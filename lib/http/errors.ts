import { redact } from "./redact.js";

/** Base class of every error neuroportal raises; its message is already redacted. */
export class NeuroportalError extends Error {
  /** Machine-readable error code, stable across releases. */
  readonly code: string;
  /** The URL involved, redacted, when there is one. */
  readonly url?: string;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(code: string, message: string, options: { url?: string; hint?: string; cause?: unknown } = {}) {
    const url = options.url === undefined ? undefined : redact(options.url);
    const parts = [message];
    if (url && !message.includes(url)) parts.push(`(${url})`);
    if (options.hint) parts.push(`— ${options.hint}`);
    super(redact(parts.join(" ")), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.url = url;
    this.hint = options.hint ? redact(options.hint) : undefined;
  }
}

/** The server answered with an HTTP status that signals failure. */
export class HttpError extends NeuroportalError {
  readonly status: number;
  readonly method: string;
  /** The start of the response body (redacted), to help diagnose the failure. */
  readonly bodySnippet: string;

  constructor(status: number, method: string, url: string, bodySnippet = "", hint?: string) {
    super("E_HTTP", `${method} ${redact(url)} failed with HTTP ${status}${bodySnippet ? `: ${oneLine(bodySnippet)}` : ""}`, { url, hint });
    this.status = status;
    this.method = method;
    this.bodySnippet = redact(bodySnippet);
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
  readonly expected: string;
  readonly received: string;
  constructor(expected: string, received: string, url: string, detail?: string, hint?: string) {
    super("E_CONTENT", `expected ${expected} but received ${received}${detail ? `: ${oneLine(detail)}` : ""}`, {
      url,
      hint: hint ?? "the service may be down for maintenance or the URL may point at the wrong server",
    });
    this.expected = expected;
    this.received = received;
  }
}

/** A value given by the caller is not acceptable; nothing was sent. */
export class InvalidArgumentError extends NeuroportalError {
  constructor(message: string, hint?: string) {
    super("E_ARGUMENT", message, { hint });
  }
}

/** A path or key would escape the folder it is written to (zip slip, `..` in an S3 key). */
export class UnsafePathError extends NeuroportalError {
  readonly path: string;
  constructor(path: string, where: string) {
    super("E_UNSAFE_PATH", `refusing to write ${JSON.stringify(path)}: it would land outside ${where}`, {
      hint: "the archive or bucket holds an unsafe name; nothing was written for it",
    });
    this.path = path;
  }
}

/** Data arrived but failed verification (size or checksum). */
export class IntegrityError extends NeuroportalError {
  constructor(message: string, url?: string, hint = "the file was not kept; run the download again") {
    super("E_INTEGRITY", message, { url, hint });
  }
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export const isNeuroportalError = (e: unknown): e is NeuroportalError => e instanceof NeuroportalError;
export const isHttpError = (e: unknown): e is HttpError => e instanceof HttpError;
export const isNetworkError = (e: unknown): e is NetworkError => e instanceof NetworkError;
export const isTimeoutError = (e: unknown): e is TimeoutError => e instanceof TimeoutError;
export const isUnexpectedContentError = (e: unknown): e is UnexpectedContentError => e instanceof UnexpectedContentError;
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError => e instanceof InvalidArgumentError;
export const isUnsafePathError = (e: unknown): e is UnsafePathError => e instanceof UnsafePathError;
export const isIntegrityError = (e: unknown): e is IntegrityError => e instanceof IntegrityError;
