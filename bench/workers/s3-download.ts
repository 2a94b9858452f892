import { s3 } from "neuroportal";
import { preloadS3Sdk, report, runWorkerMain, task, timed, type S3DownloadTask } from "./worker-lib.js";

type Task = S3DownloadTask;

runWorkerMain(async () => {
  preloadS3Sdk();
  const t = task<Task>();
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "" };
  const { value: summary, seconds } = await timed(async () => {
    const bucket = s3.bucket(t.bucket, { endpoint: t.endpoint, region: t.region, credentials });
    try {
      return await bucket.download(t.prefix, t.dest, { verify: true, concurrency: t.concurrency });
    } finally {
      bucket.close();
    }
  });
  const verifiedBy: Record<string, number> = {};
  for (const file of summary.files) if (file.verifiedBy) verifiedBy[file.verifiedBy] = (verifiedBy[file.verifiedBy] ?? 0) + 1;
  report(seconds, { files: summary.downloaded, failed: summary.failed, bytes: summary.bytes, verifiedBy, failures: summary.failures.slice(0, 3).map((f) => `${f.key}: ${f.error.message}`) });
});
