import { NetworkError, ResponseTooLargeError, TimeoutError } from "./errors.js";
import { toTypedError } from "./send.js";
import type { ResponseBody, ResponseHeaders } from "./transport.js";

/** How a body is read: who it is named after in errors, how long it may stall, what stops it. */
export interface BodyReadOptions {
  /** The URL or `s3://bucket/key` that errors name. */
  location: string;
  /** Milliseconds without a chunk before the body counts as stalled (default 60 s). */
  idleTimeoutMs?: number;
  /**
   * The most bytes the body may hold (its listed size, or a memory bound): reading stops as soon
   * as more arrive, with {@link ResponseTooLargeError}; nothing beyond the bound is yielded.
   */
  maxBytes?: number;
  /** Names the bound in the error, e.g. "the listed size" (default "the allowed size"). */
  maxBytesName?: string;
  signal?: AbortSignal;
}

/** Default bound of a body held in memory (JSON, XML, listings, archives): 512 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024;

/** Default time without body data before a transfer counts as stalled. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * The one body reader: yields the chunks of `body`, raising {@link TimeoutError} when no chunk
 * came for `idleTimeoutMs`, the signal's reason when it aborts, and {@link NetworkError} naming
 * the location when the connection drops, and {@link ResponseTooLargeError} as soon as the body
 * passes `maxBytes` (the chunk that passes it is not yielded). One timer per body, refreshed
 * per chunk; the request's deadline (set by `send`) bounds it in all.
 */
export async function* bodyChunks(body: ResponseBody, options: BodyReadOptions): AsyncGenerator<Uint8Array> {
  const { location, signal } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let failure: unknown;
  const stop = (reason: unknown) => {
    failure ??= reason;
    body.destroy(reason instanceof Error ? reason : new DOMException("This operation was aborted", "AbortError"));
  };
  const onAbort = () => stop(signal?.reason ?? new DOMException("This operation was aborted", "AbortError"));
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener("abort", onAbort, { once: true });
  const idle = setTimeout(() => stop(new TimeoutError(location, idleTimeoutMs, "idle")), idleTimeoutMs);
  const maxBytes = options.maxBytes ?? Infinity;
  let total = 0;
  try {
    for await (const chunk of body) {
      if (failure !== undefined) break;
      idle.refresh();
      total += chunk.byteLength;
      if (total > maxBytes) {
        stop(new ResponseTooLargeError(location, maxBytes, options.maxBytesName));
        break;
      }
      yield chunk;
    }
  } catch (error) {
    throw failure ?? toTypedError(error, location, "GET", "body");
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure !== undefined) throw failure;
}

/**
 * Reads a whole body into memory through {@link bodyChunks}, calling `onChunk` after each
 * chunk. When `headers` declare a Content-Length (and no content coding), a shorter or longer
 * body raises {@link NetworkError}: the connection was cut. The body is bounded by `maxBytes`
 * (default {@link DEFAULT_MAX_BODY_BYTES}, counted after decompression): a larger declared
 * length is refused before reading, a larger body when the bound is passed.
 */
export async function readBody(body: ResponseBody, options: BodyReadOptions & { headers?: ResponseHeaders; onChunk?: (bytes: number) => void }): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const announced = declaredLength(options.headers);
  if (announced !== undefined && announced > maxBytes) {
    body.destroy();
    throw new ResponseTooLargeError(options.location, maxBytes, options.maxBytesName);
  }
  options = { ...options, maxBytes };
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of bodyChunks(body, options)) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    total += chunk.byteLength;
    options.onChunk?.(total);
  }
  const declared = declaredLength(options.headers);
  if (declared !== undefined && declared !== total) {
    throw new NetworkError(`the response of ${options.location} ended after ${total} of ${declared} bytes`, options.location, undefined, "the connection was cut; the request is retried automatically when safe — run it again if it keeps failing");
  }
  return Buffer.concat(chunks, total);
}

/** The body length the headers promise, unless a content coding makes it the length on the wire only. */
export function declaredLength(headers: ResponseHeaders | undefined): number | undefined {
  const declared = headers?.get("content-length");
  if (declared === null || declared === undefined || headers?.get("content-encoding")) return undefined;
  const n = Number(declared);
  return Number.isFinite(n) ? n : undefined;
}
