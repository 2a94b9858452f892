import * as net from "node:net";

/** A response read byte for byte off the socket, however it ended. */
export interface RawResponse {
  status: number | undefined;
  headers: Record<string, string>;
  /** The body as received (de-chunked when chunked). */
  body: Buffer;
  /** True when a chunked body ended with its terminating chunk. */
  chunkedComplete: boolean;
  /** How the connection ended: a clean close, or a socket error such as ECONNRESET. */
  ending: "close" | string;
}

/** Sends one request over a fresh connection (Connection: close) and reads everything the server sends. */
export function rawRequest(baseUrl: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let ending = "close";
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${url.host}`, "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.on("connect", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      ending = error.code ?? error.message;
    });
    socket.on("close", () => resolve(parse(Buffer.concat(chunks), ending)));
  });
}

function parse(raw: Buffer, ending: string): RawResponse {
  const split = raw.indexOf("\r\n\r\n");
  if (split < 0) return { status: undefined, headers: {}, body: Buffer.alloc(0), chunkedComplete: false, ending };
  const [statusLine, ...headerLines] = raw.subarray(0, split).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(split + 4);
  const status = Number(statusLine.split(" ")[1]);
  if (headers["transfer-encoding"] !== "chunked") return { status, headers, body: rest, chunkedComplete: false, ending };
  const parts: Buffer[] = [];
  let at = 0;
  let chunkedComplete = false;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(rest.subarray(at, lineEnd).toString("latin1"), 16);
    if (size === 0) {
      chunkedComplete = true;
      break;
    }
    const data = rest.subarray(lineEnd + 2, lineEnd + 2 + size);
    parts.push(data);
    if (data.length < size) break;
    at = lineEnd + 2 + size + 2;
  }
  return { status, headers, body: Buffer.concat(parts), chunkedComplete, ending };
}
