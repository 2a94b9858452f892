import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** A fault applied to a response body as the service writes it. */
export interface BodyFault {
  kind: "drop" | "truncate" | "stall" | "corrupt";
  /** Where in the body it happens, as a fraction of the body's length. */
  at: number;
}

type WriteCallback = (error?: Error | null) => void;

/**
 * Intercepts `res.writeHead/write/end` so that the body the service writes is cut (`truncate`:
 * the bytes before the cut are sent, then the connection is closed; `drop`: the connection is
 * reset; `stall`: nothing more is sent and the connection stays open until the client gives up)
 * or has one byte flipped (`corrupt`). Headers, Content-Length included, stay as the
 * service set them. When the length is declared (or the body is written in one `end` call) the
 * position is a fraction of that length; for a streamed body of unknown length the last chunk is
 * held back and the fault lands inside it, so large streams pass through with one chunk of
 * buffering. `onApplied` is called once if the fault actually happened.
 */
export function tapBody(res: ServerResponse, fault: BodyFault, onApplied: () => void): void {
  const originalWriteHead = res.writeHead as unknown as (this: ServerResponse, statusCode: number, reason?: string) => ServerResponse;
  const originalWrite = res.write as unknown as (this: ServerResponse, chunk: Buffer, callback?: WriteCallback) => boolean;
  const originalEnd = res.end as unknown as (this: ServerResponse, chunk?: Buffer, callback?: WriteCallback) => ServerResponse;
  const write = (chunk: Buffer, callback?: WriteCallback): boolean => originalWrite.call(res, chunk, callback);
  let sent = 0;
  let total: number | undefined;
  let measured = false;
  let done = false;
  let passThrough = false;
  let flipped = false;
  let held: { chunk: Buffer; callback?: WriteCallback } | undefined;

  res.writeHead = function writeHead(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    const reason = typeof rest[0] === "string" ? (rest.shift() as string) : undefined;
    const headers = rest[0] as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
    if (Array.isArray(headers)) {
      for (const [name, value] of headerPairs(headers)) res.appendHeader(name, value);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
    }
    return reason === undefined ? originalWriteHead.call(res, statusCode) : originalWriteHead.call(res, statusCode, reason);
  } as ServerResponse["writeHead"];

  res.write = function (chunk: unknown, encodingOrCallback?: unknown, maybeCallback?: unknown): boolean {
    const [buffer, callback] = normalise(chunk, encodingOrCallback, maybeCallback);
    return feed(buffer, callback);
  } as ServerResponse["write"];

  res.end = function (chunk?: unknown, encodingOrCallback?: unknown, maybeCallback?: unknown) {
    if (typeof chunk === "function") [chunk, maybeCallback] = [undefined, chunk];
    const [buffer, callback] = normalise(chunk ?? Buffer.alloc(0), encodingOrCallback, maybeCallback);
    if (!measured && !res.headersSent && !res.hasHeader("content-length") && !res.hasHeader("transfer-encoding")) {
      res.setHeader("content-length", buffer.length);
    }
    finish(buffer, callback);
    return res;
  } as ServerResponse["end"];

  function measure(): void {
    if (measured) return;
    measured = true;
    const declared = res.getHeader("content-length");
    const length = declared === undefined ? NaN : Number(declared);
    total = Number.isFinite(length) && length >= 0 ? length : undefined;
    passThrough = total === 0 && (fault.kind === "truncate" || fault.kind === "stall");
  }

  function feed(chunk: Buffer, callback?: WriteCallback): boolean {
    measure();
    if (fault.kind === "corrupt") return write(corrupt(chunk), callback);
    if (passThrough) return write(chunk, callback);
    if (done) return swallow(callback);
    if (total !== undefined) return cutAt(Math.floor(fault.at * total), chunk, callback);
    const previous = held;
    held = { chunk, callback };
    return previous ? write(previous.chunk, previous.callback) : true;
  }

  function finish(chunk: Buffer, callback?: WriteCallback): void {
    measure();
    if (fault.kind === "corrupt" || passThrough) {
      originalEnd.call(res, fault.kind === "corrupt" ? corrupt(chunk) : chunk, callback);
      return;
    }
    if (done) {
      swallow(callback);
      return;
    }
    if (total !== undefined) {
      cutAt(Math.floor(fault.at * total), chunk, callback);
      if (!done) cut();
      return;
    }
    if (chunk.length > 0) feed(chunk, callback);
    else if (callback) process.nextTick(callback);
    const last = held;
    held = undefined;
    if (!last) {
      if (fault.kind === "drop") cut();
      else originalEnd.call(res);
      return;
    }
    write(last.chunk.subarray(0, Math.floor(fault.at * last.chunk.length)), last.callback);
    cut();
  }

  /** Forwards `chunk` up to byte `position` of the body and cuts there. */
  function cutAt(position: number, chunk: Buffer, callback?: WriteCallback): boolean {
    if (sent + chunk.length <= position) {
      sent += chunk.length;
      return write(chunk, callback);
    }
    const keep = Math.max(0, position - sent);
    if (keep > 0) write(chunk.subarray(0, keep), callback);
    else if (callback) process.nextTick(callback);
    sent += keep;
    cut();
    return true;
  }

  function swallow(callback?: WriteCallback): boolean {
    if (callback) process.nextTick(callback);
    return true;
  }

  function corrupt(chunk: Buffer): Buffer {
    const start = sent;
    sent += chunk.length;
    if (flipped || chunk.length === 0) return chunk;
    const position = total !== undefined && total > 0 ? Math.floor(fault.at * total) : start + Math.floor(fault.at * chunk.length);
    if (position < start || position >= start + chunk.length) return chunk;
    flipped = true;
    onApplied();
    const copy = Buffer.from(chunk);
    copy[position - start] ^= 0xff;
    return copy;
  }

  function cut(): void {
    if (done) return;
    done = true;
    onApplied();
    if (!res.headersSent) res.flushHeaders();
    const socket = res.socket;
    if (!socket) return;
    if (fault.kind === "drop") socket.write(Buffer.alloc(0), () => setTimeout(() => socket.resetAndDestroy(), 1));
    else if (fault.kind === "truncate") socket.end();
  }
}

function normalise(chunk: unknown, encodingOrCallback: unknown, maybeCallback: unknown): [Buffer, WriteCallback | undefined] {
  const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : undefined;
  const callback = (typeof encodingOrCallback === "function" ? encodingOrCallback : maybeCallback) as WriteCallback | undefined;
  if (chunk === null || chunk === undefined) return [Buffer.alloc(0), callback];
  if (typeof chunk === "string") return [Buffer.from(chunk, encoding ?? "utf8"), callback];
  const view = chunk as Uint8Array;
  return [Buffer.from(view.buffer, view.byteOffset, view.byteLength), callback];
}

function headerPairs(headers: OutgoingHttpHeader[]): [string, string | string[]][] {
  const pairs: [string, string | string[]][] = [];
  if (headers.length > 0 && Array.isArray(headers[0])) {
    for (const pair of headers as unknown as [string, string][]) pairs.push([pair[0], pair[1]]);
    return pairs;
  }
  for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), String(headers[i + 1])]);
  return pairs;
}
