import { startS3Demo, type S3DemoInfo } from "../../demo/src/s3/index.js";
import { registerSecret } from "../../lib/core/redact.js";
import type { BenchContext } from "./context.js";
import { cohortBucket, type CohortBucketSpec } from "./cohort-bucket.js";

/** The benchmark bucket's name. */
export const COHORT_BUCKET = "neuroportal-cohort";

/** The cohort benchmarks' bucket for a run: how many subjects it holds, how many with data, and the endpoint. */
export interface CohortServer {
  spec: CohortBucketSpec;
  info: S3DemoInfo;
  /** Seconds it took to build the objects and start the server. */
  startSeconds: number;
}

const running = new WeakMap<BenchContext, Promise<CohortServer>>();

/**
 * One bucket for both cohort benchmarks of a run (started on first use, stopped with the run):
 * a second instance of the demo S3 service (s3rver behind the demo's signature-checking front)
 * serving {@link cohortBucket}: 1,000 subjects' manifests and 40 subjects' MOTOR files (quick
 * mode: 32 and 4).
 */
export function cohortServer(context: BenchContext): Promise<CohortServer> {
  let started = running.get(context);
  if (!started) {
    const spec: CohortBucketSpec = { name: COHORT_BUCKET, subjects: context.quick ? 32 : 1000, withData: context.quick ? 4 : 40 };
    const begun = Date.now();
    started = startS3Demo({ buckets: [cohortBucket(spec)] }).then((service) => {
      registerSecret(service.info.accessKeyId);
      registerSecret(service.info.secretAccessKey);
      context.onClose(() => service.close());
      return { spec, info: service.info, startSeconds: (Date.now() - begun) / 1000 };
    });
    running.set(context, started);
  }
  return started;
}
