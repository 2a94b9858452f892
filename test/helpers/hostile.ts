/**
 * Small purpose-built hostile servers for the adversarial suite (test/reliability/hostile-*):
 * each answers on 127.0.0.1 as one scenario needs (trickling, lying about lengths, never
 * answering, redirecting elsewhere), records what it was asked, and is closed by the test.
 */
import { createHash } from "node:crypto";
import type * as http from "node:http";
import * as net from "node:net";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";

/** One request a hostile server received. */
export interface Hit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A loopback server with the requests it received. */
export interface HostileServer extends LoopbackServer {
  hits: Hit[];
}

/** Starts `handler` on loopback, recording every request (method, URL, headers) before handling it. */
export async function hostileServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void): Promise<HostileServer> {
  const hits: Hit[] = [];
  const server = await listenLoopback((req, res) => {
    hits.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers });
    res.on("error", () => undefined);
    handler(req, res, hits.length);
  });
  return Object.assign(server, { hits });
}

/** A TCP server that accepts connections and never answers (nor closes them until `close()`). */
export async function silentServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `body` one byte every `everyMs` (after `headers`), until done or the client goes away. */
export function trickle(res: http.ServerResponse, body: Buffer, everyMs: number, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(200, headers);
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed || at >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(at, at + 1));
    at++;
  }, everyMs);
  res.on("close", () => clearInterval(timer));
}

/** Streams `total` bytes of `fill` in 64 KiB chunks with backpressure; returns how many were written when the client stops reading. */
export function flood(res: http.ServerResponse, total: number, headers: http.OutgoingHttpHeaders = {}, fill = 0x41): Promise<number> {
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(64 * 1024, fill);
  let written = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (written < total && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += part.length;
        if (!res.write(part)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
      resolve(written);
    };
    res.on("close", () => resolve(written));
    pump();
  });
}

/**
 * Registers an `afterEach` hook (call it inside a `describe`) that closes every server handed to
 * the returned `track` during the test: `const server = track(await hostileServer(...))`.
 */
export function closedAfterEach(): <T extends { close(): Promise<void> | void }>(server: T) => T {
  const open: { close(): Promise<void> | void }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return (server) => (open.push(server), server);
}

/** The session id an {@link xnatLikeServer} hands out. */
export const XNAT_SESSION_ID = "0123456789ABCDEF0123456789ABCDEF";

/** A session's files listing as XNAT answers `.../files?format=json`. */
export function xnatFileListing(rows: readonly Record<string, string>[]): string {
  return JSON.stringify({ ResultSet: { totalRecords: String(rows.length), Result: rows } });
}

/** An XNAT-like server: logins (`/data/JSESSION`) succeed with {@link XNAT_SESSION_ID}; `data` answers everything else. */
export function xnatLikeServer(data: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<HostileServer> {
  return hostileServer((req, res) => {
    if ((req.url ?? "").startsWith("/data/JSESSION")) {
      res.writeHead(200, { "content-type": "text/plain", "set-cookie": `JSESSIONID=${XNAT_SESSION_ID}; Path=/` });
      return void res.end(req.method === "DELETE" ? "" : XNAT_SESSION_ID);
    }
    data(req, res);
  });
}

/** An HTML maintenance page as proxies serve it with status 200. */
export const MAINTENANCE_PAGE = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body><h1>Back soon</h1></body></html>";

/** A one-line RMA envelope for `rows`. */
export function rmaEnvelope(rows: readonly object[], totalRows = rows.length, startRow = 0): string {
  return JSON.stringify({ success: true, id: 0, start_row: startRow, num_rows: rows.length, total_rows: totalRows, msg: rows });
}

/** Retries that take milliseconds, for scenarios that go through several attempts. */
export const FAST_RETRY = Object.freeze({ retries: 2, baseDelayMs: 5, maxDelayMs: 20 });

export const md5 = (data: Buffer | string) => createHash("md5").update(data).digest("hex");

/**
 * Runs `body` as one bounded scenario: a mocha test whose timeout is `deadlineMs` plus slack,
 * and which fails with a clear message if the scenario itself has not settled by `deadlineMs`
 * (so a hang is reported as such, never waited out).
 */
export function scenario(title: string, body: () => Promise<void>, deadlineMs = 15_000): Mocha.Test {
  return it(title, async function () {
    this.timeout(deadlineMs + 5_000);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario did not settle within ${deadlineMs} ms (a hang)`)), deadlineMs);
    });
    try {
      await Promise.race([body(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  });
}

/** Awaits `promise`, which must reject, and returns what it rejected with (for typed assertions). */
export async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, but the call succeeded");
}
