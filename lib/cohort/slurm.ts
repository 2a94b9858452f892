import * as path from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { MAX_SHARDS } from "./shards.js";
import type { DownloadPlan } from "./plan-format.js";

/** What a Slurm job-array script for a plan needs. Every path must be absolute: a task may start in any folder on any node. */
export interface SlurmScriptOptions {
  /** The plan file. */
  plan: string;
  /** The plan itself, for the script's header (source, size, digest). */
  about: Pick<DownloadPlan, "bucket" | "root" | "totals"> & { digest: string };
  /** Where the files go (the folder `s3 get --plan` writes `<key>` under). */
  dir: string;
  /** Number of shards, one array task each (`--array=0-<shards-1>`). */
  shards: number;
  /** The command that runs neuroportal, absolute: e.g. `[process.execPath, "/opt/neuroportal/bin/neuroportal.js"]`. */
  command: readonly string[];
  /** Folder of the tasks' logs (`<logs>/<job name>-<array job>_<task>.out`); must exist before submission. */
  logs: string;
  /** Job name (letters, digits, `.`, `_`, `-`; default `neuroportal-plan`). */
  jobName?: string;
  /** More arguments for `s3 get`, e.g. `["--endpoint", URL, "--concurrency", "16"]`; never credentials. */
  getArgs?: readonly string[];
  /** At most this many tasks at once (`--array=0-N%K`). */
  maxParallel?: number;
  /** More `#SBATCH` options, e.g. `["--partition=short", "--time=02:00:00"]`. */
  sbatch?: readonly string[];
}

/** Flags whose values are secrets; refused in `getArgs` and `sbatch` so that they never land in a script. */
const SECRET_FLAG = /secret|password|token|access-key|credential/i;

/**
 * A Slurm job-array script whose task `$SLURM_ARRAY_TASK_ID` runs
 * `neuroportal s3 get --plan PLAN DIR --shard $SLURM_ARRAY_TASK_ID/N`. It is safe to requeue:
 * `--requeue` lets Slurm run a task again, `--open-mode=append` keeps the log of every run, and a
 * rerun skips the files already verified and resumes partial ones. The command is absolute (the
 * Node.js binary and the CLI file) so that a task does not depend on the node's PATH. No
 * credential is written: the task takes AWS keys, a profile or the node's role from the
 * environment sbatch passes on (`--export=ALL`).
 */
export function toSlurmScript(options: SlurmScriptOptions): string {
  const { shards } = options;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new InvalidArgumentError(`--shards takes a whole number from 1 to ${MAX_SHARDS}, not ${shards}`);
  for (const [name, value] of [["plan", options.plan], ["dir", options.dir], ["logs", options.logs], ["command", options.command[0]]] as const) {
    if (typeof value !== "string" || !path.isAbsolute(value)) throw new InvalidArgumentError(`the job script needs an absolute ${name} path, not ${JSON.stringify(value)}`, "resolve it with path.resolve before writing the script");
  }
  if (/[\s%]/.test(options.logs)) throw new InvalidArgumentError(`the log folder ${JSON.stringify(options.logs)} holds a space or %`, "#SBATCH --output cannot quote it; choose a folder without spaces or %");
  const jobName = options.jobName ?? "neuroportal-plan";
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(jobName)) throw new InvalidArgumentError(`job name ${JSON.stringify(jobName)} must be 1-64 letters, digits, ".", "_" or "-"`);
  const maxParallel = options.maxParallel;
  if (maxParallel !== undefined && (!Number.isInteger(maxParallel) || maxParallel < 1)) throw new InvalidArgumentError(`--max-parallel takes a whole number of at least 1, not ${maxParallel}`);
  const extra = [...(options.sbatch ?? [])];
  for (const arg of [...extra, ...(options.getArgs ?? []), ...options.command]) {
    if (/[\n\r\0]/.test(arg)) throw new InvalidArgumentError(`${JSON.stringify(arg)} holds a line break`, "job script options are single lines");
  }
  const secret = [...extra, ...(options.getArgs ?? [])].find((arg) => SECRET_FLAG.test(arg.split("=")[0]));
  if (secret) throw new InvalidArgumentError(`refusing to write ${JSON.stringify(secret.split("=")[0])} into a job script`, "credentials reach the tasks through the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE), never through the script");
  for (const arg of extra) if (!/^--[a-z][a-z-]*(=.*)?$/.test(arg)) throw new InvalidArgumentError(`${JSON.stringify(arg)} is not an sbatch option`, "write it as --name=value, e.g. --partition=short");

  const { bucket, root, totals, digest } = options.about;
  const get = [...options.command, "s3", "get", "--plan", options.plan, options.dir].map(quote).join(" ");
  const more = (options.getArgs ?? []).map(quote).join(" ");
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${jobName}`,
    `#SBATCH --array=0-${shards - 1}${maxParallel ? `%${maxParallel}` : ""}`,
    `#SBATCH --output=${options.logs}/%x-%A_%a.out`,
    "#SBATCH --open-mode=append",
    "#SBATCH --requeue",
    "#SBATCH --export=ALL",
    ...extra.map((arg) => `#SBATCH ${arg}`),
    "#",
    "# Written by `neuroportal s3 slurm`. Task I of this job array downloads shard I of the plan",
    `#   s3://${bucket}/${root}: ${totals.files} files, ${totals.bytes} bytes, ${totals.subjects} subjects in ${shards} shards`,
    `#   ${options.plan} (${digest})`,
    "# into the folder below, each file verified against the plan's MD5. Submit it with `sbatch` (the",
    "# log folder already exists). A task that is killed, requeued or run twice ends with the same files:",
    "# verified files are skipped and partial ones resumed. No credential is written here: the tasks take",
    "# AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the node's role from the environment.",
    "set -euo pipefail",
    `shard="\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}"`,
    `echo "neuroportal: shard \${shard}/${shards}, job \${SLURM_ARRAY_JOB_ID:-?}_\${shard}, run $(( \${SLURM_RESTART_COUNT:-0} + 1 )), on $(hostname), $(date -u +%FT%TZ)"`,
    `exec ${get} --shard "\${shard}/${shards}"${more ? ` ${more}` : ""}`,
    "",
  ].join("\n");
}

/** One shell word, single-quoted where needed. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
