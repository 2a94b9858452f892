import * as http from "node:http";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback";
import { startS3Demo, S3DemoOptions } from "../../demo/src/s3/index";
import type { RunningService } from "../../demo/src/types";
import type { S3DemoInfo } from "../../demo/src/s3/index";

export const SEED_Q1_LISTING = [
  "q1/", "q1/100307/", "q1/103515/", "q1/103818/", "q1/111312/", "q1/114924/", "q1/117122/", "q1/118932/", "q1/119833/", "q1/120212/",
  "q1/125525/", "q1/128632/", "q1/130013/", "q1/131621/", "q1/137128/", "q1/138231/", "q1/142828/", "q1/143325/", "q1/144226/", "q1/149337/",
  "q1/150423/", "q1/153429/", "q1/156637/", "q1/159239/", "q1/161731/", "q1/162329/", "q1/167743/", "q1/172332/", "q1/182739/", "q1/191437/",
  "q1/192439/", "q1/192540/", "q1/194140/", "q1/197550/", "q1/199150/", "q1/199251/", "q1/200614/", "q1/201111/", "q1/210617/", "q1/217429/",
  "q1/249947/", "q1/250427/", "q1/255639/", "q1/304020/", "q1/307127/", "q1/329440/", "q1/355542/", "q1/499566/", "q1/530635/", "q1/559053/",
  "q1/585862/", "q1/611231/", "q1/638049/", "q1/665254/", "q1/672756/", "q1/685058/", "q1/729557/", "q1/732243/", "q1/792564/", "q1/826353/",
  "q1/856766/", "q1/859671/", "q1/861456/", "q1/865363/", "q1/877168/", "q1/889579/", "q1/894673/", "q1/896778/", "q1/896879/", "q1/901139/",
  "q1/917255/", "q1/937160/",
];
export const SEED_SUBJECT_LISTING = ["q1/100307/.xdlm/", "q1/100307/Diffusion/", "q1/100307/MNINonLinear/", "q1/100307/T1w/", "q1/100307/release-notes/", "q1/100307/unprocessed/"];
export const MOTOR_PREFIX = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/";

export { tempDir, filesUnder } from "../helpers/files.js";

/** Starts a demo bucket for one test file. */
export async function demo(options: S3DemoOptions = {}): Promise<RunningService<S3DemoInfo>> {
  return startS3Demo(options);
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

export const MAINTENANCE_PAGE = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body><h1>We'll be back soon</h1></body></html>";

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
    const upstreamReq = http.request({ host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
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
    upstreamReq.on("error", () => res.destroy());
    req.pipe(upstreamReq);
  });
  return Object.assign(server, { requests });
}

