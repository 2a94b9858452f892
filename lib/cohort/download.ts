import { InvalidArgumentError } from "../errors.js";
import type { Bucket } from "../s3/bucket.js";
import type { DownloadOptions, DownloadSummary } from "../s3/download.js";
import type { DownloadPlan, PlannedFile } from "./plan-format.js";
import { shardFiles, type ShardSpec } from "./shards.js";
import { checkArgument, checkOptions } from "../core/validate.js";
import { bucketRule, checkPlan, PLAN_DOWNLOAD_OPTION_RULES } from "./option-rules.js";

/** Options of {@link downloadPlan}: those of `bucket.download`, plus the shard to fetch. */
export interface PlanDownloadOptions extends DownloadOptions {
  /** Fetch only shard `index` of `count` (see `assignShards`); default the whole plan. */
  shard?: ShardSpec;
}

/** What {@link downloadPlan} did: the download summary, and which files and subjects were asked for. */
export interface PlanDownloadSummary extends DownloadSummary {
  /** The files of the shard (or of the plan), in key order. */
  planned: PlannedFile[];
  /** Subjects of the shard, sorted. */
  subjects: string[];
}

/**
 * Downloads a plan's files (or one shard's) to `<dir>/<key>`, each verified against the plan's
 * size and MD5, with bounded concurrency, resume of partial copies and skip of verified ones. The
 * shards of a plan never share a file, so running them all, in any order, in parallel or again,
 * leaves exactly the plan's files.
 */
export async function downloadPlan(bucket: Bucket, plan: DownloadPlan, dir: string, options: PlanDownloadOptions = {}): Promise<PlanDownloadSummary> {
  checkArgument(bucket, bucketRule, "bucket", "downloadPlan()");
  checkPlan(plan, "downloadPlan()");
  checkOptions(options, "downloadPlan()", PLAN_DOWNLOAD_OPTION_RULES);
  if (bucket.name !== plan.bucket) throw new InvalidArgumentError(`the plan is for bucket ${plan.bucket}, not ${bucket.name}`, `open the plan's bucket: s3.bucket(${JSON.stringify(plan.bucket)}, ...)`);
  const { shard, ...download } = options;
  const planned = shardFiles(plan, shard);
  const summary = await bucket.downloadKnown(planned, dir, download);
  return { ...summary, planned, subjects: [...new Set(planned.map((file) => file.subject))] };
}
