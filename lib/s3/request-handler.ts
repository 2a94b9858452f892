import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { send } from "../http/send.js";
import type { ResponseBody, Transport } from "../http/transport.js";

/** The parts of the SDK's `HttpRequest` the handler reads. */
interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * An SDK request handler that sends the S3 client's own requests (listings, HEAD, the
 * GetObject fallback) through the library's transport seam: the same transport (the bucket's
 * keep-alive connections or the user's `fetch`), connect timeout and error mapping as every
 * other request. The SDK still builds, signs and parses them; it does not retry them (the
 * bucket does, with the library's retry mechanism).
 */
export function seamRequestHandler(transport: Transport, timeoutMs: number, totalTimeoutMs?: number): NonNullable<S3ClientConfig["requestHandler"]> {
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request: SdkRequest, options?: { abortSignal?: AbortSignal }) {
      const query = request.query ? toQueryString(request.query) : "";
      const port = request.port ? `:${request.port}` : "";
      const url = `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ""}`;
      const body = await toSendable(request.body);
      const response = await send(url, { method: request.method, headers: request.headers, body, transport, timeoutMs, totalTimeoutMs, signal: options?.abortSignal, acceptStatus: "any", decompress: false, followRedirects: false });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { response: { statusCode: response.status, headers, body: toReadable(response.body) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  } as unknown as NonNullable<S3ClientConfig["requestHandler"]>;
}

/** A request body as the seam sends it: text or bytes (a stream, as the SDK gives uploads, is read first). */
async function toSendable(body: unknown): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array) return body ?? undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function toReadable(body: ResponseBody): Readable {
  return body instanceof Readable ? body : Readable.from(body, { objectMode: false });
}

/** A query string as the SDK's handlers write it: sorted keys, RFC 3986 escapes, bare keys for null values. */
function toQueryString(query: NonNullable<SdkRequest["query"]>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (Array.isArray(value)) for (const item of value) parts.push(`${escapeUri(key)}=${escapeUri(item ?? "")}`);
    else parts.push(value === null ? escapeUri(key) : `${escapeUri(key)}=${escapeUri(value)}`);
  }
  return parts.join("&");
}

/** `encodeURIComponent` plus the characters RFC 3986 reserves and S3 signs escaped (`!'()*`). */
export const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
