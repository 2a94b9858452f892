import { inspect } from "node:util";
import { request, type BufferedResponse } from "../http/request.js";
import type { Method } from "../http/send.js";
import { send as sendRequest } from "../http/send.js";
import { transportFor, type FetchLike, type TransportResponse } from "../http/transport.js";
import { bodyKind } from "../http/body-kind.js";
import { HttpError, UnexpectedContentError } from "../http/errors.js";
import { toRetryPolicy, type RetryPolicy } from "../core/retry.js";
import { displayUrl, registerSecret } from "../core/redact.js";
import { CookieJar } from "./cookies.js";
import type { Credentials } from "./credentials.js";
import { AccessDeniedError, AuthenticationError, NotFoundError, SessionClosedError } from "./errors.js";
import { sessionPath, toUrl, type Query } from "./paths.js";

/** What a response body must be; an HTML page instead means "not logged in" (or maintenance). */
export type Expect = "json" | "xml" | "csv" | "text";

/** One request through the session. */
export interface SessionRequest {
  path: string;
  query?: Query;
  method?: Method;
  body?: string;
  headers?: Record<string, string>;
  expect: Expect;
  /** Names the resource in NotFoundError / AccessDeniedError messages, e.g. `project "HCP_Q1"`. */
  what?: string;
  /** Allows retrying a POST that changes nothing (a search). */
  idempotent?: boolean;
  /** Retry settings of this request, over the session's (e.g. other statuses); the session's `retry: false` still wins. */
  retry?: Partial<RetryPolicy>;
}

/** A streamed GET through the session (file downloads): the body is left for the caller to read. */
export interface StreamRequest {
  /** The absolute URL, already checked to lie below the server's base. */
  url: URL;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Names the resource in NotFoundError / AccessDeniedError messages. */
  what: string;
  /** An HTML answer means the session is gone (XNAT's login page with 200), not the file's content. */
  htmlIsLogin?: boolean;
}

/** Counters that show what the session did behind the scenes. */
export interface SessionStats {
  /** HTTP requests sent, logins included. */
  requests: number;
  /** Successful logins: the first one plus every re-login after an expired session. */
  logins: number;
  /** Requests replayed after a re-login. */
  replays: number;
}

/** Transport settings of a session. */
export interface SessionOptions {
  /** Milliseconds to wait for response headers (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds without body data before a response counts as stalled (default 60 s); then `TimeoutError`, retried when safe. */
  idleTimeoutMs?: number;
  /** Milliseconds one request may take in all, headers and body (default 5 min); a trickling answer is cut there with `TimeoutError`, retried when safe. */
  totalTimeoutMs?: number;
  /** The most bytes one answer may hold, counted after decompression (default 512 MiB); then `ResponseTooLargeError`. */
  maxBodyBytes?: number;
  /** Retry policy of idempotent requests and searches (missing fields from `DEFAULT_RETRY`: 4 retries with backoff); `false` never retries. */
  retry?: Partial<RetryPolicy> | false;
  /** User-Agent header; must not look like a browser (XNAT would redirect instead of answering 401). */
  userAgent?: string;
  /** The `fetch` to send with instead of the default keep-alive transport (e.g. one that goes through a proxy). */
  fetch?: FetchLike;
}

const USER_AGENT = "neuroportal-xnat/0.1 (node)";
/** What each expected body is called in messages. */
const EXPECTED: Readonly<Record<Expect, string>> = { json: "JSON", xml: "XML", csv: "CSV", text: "a text answer" };

/**
 * An authenticated XNAT session: the one place in the xnat module that performs I/O.
 * Logs in with HTTP Basic on `GET /data/JSESSION`, then sends only the JSESSIONID cookie.
 * When the server says the session is gone (401, or an HTML login page where data was
 * expected) it logs in once more and replays the request; a rejected login is never retried.
 */
export class XnatSession {
  readonly base: URL;
  readonly user: string;
  readonly #password: string;
  readonly #options: SessionOptions;
  readonly #jar = new CookieJar();
  readonly #memo = new Map<string, Promise<unknown>>();
  #generation = 0;
  #login?: Promise<void>;
  #rejected?: AuthenticationError;
  #closed = false;
  readonly #stats: SessionStats = { requests: 0, logins: 0, replays: 0 };

  private constructor(base: URL, credentials: Credentials, options: SessionOptions) {
    this.base = base;
    this.user = credentials.user;
    this.#password = credentials.password;
    this.#options = options;
    registerSecret(credentials.password);
  }

  /** Logs in and returns the session; a wrong password raises {@link AuthenticationError}. */
  static async open(base: URL, credentials: Credentials, options: SessionOptions = {}): Promise<XnatSession> {
    const session = new XnatSession(base, credentials, options);
    await session.#logIn();
    return session;
  }

