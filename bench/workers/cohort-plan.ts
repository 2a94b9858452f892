import { cohort, s3 } from "neuroportal";
import { preloadS3Sdk, report, runWorkerMain, task, timed } from "./worker-lib.js";

interface Task {
  endpoint: string;
  region: string;
  bucket: string;
  root: string;
  subjects: string[];
  include: string[];
  packages?: string[];
}

runWorkerMain(async () => {
  preloadS3Sdk();
  const t = task<Task>();
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "" };
  const { value: plan, seconds } = await timed(async () => {
    const bucket = s3.bucket(t.bucket, { endpoint: t.endpoint, region: t.region, credentials });
    try {
      return await cohort.makePlan(bucket, { root: t.root, subjects: t.subjects, include: t.include, packages: t.packages });
    } finally {
      bucket.close();
    }
  });
  report(seconds, { subjects: plan.subjects.length, planned: plan.totals.subjects, files: plan.totals.files, bytes: plan.totals.bytes, missing: plan.missing.length, digest: cohort.planDigest(plan) });
});
