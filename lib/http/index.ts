/**
 * The transport seam: every HTTP request of the library goes through {@link send} (one connect
 * timeout, one error mapping) over a replaceable transport (a keep-alive `node:http` one by
 * default, or the user's `fetch`); bodies are read by {@link bodyChunks} / {@link readBody}
 * (one idle timeout); {@link request} adds buffering and retries.
 */
export { send, toTypedError, DEFAULT_TIMEOUT_MS } from "./send.js";
export type { SendOptions, Method } from "./send.js";
export { bodyChunks, readBody, declaredLength, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from "./body.js";
export { withDeadline, defaultTotalTimeoutMs, DEFAULT_TOTAL_TIMEOUT_MS, MIN_BYTES_PER_SECOND } from "./deadline.js";
export { checkHttpOptions, HTTP_OPTION_RULES } from "./options.js";
export type { BodyReadOptions } from "./body.js";
export { request, requestText, requestJson, parseJsonBody, isRetryable } from "./request.js";
export type { HttpOptions, RequestOptions, BufferedResponse } from "./request.js";
export { NodeTransport, defaultTransport, fetchTransport, transportFor } from "./transport.js";
export type { FetchLike, Transport, TransportRequest, TransportResponse, ResponseBody, ResponseHeaders } from "./transport.js";
export { bodyKind, describeKind, unparsedKind } from "./body-kind.js";
export type { BodyKind } from "./body-kind.js";
export { isSafeTransport, assertNoUserInfo, toServiceBase } from "./url.js";
export * from "./errors.js";
