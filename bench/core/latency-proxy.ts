import * as http from "node:http";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";

/** A loopback HTTP proxy that holds every request for a fixed delay and counts requests. */
export interface LatencyProxy {
  /** Base URL of the proxy, with a trailing slash. */
  url: string;
  /** Requests forwarded since the last {@link LatencyProxy.reset}. */
  readonly requests: number;
  /** Request lines (method and path) since the last reset, in arrival order. */
  readonly log: readonly string[];
  /** Milliseconds the upstream server took per request (forward to end of its answer), since the last reset. */
  readonly upstreamMs: readonly number[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy in front of `target` (a base URL) that waits `latencyMs` before forwarding each
 * request, the way a network round trip would, so that per-request costs show as they would
 * against a remote portal. `keepHost` forwards the client's Host header unchanged (SigV4-signed
 * requests to the demo S3 front need it).
 */
export async function startLatencyProxy(target: string, latencyMs: number, options: { keepHost?: boolean } = {}): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let requests = 0;
  let log: string[] = [];
  let upstreamMs: number[] = [];
  const handler: http.RequestListener = (incoming, outgoing) => {
    requests++;
    log.push(`${incoming.method} ${incoming.url}`);
    setTimeout(() => forward(incoming, outgoing), latencyMs);
  };
  const forward = (incoming: http.IncomingMessage, outgoing: http.ServerResponse) => {
    // Signed S3 requests cover the Host header, so a proxy in front of a signature-checking server must pass it on as the client sent it.
    const headers = options.keepHost ? incoming.headers : { ...incoming.headers, host: upstream.host };
    const started = performance.now();
    const proxied = http.request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on("end", () => upstreamMs.push(performance.now() - started));
        answer.pipe(outgoing);
      },
    );
    proxied.on("error", (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`latency proxy: ${error.message}`);
    });
    incoming.pipe(proxied);
  };
  const server: LoopbackServer = await listenLoopback(handler, 0);
  return {
    url: server.url,
    get requests() {
      return requests;
    },
    get log() {
      return log;
    },
    get upstreamMs() {
      return upstreamMs;
    },
    reset() {
      requests = 0;
      log = [];
      upstreamMs = [];
    },
    async close() {
      agent.destroy();
      await server.close();
    },
  };
}
