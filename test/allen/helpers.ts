import type * as http from "node:http";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";

/** Starts `handler` on a free loopback port; the caller closes it. */
export function serve(handler: http.RequestListener): Promise<LoopbackServer> {
  return listenLoopback(handler, 0);
}

export { tempDir, filesUnder } from "../helpers/files.js";
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
