/**
 * Loopback proxies in front of a real (demo) service, for the reliability tests: `tamperProxy`
 * rewrites whole answers by rule (optionally with the demo's fault layer around it), `faultProxy`
 * damages streamed bodies (cut, stalled, corrupted, an HTML page instead) and counts requests.
 * Both forward requests as they came (headers and Host included, so S3 signatures stay valid).
 */
import * as http from "node:http";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";
import { withFaults, type FaultSpec, type FaultyListener } from "../../demo/src/faults/index.js";
import { MAINTENANCE_PAGE } from "./hostile.js";

/** Sends `req` on to `target` as it came and hands the upstream answer to `onResponse`; an upstream failure ends `res`. */
function forward(target: URL, req: http.IncomingMessage, res: http.ServerResponse, onResponse: (upstream: http.IncomingMessage) => void): void {
  const outgoing = http.request({ host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers }, onResponse);
  outgoing.on("error", (error) => res.destroy(error));
  req.pipe(outgoing);
}

/** A complete upstream response, as a rule sees it and may rewrite it. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Rewrites the responses of requests that `match`; every other request passes unchanged. */
export interface TamperRule {
  match: (method: string, url: string) => boolean;
  rewrite: (exchange: Exchange) => Partial<Pick<Exchange, "status" | "headers" | "body">> | Promise<Partial<Pick<Exchange, "status" | "headers" | "body">>>;
}

/**
 * A request listener that forwards everything to a real demo service at `upstream` (headers,
 * Host included, so S3 signatures stay valid) and lets rules rewrite chosen answers.
 */
export function proxyTo(upstream: string, rules: readonly TamperRule[] = [], counts = new Map<TamperRule, number>()): http.RequestListener {
  const target = new URL(upstream);
  return (req, res) => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const rule = rules.find((candidate) => candidate.match(method, url));
    forward(target, req, res, (upstreamRes) => {
      if (!rule) {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upstreamRes.on("data", (chunk: Buffer) => chunks.push(chunk));
      upstreamRes.on("end", async () => {
        counts.set(rule, (counts.get(rule) ?? 0) + 1);
        const exchange: Exchange = { method, url, status: upstreamRes.statusCode ?? 502, headers: upstreamRes.headers, body: Buffer.concat(chunks) };
        const changed = { ...exchange, ...(await rule.rewrite(exchange)) };
        const headers = { ...changed.headers, "content-length": String(changed.body.length) };
        delete headers["transfer-encoding"];
        delete headers.etag;
        res.writeHead(changed.status, headers);
        res.end(changed.body);
      });
    });
  };
}

/** A loopback proxy in front of a demo service, optionally with the fault layer around it. */
export async function tamperProxy(upstream: string, rules: readonly TamperRule[] = [], faults?: FaultSpec): Promise<LoopbackServer & { counts: Map<TamperRule, number>; faults?: FaultyListener }> {
  const counts = new Map<TamperRule, number>();
  const handler = proxyTo(upstream, rules, counts);
  const faulty = faults ? withFaults(handler, faults) : undefined;
  const server = await listenLoopback(faulty ?? handler);
  return Object.assign(server, { counts, faults: faulty });
}

/** What the fault proxy does to GET responses whose path matches. */
export interface Fault {
  match: (path: string) => boolean;
  /** Cut the connection after this many body bytes. */
  cutAfter?: number;
  /** Flip one byte of the body. */
  corrupt?: boolean;
  /** Stop sending after this many body bytes and keep the connection open (a stalled body). */
  stallAfter?: number;
  /** Answer with this status and an HTML page instead of asking the upstream (200: a maintenance page). */
  htmlStatus?: number;
  /** Also damage requests other than GET (e.g. HEAD). */
  anyMethod?: boolean;
  /** How many matching responses to damage (default 1; Infinity: all). */
  times?: number;
}

/** A loopback proxy in front of the demo that damages chosen responses, and counts requests. */
export async function faultProxy(upstream: string, faults: Fault[]): Promise<LoopbackServer & { requests: { method: string; path: string; range?: string }[] }> {
  const target = new URL(upstream);
  const requests: { method: string; path: string; range?: string }[] = [];
  const left = faults.map((fault) => fault.times ?? 1);
  const server = await listenLoopback((req, res) => {
    const requestPath = decodeURIComponent((req.url ?? "/").split("?")[0]);
    requests.push({ method: req.method ?? "", path: requestPath, range: req.headers.range });
    const index = faults.findIndex((fault, i) => (req.method === "GET" || fault.anyMethod) && left[i] > 0 && fault.match(requestPath));
    const fault = index >= 0 ? faults[index] : undefined;
    if (fault) left[index]--;
    if (fault?.htmlStatus !== undefined) {
      req.resume();
      res.writeHead(fault.htmlStatus, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(MAINTENANCE_PAGE) });
      res.end(req.method === "HEAD" ? undefined : MAINTENANCE_PAGE);
      return;
    }
    forward(target, req, res, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      let sent = 0;
      let flipped = false;
      upstreamRes.on("data", (chunk: Buffer) => {
        if (fault?.stallAfter !== undefined && sent + chunk.length > fault.stallAfter) {
          if (sent < fault.stallAfter) res.write(chunk.subarray(0, fault.stallAfter - sent));
          sent = fault.stallAfter;
          upstreamRes.pause();
          return;
        }
        if (fault?.cutAfter !== undefined && sent + chunk.length > fault.cutAfter) {
          upstreamRes.destroy();
          res.write(chunk.subarray(0, fault.cutAfter - sent), () => res.socket?.destroy());
          sent = fault.cutAfter;
          return;
        }
        if (fault?.corrupt && !flipped && chunk.length > 0) {
          chunk = Buffer.from(chunk);
          chunk[Math.floor(chunk.length / 2)] ^= 0xff;
          flipped = true;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      upstreamRes.on("end", () => {
        if (fault?.stallAfter === undefined) res.end();
      });
    });
  });
  return Object.assign(server, { requests });
}
