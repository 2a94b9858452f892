import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import type { RequestListener } from "node:http";
import * as path from "node:path";
import { listenLoopback } from "../loopback.js";
import type { RunningService } from "../types.js";
import { startS3rverChild } from "./child.js";
import { createS3FrontHandler } from "./handler.js";
import { edgeCaseObjects, fileStoreCanHold } from "./edge-keys.js";
import { DemoBucket, DemoObject, hcp1200Bucket, Q1_BUCKET, q1Bucket } from "./layout.js";
import { writeS3rverStore } from "./store.js";

export { Q1_BUCKET, Q1_ROOT, HCP1200_BUCKET, HCP1200_ROOT, Q1_S3_SUBJECTS, HCP1200_SUBJECTS, q1Bucket, hcp1200Bucket } from "./layout.js";
export type { DemoBucket, DemoObject } from "./layout.js";
export { createS3FrontHandler } from "./handler.js";
export { EDGE_KEYS, EDGE_PREFIX, edgeCaseObjects } from "./edge-keys.js";
export type { S3FrontOptions } from "./handler.js";

/** Which bucket layouts the demo serves. */
export type S3DemoLayout = "q1" | "hcp1200" | "both";

/** Options of the demo S3 service. */
export interface S3DemoOptions {
  /** Port of the bucket endpoint on 127.0.0.1 (0 or absent: a free port). */
  port?: number;
  /**
   * `q1`: the 2013 bucket `hcp.aws.amazon.com` with `q1/`; `hcp1200`: today's `hcp-openaccess`
   * with `HCP_1200/`; `both` (default): both buckets.
   */
  layout?: S3DemoLayout;
  /**
   * Answer unsigned requests with 403 AccessDenied, as the real HCP buckets do (default true).
   * Signed requests are always checked against the demo key pair, whatever this says.
   */
  requireCredentials?: boolean;
  /** Wraps the front request handler before it listens (the hook for a fault-injection layer). */
  wrapHandler?: (handler: RequestListener) => RequestListener;
  /**
   * Also serve the edge-case keys under `edge-cases/` in the 2013 bucket (default true): keys
   * with `//`, `.`/`..` segments, control characters, `'` and other characters real buckets
   * hold, outside every listing the tutorial shows. s3rver stores those a file can stand for;
   * the front serves the rest from memory.
   */
  edgeCases?: boolean;
  /** Serve these buckets instead of a layout's (tests and benchmarks that need other contents). */
  buckets?: readonly DemoBucket[];
  /** The key pair to accept; by default a fresh random pair per start. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** What clients need to reach the demo bucket. */
export interface S3DemoInfo {
  /** `http://127.0.0.1:PORT/` (path-style addressing). */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  buckets: string[];
}

const cache = new Map<S3DemoLayout, DemoBucket[]>();

/** The deterministic contents of a layout (generated once per process). */
export function demoBuckets(layout: S3DemoLayout = "both"): DemoBucket[] {
  let buckets = cache.get(layout);
  if (!buckets) {
    buckets = layout === "q1" ? [q1Bucket()] : layout === "hcp1200" ? [hcp1200Bucket()] : [q1Bucket(), hcp1200Bucket()];
    cache.set(layout, buckets);
  }
  return buckets;
}

/**
 * Starts the demo HCP bucket(s) on 127.0.0.1: s3rver 3.7.1 in a child process (with the
 * OpenSSL legacy provider it needs), seeded from a temporary folder that is removed on close,
 * behind a front handler that enforces credentials and answers delimiter listings exactly.
 */
export async function startS3Demo(options: S3DemoOptions = {}): Promise<RunningService<S3DemoInfo>> {
  const keys = {
    accessKeyId: options.accessKeyId ?? `AKIANPDEMO${randomBytes(5).toString("hex").toUpperCase()}`,
    secretAccessKey: options.secretAccessKey ?? randomBytes(30).toString("base64").replace(/[+/]/g, "x"),
  };
  const buckets = options.buckets ?? demoBuckets(options.layout ?? "both");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-s3-"));
  const directory = path.join(scratch, "store");
  const removeStore = () => fs.rmSync(scratch, { recursive: true, force: true });
  let child: Awaited<ReturnType<typeof startS3rverChild>> | undefined;
  try {
    fs.mkdirSync(directory);
    const starting = startS3rverChild({ directory });
    const edge = options.edgeCases !== false && buckets.some((bucket) => bucket.name === Q1_BUCKET) ? edgeCaseObjects() : [];
    writeS3rverStore(directory, buckets.map((bucket) => (bucket.name === Q1_BUCKET ? { ...bucket, objects: [...bucket.objects, ...edge.filter((object) => fileStoreCanHold(object.key))] } : bucket)));
    child = await starting;
    const memory = new Map<string, DemoObject[]>([[Q1_BUCKET, edge.filter((object) => !fileStoreCanHold(object.key))]]);
    const handler = createS3FrontHandler({ upstreamPort: child.port, keys, requireCredentials: options.requireCredentials ?? true, memory });
    const front = await listenLoopback(options.wrapHandler ? options.wrapHandler(handler) : handler, options.port ?? 0);
    const running = child;
    return {
      info: { endpoint: front.url, region: "us-east-1", ...keys, buckets: buckets.map((bucket) => bucket.name) },
      async close() {
        await front.close();
        await running.close();
        removeStore();
      },
    };
  } catch (error) {
    await child?.close();
    removeStore();
    throw error;
  }
}
