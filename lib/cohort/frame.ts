import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/index.js";
import { describeMissing, type DownloadPlan } from "./plan-format.js";
import { assignShards } from "./shards.js";
import { checkPlan } from "./option-rules.js";

/** Plan columns: subject, key, size, md5, and `shard` when a shard count is given. */
export const PLAN_COLUMNS = ["subject", "key", "size", "md5"] as const;

/** The plan's files as a DataFrame, one row per file in key order; with `shards`, a column saying which of that many shards fetches it. */
export function toPlanFrame(plan: DownloadPlan, options: { shards?: number } = {}): DataFrame {
  checkPlan(plan, "toPlanFrame()");
  const shards = options.shards === undefined ? undefined : assignShards(plan, options.shards);
  const rows = plan.files.map((file) => ({ ...file, shard: shards?.get(file.subject) }));
  return fromRecords(rows, shards ? [...PLAN_COLUMNS, "shard"] : PLAN_COLUMNS, { size: "integer", shard: "integer" });
}

/** The subjects the plan has no file for: subject, reason (`no-prefix`, `no-manifest`, `no-match`) and the reason in words. */
export function toMissingFrame(plan: DownloadPlan): DataFrame {
  checkPlan(plan, "toMissingFrame()");
  return fromRecords(
    plan.missing.map((m) => ({ subject: m.subject, reason: m.reason, detail: describeMissing(plan, m) })),
    ["subject", "reason", "detail"],
  );
}
