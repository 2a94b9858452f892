import { InvalidArgumentError, NeuroportalError } from "../errors.js";
import { HttpError, NetworkError, TimeoutError, UnexpectedContentError } from "./errors.js";
import { NO_RETRY, parseRetryAfter, toRetryPolicy, withRetry, type RetryEvent, type RetryPolicy } from "../core/retry.js";
import { displayUrl } from "../core/redact.js";
import { bodyKind, unparsedKind } from "./body-kind.js";

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";

/** Options shared by every request helper. */
export interface RequestOptions {
  method?: Method;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Milliseconds to wait for the response headers (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds without body data before giving up (default 60 s). */
  idleTimeoutMs?: number;
  /** Retry policy for idempotent requests (missing fields from `DEFAULT_RETRY`); `false` never retries; other requests are never retried. */
  retry?: Partial<RetryPolicy> | false;
  /** Allows retrying a POST that has no side effects (an XNAT search). */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of raising {@link HttpError} (e.g. 401 for session handling). */
  acceptStatus?: readonly number[];
  signal?: AbortSignal;
  /**
   * Treat a 2xx HTML page that is not a login page (a maintenance page) as a transient failure:
   * retried under the policy (honouring Retry-After), then raised as {@link UnexpectedContentError}.
   * Default true in {@link requestJson}; false elsewhere.
   */
  retryHtml?: boolean;
  /** What the body should be, for the error message of {@link retryHtml} (default "data"). */
  expected?: string;
  /** Called before each retry, for logging or progress. */
  onRetry?: (event: RetryEvent) => void;
}

/** A complete response whose body has been read and checked against Content-Length. */
export interface BufferedResponse {
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE"]);

/**
 * The single I/O seam for HTTP: sends a request, reads the whole body with an idle timeout,
 * checks its length, maps failures to typed errors and retries what is safe to retry.
 */
export async function request(url: string | URL, options: RequestOptions = {}): Promise<BufferedResponse> {
  const method = options.method ?? "GET";
  const retrySafe = IDEMPOTENT.has(method) || options.idempotent === true;
  const policy = retrySafe ? toRetryPolicy(options.retry) : NO_RETRY;
  const attempt = async (): Promise<BufferedResponse> => {
    try {
      const response = await openResponse(url, options);
      const body = await readBody(response, String(url), options);
      if (options.retryHtml && response.status < 300 && isTransientHtml(body)) {
        throw new UnexpectedContentError(options.expected ?? "data", "html", String(url), body.subarray(0, 120).toString("utf8"), undefined, {
          transient: true,
          retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        });
      }
      return { url: String(url), status: response.status, headers: response.headers, body };
    } catch (error) {
      throw toTypedError(error, String(url), method);
    }
  };
  return withRetry(attempt, { policy, isRetryable: (error) => isRetryable(error, policy), signal: options.signal, onRetry: options.onRetry });
}

/**
 * Opens a request and returns the live response once its headers are in (status checked),
 * for callers that stream the body themselves (large downloads). Not retried.
 */
export async function openResponse(url: string | URL, options: RequestOptions = {}): Promise<Response> {
  assertNoUserInfo(url);
  const method = options.method ?? "GET";
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => controller.abort(new TimeoutError(String(url), timeoutMs, "connect")), timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: options.headers,
      body: options.body,
      signal: controller.signal,
      redirect: "follow",
    });
  } catch (error) {
    throw toTypedError(controller.signal.reason ?? error, String(url), method);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (!response.ok && !(options.acceptStatus ?? []).includes(response.status)) {
    const snippet = await response.text().catch(() => "");
    throw new HttpError(response.status, method, String(url), snippet.slice(0, 300), hintForStatus(response.status), parseRetryAfter(response.headers.get("retry-after")));
  }
  return response;
}

