import type { DemoInfo } from "neuroportal";

/** What `neuroportal demo` prints as one JSON line; the library defines it, the demo fills it in. */
export type { DemoInfo };

/** A started demo service: what it tells clients, and how to stop it. */
export interface RunningService<Info> {
  info: Info;
  close(): Promise<void>;
}

export type DemoServiceName = "allen" | "xnat" | "s3";