  /** The transfer settings downloads through this session use: its retry policy and idle timeout. */
  get transfer(): { retryPolicy: RetryPolicy; idleTimeoutMs?: number } {
    return { retryPolicy: toRetryPolicy(this.#options.retry), idleTimeoutMs: this.#options.idleTimeoutMs };
  }

  /** A copy of the counters (requests, logins, replays). */
  stats(): SessionStats {
    return { ...this.#stats };
  }

  /** Sends a request and returns the body text, healing an expired session once. */
  async send(req: SessionRequest): Promise<string> {
    if (this.#closed) throw new SessionClosedError(this.base.href);
    const generation = this.#generation;
    const first = await this.#exchange(req);
    if (!this.#looksLoggedOut(first)) return this.#accept(first, req);
    await this.#relogin(generation);
    this.#stats.replays++;
    const second = await this.#exchange(req);
    if (second.status === 401) throw new AuthenticationError(this.user, this.base.href, "the server rejected the request again right after a fresh login");
    return this.#accept(second, req);
  }

  /**
   * Sends a GET whose body is streamed to the caller (a file), healing an expired session once:
   * a 401, or XNAT's login page (an HTML answer where `htmlIsLogin` says the file cannot be
   * HTML), logs in again and replays. 404 and 403 raise NotFoundError / AccessDeniedError; other
   * failures raise the seam's typed errors (`HttpError` with the status, `NetworkError`,
   * `TimeoutError`), which the caller may retry. Bodies are read as stored (no content coding).
   */
  async stream(req: StreamRequest): Promise<TransportResponse> {
    if (this.#closed) throw new SessionClosedError(this.base.href);
    const generation = this.#generation;
    const first = await this.#open(req);
    if (!this.#streamLoggedOut(first, req)) return this.#acceptStream(first, req);
    first.body.destroy();
    await this.#relogin(generation);
    this.#stats.replays++;
    const second = await this.#open(req);
    if (second.status === 401) {
      second.body.destroy();
      throw new AuthenticationError(this.user, this.base.href, "the server rejected the request again right after a fresh login");
    }
    if (this.#streamLoggedOut(second, req)) {
      second.body.destroy();
      throw new UnexpectedContentError("a file", "html", displayUrl(req.url.href), undefined, "the server sent its login page even after a fresh login");
    }
    return this.#acceptStream(second, req);
  }

  async #open(req: StreamRequest): Promise<TransportResponse> {
    const headers: Record<string, string> = { "user-agent": this.#options.userAgent ?? USER_AGENT, ...req.headers };
    const cookie = this.#jar.header();
    if (cookie) headers.cookie = cookie;
    this.#stats.requests++;
    const response = await sendRequest(req.url, {
      headers,
      timeoutMs: this.#options.timeoutMs,
      signal: req.signal,
      acceptStatus: [401, 403, 404],
      transport: transportFor(this.#options.fetch),
      decompress: false,
    });
    this.#jar.update(response.headers.getSetCookie?.() ?? []);
    const sessionId = this.#jar.get("JSESSIONID");
    if (sessionId) registerSecret(sessionId);
    return response;
  }

  #streamLoggedOut(response: TransportResponse, req: StreamRequest): boolean {
    if (response.status === 401) return true;
    return Boolean(req.htmlIsLogin) && response.status < 300 && /text\/html/i.test(response.headers.get("content-type") ?? "");
  }

  #acceptStream(response: TransportResponse, req: StreamRequest): TransportResponse {
    const url = displayUrl(req.url.href);
    if (response.status === 404 || response.status === 403) {
      response.body.destroy();
      throw response.status === 404 ? new NotFoundError(req.what, url) : new AccessDeniedError(req.what, url);
    }
    return response;
  }

  /** Caches the promise of `compute` under `key` for the life of the session (failures are not cached). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.#memo.get(key) as Promise<T> | undefined;
    if (known) return known;
    const promise = compute();
    this.#memo.set(key, promise);
    promise.catch(() => this.#memo.delete(key));
    return promise;
  }

  /** Forgets cached lookups (labels, IDs, field lists) so the next call asks the server again. */
  forget(prefix = ""): void {
    for (const key of [...this.#memo.keys()]) if (key.startsWith(prefix)) this.#memo.delete(key);
  }

  /**
   * Ends the session on the server but keeps the now-stale cookie, exactly as an idle timeout
   * would; the next request heals it. For demonstrations and tests of self-healing.
   */
  async expireOnServer(): Promise<void> {
    if (this.#closed) throw new SessionClosedError(this.base.href);
    await this.#raw({ path: sessionPath(), method: "DELETE", expect: "text" }, [200, 401]);
  }

  /** Ends the session (DELETE /data/JSESSION); later calls raise {@link SessionClosedError}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#raw({ path: sessionPath(), method: "DELETE", expect: "text" }, [200, 401, 403, 404]);
    } finally {
      this.#jar.clear();
      this.#memo.clear();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Server and user only: the password and the session id stay out of every representation. */
  toJSON(): object {
    return { url: this.base.href, user: this.user, closed: this.#closed };
  }

  [inspect.custom](): string {
    return `<XnatSession ${this.base.href} as ${this.user}${this.#closed ? " (closed)" : ""}>`;
  }

  async #relogin(staleGeneration: number): Promise<void> {
    if (this.#rejected) throw this.#rejected;
    if (this.#generation !== staleGeneration) return;
    await this.#logIn();
  }

  #logIn(): Promise<void> {
    this.#login ??= this.#performLogin().finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #performLogin(): Promise<void> {
    if (this.#rejected) throw this.#rejected;
    this.#jar.clear();
    const basic = Buffer.from(`${this.user}:${this.#password}`, "utf8").toString("base64");
    registerSecret(basic);
    const response = await this.#raw(
      { path: sessionPath(), expect: "text", headers: { authorization: `Basic ${basic}` } },
      [401, 403],
    );
    const text = response.body.toString("utf8");
    if (response.status === 401 || response.status === 403) {
      this.#rejected = new AuthenticationError(this.user, this.base.href);
      throw this.#rejected;
    }
    if (bodyKind(text) === "html") {
      this.#rejected = new AuthenticationError(this.user, this.base.href, "the server answered with a login page instead of a session");
      throw this.#rejected;
    }
    const token = text.trim();
    if (!this.#jar.get("JSESSIONID") && /^[\w.-]{16,}$/.test(token)) this.#jar.set("JSESSIONID", token);
    const sessionId = this.#jar.get("JSESSIONID");
    if (!sessionId) {
      throw new UnexpectedContentError("a session id", bodyKind(text), toUrl(this.base, sessionPath()).href, undefined, "is this address an XNAT server?");
    }
    registerSecret(sessionId);
    registerSecret(token);
    this.#generation++;
    this.#stats.logins++;
  }

  async #exchange(req: SessionRequest): Promise<BufferedResponse> {
    return this.#raw(req, [401, 403, 404]);
  }

  async #raw(req: SessionRequest, acceptStatus: number[]): Promise<BufferedResponse> {
    const url = toUrl(this.base, req.path, req.query);
    const headers: Record<string, string> = { "user-agent": this.#options.userAgent ?? USER_AGENT, ...req.headers };
    const cookie = this.#jar.header();
    if (cookie && !headers.authorization) headers.cookie = cookie;
    this.#stats.requests++;
    const response = await request(url, {
      method: req.method ?? "GET",
      headers,
      body: req.body,
      idempotent: req.idempotent,
      retry: this.#options.retry === false ? false : { ...this.#options.retry, ...req.retry },
      acceptStatus,
      retryHtml: true,
      expected: EXPECTED[req.expect],
      timeoutMs: this.#options.timeoutMs,
      idleTimeoutMs: this.#options.idleTimeoutMs,
      totalTimeoutMs: this.#options.totalTimeoutMs,
      maxBodyBytes: this.#options.maxBodyBytes,
      fetch: this.#options.fetch,
    });
    const setCookies = response.headers.getSetCookie?.() ?? [];
    this.#jar.update(setCookies);
    const sessionId = this.#jar.get("JSESSIONID");
    if (sessionId) registerSecret(sessionId);
    return response;
  }

  #looksLoggedOut(response: BufferedResponse): boolean {
    if (response.status === 401) return true;
    if (response.status >= 300) return false;
    return bodyKind(response.body.subarray(0, 400).toString("utf8")) === "html";
  }

  #accept(response: BufferedResponse, req: SessionRequest): string {
    const url = displayUrl(response.url);
    const what = req.what ?? `the resource ${new URL(response.url).pathname}`;
    if (response.status === 404) throw new NotFoundError(what, url);
    if (response.status === 403) throw new AccessDeniedError(what, url);
    if (response.status >= 400) throw new HttpError(response.status, req.method ?? "GET", url, response.body.subarray(0, 300).toString("utf8"));
    const text = response.body.toString("utf8");
    const kind = bodyKind(text);
    if (kind === "html") {
      throw new UnexpectedContentError(req.expect.toUpperCase(), kind, url, undefined, "the server sent a web page even after a fresh login; it may be down for maintenance, or the address may not be the XNAT root");
    }
    return text;
  }
}
