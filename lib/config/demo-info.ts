/**
 * The services of a running demo: what `neuroportal demo` prints as one JSON line, what
 * `NEUROPORTAL_DEMO` holds and what {@link services} reads. A stable interface for scripts and
 * notebooks; the demo package (`@neuroportal/demo`) fills it in. Every URL ends in `/`.
 */
export interface DemoInfo {
  allen?: { url: string };
  xnat?: { url: string; user: string; password: string };
  s3?: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; buckets: string[] };
}
