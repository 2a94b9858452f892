/**
 * @neuroportal/demo: the embedded demo services that stand in for the portals on 127.0.0.1, an
 * Allen-API-compatible server, an XNAT-compatible ConnectomeDB and an S3 bucket (s3rver), with
 * seeded fault injection. The `neuroportal` library loads this package by name at run time
 * (`services()`, `neuroportal demo`, `npm start`); it never imports it.
 */
import type { RequestListener } from "node:http";
import { startAllenDemo, AllenDemoOptions } from "./allen/index.js";
import { startXnatDemo, XnatDemo, XnatDemoOptions } from "./xnat/index.js";
import { startS3Demo, S3DemoInfo, S3DemoOptions } from "./s3/index.js";
import { withFaults, FaultSpec, FaultStats, FaultyListener, S3_OBJECT_GET, XNAT_FILE_GET } from "./faults/index.js";
import type { DemoInfo, DemoServiceName, RunningService } from "./types.js";

export type { DemoInfo, DemoServiceName, RunningService } from "./types.js";
export type { AllenDemoOptions, XnatDemoOptions, S3DemoOptions, XnatDemo, S3DemoInfo, FaultSpec, FaultStats };

/** Options for {@link startDemo}; each service takes its own port and settings. */
export interface DemoOptions {
  /** Which services to start (default: all three). */
  services?: readonly DemoServiceName[];
  allen?: AllenDemoOptions;
  xnat?: XnatDemoOptions;
  s3?: S3DemoOptions;
  /**
   * Seeded fault injection applied in front of every started service (each counts its own).
   * Corruption is limited to what carries a checksum: S3 objects, Allen zip downloads and the
   * ConnectomeDB's files (listed with an MD5); its JSON and XML have none, so a flipped byte
   * there would be silently wrong data.
   */
  faults?: FaultSpec;
}

/** The running demo: its JSON-able description, the services' own controls, one call to stop all. */
export interface Demo extends RunningService<DemoInfo> {
  allen?: RunningService<{ url: string }>;
  /** The ConnectomeDB with its controls (request counts, expiring sessions). */
  xnat?: XnatDemo;
  s3?: RunningService<S3DemoInfo>;
  /** What the fault layer injected so far, per service (empty without `faults`). */
  faultStats(): Partial<Record<DemoServiceName, FaultStats>>;
}

const ALL: readonly DemoServiceName[] = ["allen", "xnat", "s3"];

/**
 * Starts the embedded demo services on 127.0.0.1: an Allen-API-compatible server, an
 * XNAT-compatible ConnectomeDB and an S3 bucket (s3rver). If one fails to start, the ones
 * already started are stopped before the error is raised.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const wanted = options.services ?? ALL;
  const started: RunningService<unknown>[] = [];
  const faulty: Partial<Record<DemoServiceName, FaultyListener>> = {};
  const demo: Demo = {
    info: {},
    close: async () => {
      await Promise.allSettled(started.splice(0).reverse().map((service) => service.close()));
    },
    faultStats: () => Object.fromEntries(Object.entries(faulty).map(([name, listener]) => [name, listener!.stats()])),
  };
  const wrapFor = (name: DemoServiceName, own?: (handler: RequestListener) => RequestListener) => {
    if (!options.faults) return own;
    const spec = faultsFor(name, options.faults);
    return (handler: RequestListener) => {
      const listener = withFaults(own ? own(handler) : handler, spec);
      faulty[name] = listener;
      return listener;
    };
  };
  try {
    if (wanted.includes("allen")) {
      demo.allen = await startAllenDemo({ ...options.allen, wrapHandler: wrapFor("allen", options.allen?.wrapHandler) });
      started.push(demo.allen);
      demo.info.allen = demo.allen.info;
    }
    if (wanted.includes("xnat")) {
      demo.xnat = await startXnatDemo({ ...options.xnat, wrapHandler: wrapFor("xnat", options.xnat?.wrapHandler) });
      started.push(demo.xnat);
      demo.info.xnat = demo.xnat.info;
    }
    if (wanted.includes("s3")) {
      demo.s3 = await startS3Demo({ ...options.s3, wrapHandler: wrapFor("s3", options.s3?.wrapHandler) });
      started.push(demo.s3);
      demo.info.s3 = demo.s3.info;
    }
  } catch (error) {
    await demo.close();
    throw error;
  }
  return demo;
}

/** The fault settings one service gets: corruption only where the client can detect it. */
function faultsFor(name: DemoServiceName, spec: FaultSpec): FaultSpec {
  if (spec.corruptPaths !== undefined) return spec;
  return { ...spec, corruptPaths: name === "s3" ? S3_OBJECT_GET : name === "xnat" ? XNAT_FILE_GET : ALLEN_DOWNLOADS };
}

const ALLEN_DOWNLOADS = /\/(grid_data\/download|well_known_file_download)\//;

export { startAllenDemo, startXnatDemo, startS3Demo, withFaults };
export { FAULT_FLAGS, FAULT_FLAGS_USAGE, parseFaultFlags, formatFaultStats } from "./faults/index.js";
export type { FaultFlagValues } from "./faults/index.js";
export { DemoArgumentError, isDemoArgumentError } from "./errors.js";
export { listenLoopback } from "./loopback.js";
export type { LoopbackServer } from "./loopback.js";
