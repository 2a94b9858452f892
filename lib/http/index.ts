export { request, requestText, requestJson, openResponse, readBody, idleGuard, parseJsonBody, toTypedError } from "./request.js";
export type { RequestOptions, BufferedResponse, Method } from "./request.js";
export { DEFAULT_RETRY, NO_RETRY, retryDelay, parseRetryAfter, sleep } from "../core/retry.js";
export type { RetryPolicy } from "../core/retry.js";
export { registerSecret, redact, displayUrl } from "../core/redact.js";
export * from "./errors.js";