/** Reads a response body fully, with an idle timeout and a Content-Length check. */
export async function readBody(response: Response, url: string, options: Pick<RequestOptions, "idleTimeoutMs"> = {}): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of idleGuard(response.body, url, options.idleTimeoutMs ?? 60_000)) {
    chunks.push(Buffer.from(chunk));
    total += chunk.byteLength;
  }
  const declared = response.headers.get("content-length");
  const encoded = response.headers.get("content-encoding");
  if (declared !== null && !encoded && Number(declared) !== total) {
    throw new NetworkError(`the response ended after ${total} of ${declared} bytes`, url, undefined, "the connection was cut; the request is retried automatically when safe");
  }
  return Buffer.concat(chunks, total);
}

/** Yields the chunks of a body stream, failing with {@link TimeoutError} when it stalls. */
export async function* idleGuard(body: ReadableStream<Uint8Array>, url: string, idleTimeoutMs: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(url, idleTimeoutMs, "idle")), idleTimeoutMs);
      });
      let result: { done: boolean; value?: Uint8Array };
      try {
        result = await Promise.race([reader.read(), stalled]);
      } catch (error) {
        throw toTypedError(error, url, "GET");
      } finally {
        clearTimeout(timer);
      }
      if (result.done || !result.value) return;
      yield result.value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** GET (or send) and return the body as text. */
export async function requestText(url: string | URL, options: RequestOptions = {}): Promise<string> {
  const response = await request(url, options);
  return response.body.toString("utf8");
}

/**
 * Sends a request and parses a JSON body. HTML or any other non-JSON answer (a login or
 * maintenance page served with status 200) raises {@link UnexpectedContentError}.
 */
export async function requestJson<T = unknown>(url: string | URL, options: RequestOptions = {}): Promise<T> {
  const response = await request(url, { retryHtml: true, expected: "JSON", ...options, headers: { accept: "application/json", ...options.headers } });
  return parseJsonBody<T>(response.body.toString("utf8"), String(url));
}

/** Parses a body that should be JSON, naming what arrived instead when it is not. */
export function parseJsonBody<T>(text: string, url: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UnexpectedContentError("JSON", unparsedKind(text), url, text.slice(0, 120));
  }
}


/** Refuses a URL that carries `user:password@` before any request (the password stays hidden). */
function assertNoUserInfo(url: string | URL): void {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return;
  }
  if (!parsed.username && !parsed.password) return;
  throw new InvalidArgumentError(
    `the URL ${displayUrl(url)} contains a user name${parsed.password ? " and a password" : ""}`,
    "remove them from the URL and pass credentials as options (e.g. xnat.connect(url, { user, password })), in the environment or in ~/.netrc",
  );
}

/** An HTML page that is not a login form: a maintenance or proxy page worth another try. */
function isTransientHtml(body: Buffer): boolean {
  const head = body.subarray(0, 2000).toString("utf8");
  return bodyKind(head) === "html" && !/type=["']?password|Login\.vm/i.test(head);
}

/** Failures worth another attempt: statuses the policy names, dropped connections, timeouts and maintenance pages. */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof UnexpectedContentError) return error.transient;
  if (error instanceof HttpError) return policy.statuses.includes(error.status);
  return error instanceof NetworkError || error instanceof TimeoutError;
}

function hintForStatus(status: number): string | undefined {
  if (status === 401) return "check the user name and password";
  if (status === 403) return "your account has no access to this resource";
  if (status === 404) return "check the identifier or path; it does not exist on this server";
  if (status >= 500) return "the server failed; try again later";
  return undefined;
}

/** Maps anything thrown by fetch or a stream into one of the typed errors. */
export function toTypedError(error: unknown, url: string, method: string): NeuroportalError {
  if (error instanceof NeuroportalError) return error;
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "AbortError") return new NetworkError(`${method} ${displayUrl(url)} was aborted`, url, undefined, "the operation was cancelled");
  const code = err?.cause?.code;
  const detail = err?.cause?.message ?? err?.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new NetworkError(`cannot resolve the host of ${displayUrl(url)}`, url, undefined, "check the server address and your network");
  if (code === "ECONNREFUSED") return new NetworkError(`nothing is listening at ${displayUrl(url)}`, url, undefined, "is the server (or `neuroportal demo`) running on that port?");
  return new NetworkError(`${method} ${displayUrl(url)} failed: ${detail}`, url);
}
