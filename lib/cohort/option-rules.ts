import { abortSignal, callback, checkArgument, integer, record, text, textList, type Rule } from "../core/validate.js";
import { DOWNLOAD_OPTION_RULES } from "../s3/option-rules.js";

/** A download plan (from `makePlan` or `fromPlanJson`): bucket and root, and lists of files and missing subjects. */
export const planRule: Rule = {
  describe: "a download plan (from makePlan or fromPlanJson)",
  test: (v) => typeof v === "object" && v !== null && Array.isArray((v as { files?: unknown }).files) && Array.isArray((v as { missing?: unknown }).missing) && typeof (v as { bucket?: unknown }).bucket === "string",
};

/** A bucket handle (from `s3.bucket`). */
export const bucketRule: Rule = { describe: "a bucket (from s3.bucket)", test: (v) => typeof v === "object" && v !== null && typeof (v as { iterate?: unknown }).iterate === "function" };

/** The rules for `PlanOptions` (`makePlan`). */
export const PLAN_OPTION_RULES = {
  root: text(),
  include: textList,
  packages: textList,
  concurrency: integer(1, 256),
  signal: abortSignal,
  onProgress: callback,
} as const;

/** The rules for `PlanDownloadOptions` (`downloadPlan`): those of `bucket.download`, plus the shard. */
export const PLAN_DOWNLOAD_OPTION_RULES = { ...DOWNLOAD_OPTION_RULES, shard: record } as const;

/** Checks a plan argument at a public entry. */
export function checkPlan(plan: unknown, where: string): void {
  checkArgument(plan, planRule, "plan", where);
}

