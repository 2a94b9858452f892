import * as http from "node:http";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";

/** How {@link throttleProxy} slows answers down. */
export interface Throttle {
  /** Delay before each answer starts (ms). */
  latencyMs: number;
  /** Body bytes sent per tick. */
  chunkBytes: number;
  /** Time between ticks (ms). */
  intervalMs: number;
}

/**
 * A loopback proxy in front of a demo service that forwards every request unchanged (headers
 * and Host included, so S3 signatures stay valid) and trickles each answer's body, so that
 * downloads take long enough for two processes to overlap, or to be killed part-way; answers to
 * requests matching `slower.match` trickle at their own pace.
 */
export async function throttleProxy(upstream: string, base: Throttle, slower?: { match: RegExp; throttle: Throttle }): Promise<LoopbackServer> {
  const target = new URL(upstream);
  return listenLoopback((req, res) => {
    const throttle = slower && slower.match.test(req.url ?? "") ? slower.throttle : base;
    const outgoing = http.request({ host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const queue: Buffer[] = [];
      let ended = false;
      answer.on("data", (chunk: Buffer) => queue.push(chunk));
      answer.on("end", () => (ended = true));
      answer.on("error", (error) => res.destroy(error));
      const tick = () => {
        if (res.destroyed) return answer.destroy();
        let budget = throttle.chunkBytes;
        while (budget > 0 && queue.length > 0) {
          const head = queue[0];
          const piece = head.subarray(0, budget);
          res.write(piece);
          budget -= piece.length;
          if (piece.length === head.length) queue.shift();
          else queue[0] = head.subarray(piece.length);
        }
        if (ended && queue.length === 0) res.end();
        else setTimeout(tick, throttle.intervalMs);
      };
      setTimeout(() => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        tick();
      }, throttle.latencyMs);
    });
    outgoing.on("error", (error) => res.destroy(error));
    req.pipe(outgoing);
  });
}
