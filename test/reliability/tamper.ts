import * as http from "node:http";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";
import { withFaults, FaultSpec, FaultyListener } from "../../demo/src/faults/index.js";

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
    const outgoing = http.request({ host: target.hostname, port: Number(target.port), method, path: url, headers: req.headers }, (upstreamRes) => {
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
    outgoing.on("error", (error) => res.destroy(error));
    req.pipe(outgoing);
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
