import { InvalidArgumentError } from "../errors.js";
import { compareKeys } from "../s3/entries.js";
import type { DownloadPlan, PlannedFile } from "./plan-format.js";
import { checkArgument, type Rule } from "../core/validate.js";

const planFiles: Rule = { describe: "a plan (with its list of files)", test: (v) => typeof v === "object" && v !== null && Array.isArray((v as { files?: unknown }).files) };

/** Shard `index` (0-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards a plan is split into (AWS Batch's array limit). */
export const MAX_SHARDS = 10_000;

/** Parses `I/N` (e.g. `3/16`): shard I of N, 0-based, 0 ≤ I < N ≤ 10000. */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(String(text).trim());
  if (!match) throw new InvalidArgumentError(`--shard takes I/N (shard I of N, counted from 0), not ${JSON.stringify(text)}`, "e.g. --shard 0/4 ... --shard 3/4, or --shard \"$SLURM_ARRAY_TASK_ID/4\"");
  return checkShard({ index: Number(match[1]), count: Number(match[2]) });
}

/** A shard spec, checked: whole numbers, 0 ≤ index < count ≤ {@link MAX_SHARDS}. */
export function checkShard(shard: ShardSpec): ShardSpec {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new InvalidArgumentError(`the shard count must be a whole number from 1 to ${MAX_SHARDS}, not ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidArgumentError(`shard ${index} does not exist in ${count} shards: shards are counted from 0 to ${count - 1}`, `e.g. ${Math.min(Math.max(0, Math.trunc(index) || 0), count - 1)}/${count}`);
  return { index, count };
}

/**
 * The shard of every planned subject, for `count` shards. The rule depends only on the plan's
 * content, never on the order subjects were given in: subjects are taken largest first (by
 * planned bytes, ties by label in byte order), and each goes to the shard with the fewest bytes
 * so far (ties: the lowest shard number). Shards thus carry about the same bytes, a subject's
 * files always stay together, and every node that reads the same plan computes the same split.
 */
export function assignShards(plan: Pick<DownloadPlan, "files">, count: number): Map<string, number> {
  checkArgument(plan, planFiles, "plan", "assignShards()");
  checkShard({ index: 0, count });
  const bytes = new Map<string, number>();
  for (const file of plan.files) bytes.set(file.subject, (bytes.get(file.subject) ?? 0) + file.size);
  const order = [...bytes.entries()].sort(([a, x], [b, y]) => y - x || compareKeys(a, b));
  const load = new Array<number>(count).fill(0);
  const shards = new Map<string, number>();
  for (const [subject, size] of order) {
    let lightest = 0;
    for (let i = 1; i < count; i++) if (load[i] < load[lightest]) lightest = i;
    load[lightest] += size;
    shards.set(subject, lightest);
  }
  return shards;
}

/** The files of shard `index` of `count`, in key order (all files when no shard is given). */
export function shardFiles(plan: Pick<DownloadPlan, "files">, shard?: ShardSpec): PlannedFile[] {
  checkArgument(plan, planFiles, "plan", "shardFiles()");
  if (!shard) return [...plan.files];
  const { index, count } = checkShard(shard);
  const shards = assignShards(plan, count);
  return plan.files.filter((file) => shards.get(file.subject) === index);
}
