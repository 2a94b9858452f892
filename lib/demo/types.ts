/** What `neuroportal demo` prints as one JSON line; a stable interface for scripts and notebooks. */
export interface DemoInfo {
  allen?: { url: string };
  xnat?: { url: string; user: string; password: string };
  s3?: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; buckets: string[] };
}

/** A started demo service: what it tells clients, and how to stop it. */
export interface RunningService<Info> {
  info: Info;
  close(): Promise<void>;
}

export type DemoServiceName = "allen" | "xnat" | "s3";
