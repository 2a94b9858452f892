import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";

/** Starts `handler` on a free loopback port; the caller closes it. */
export function serve(handler: http.RequestListener): Promise<LoopbackServer> {
  return listenLoopback(handler, 0);
}

/** A fresh temporary folder. */
export function tempDir(prefix = "np-allen-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir` (relative paths, sorted), hidden temp files included. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

export { captureIo } from "../helpers/capture-io.js";

/** Sends a JSON body. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": text.length });
  res.end(text);
}

/** Sends a zip body. */
export function sendBytes(res: http.ServerResponse, body: Buffer, type = "application/zip"): void {
  res.writeHead(200, { "content-type": type, "content-length": body.length });
  res.end(body);
}

export const NO_RETRY_HTTP = { retry: false as const };

/** Starts the demo Allen service for the enclosing describe block and hands its base URL over. */
export function withAllenDemo(onStart: (api: string) => void): void {
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    const svc = await startAllenDemo();
    onStart(svc.info.url);
    stop = svc.close;
  });
  after(() => stop?.());
}
