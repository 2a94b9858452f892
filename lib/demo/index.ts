import { startAllenDemo, AllenDemoOptions } from "./allen/index.js";
import { startXnatDemo, XnatDemoOptions } from "./xnat/index.js";
import { startS3Demo, S3DemoOptions } from "./s3/index.js";
import type { DemoInfo, DemoServiceName, RunningService } from "./types.js";

export type { DemoInfo, DemoServiceName, RunningService } from "./types.js";
export type { AllenDemoOptions, XnatDemoOptions, S3DemoOptions };

/** Options for {@link startDemo}; each service takes its own port and fault settings. */
export interface DemoOptions {
  /** Which services to start (default: all three). */
  services?: readonly DemoServiceName[];
  allen?: AllenDemoOptions;
  xnat?: XnatDemoOptions;
  s3?: S3DemoOptions;
}

/** The running demo: the JSON-able description and one call to stop everything. */
export interface Demo extends RunningService<DemoInfo> {}

const ALL: readonly DemoServiceName[] = ["allen", "xnat", "s3"];

/**
 * Starts the embedded demo services on 127.0.0.1: an Allen-API-compatible server, an
 * XNAT-compatible ConnectomeDB and an S3 bucket (s3rver). If one fails to start, the ones
 * already started are stopped before the error is raised.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const wanted = options.services ?? ALL;
  const started: RunningService<unknown>[] = [];
  const info: DemoInfo = {};
  const close = async () => {
    await Promise.allSettled(started.splice(0).reverse().map((service) => service.close()));
  };
  try {
    if (wanted.includes("allen")) {
      const allen = await startAllenDemo(options.allen);
      started.push(allen);
      info.allen = allen.info;
    }
    if (wanted.includes("xnat")) {
      const xnat = await startXnatDemo(options.xnat);
      started.push(xnat);
      info.xnat = xnat.info;
    }
    if (wanted.includes("s3")) {
      const s3 = await startS3Demo(options.s3);
      started.push(s3);
      info.s3 = s3.info;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { info, close };
}

export { startAllenDemo, startXnatDemo, startS3Demo };
export { listenLoopback } from "./loopback.js";
export type { LoopbackServer } from "./loopback.js";
