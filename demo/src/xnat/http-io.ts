/** Request/response plumbing of the demo server: paths, bodies, formats, replies, HTTP failures. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { SearchDocumentError } from "./search-document.js";
import type { TableFormat } from "./table.js";

const MAX_BODY = 1 << 20;

/** A failure answered with `status` and a Restlet status page carrying `message`. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `/REST/x` = `/data/x`, `/data/archive/x` = `/data/x`. */
export function normalisePath(pathname: string): string {
  let path = pathname.replace(/\/{2,}/g, "/");
  if (path === "/REST" || path.startsWith("/REST/")) path = `/data${path.slice(5)}`;
  if (path.startsWith("/data/archive/")) path = `/data/${path.slice("/data/archive/".length)}`;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

/** Decodes one path segment (400 when malformed). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpFailure(400, `malformed URL segment ${JSON.stringify(segment)}`);
  }
}

/** The listing format named by `format=` (JSON when absent or unknown). */
export function tableFormat(format: string | null): TableFormat {
  const wanted = format?.toLowerCase();
  if (wanted === "csv" || wanted === "text/csv") return "csv";
  if (wanted === "xml" || wanted === "text/xml") return "xml";
  if (wanted === "html" || wanted === "text/html") return "html";
  return "json";
}

/** The search document: the raw body, or the `.xml` part of a multipart upload. */
export function searchXmlFrom(request: IncomingMessage, body: Buffer): string {
  const type = request.headers["content-type"] ?? "";
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return body.toString("utf8");
  for (const part of body.toString("utf8").split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const headers = part.slice(0, split);
    if (/filename="[^"]*\.xml"/i.test(headers)) return part.slice(split + 4).replace(/\r\n$/, "");
  }
  throw new SearchDocumentError("the multipart upload has no part whose file name ends in .xml");
}

/** Reads the request body, refusing more than 1 MiB (413). */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpFailure(413, `request body larger than ${MAX_BODY} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Writes a complete response with Content-Type and Content-Length. */
export function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string | string[]> = {}): void {
  const payload = Buffer.from(body, "utf8");
  const extra = Object.fromEntries(Object.entries(headers).filter(([, value]) => !(Array.isArray(value) && value.length === 0)));
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": String(payload.length), ...extra });
  response.end(payload);
}

