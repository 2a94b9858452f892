import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { writeFileAtomically } from "../files/local-write.js";
import { redact } from "../core/redact.js";
import { describeMissing, downloadPlan, fromPlanJson, isPlanFormatError, makePlan, parseShard, planDigest, toPlanJson, toSlurmScript, type DownloadPlan } from "../cohort/index.js";
import { parseS3Location } from "../s3/options.js";
import type { CliIO } from "./command.js";
import { parseFlags, parseWholeNumber } from "./command.js";
import { megabytes, progressBar } from "./progress-bar.js";
import { connectionFlags, connectionUsage, defaultBucket, openBucket, type ConnectionValues } from "./s3-connection.js";

const serverFlags = "[--endpoint URL] [--region R] [--anonymous] [--profile P]";
export const planUsage = `neuroportal s3 plan <s3://bucket/root/> --subjects <100307,103515 | @FILE> --include GLOB [--include GLOB ...] [--package GLOB ...] --out <plan.json | -> [--concurrency N (default 16)] ${connectionUsage}`;
export const getPlanUsage = `neuroportal s3 get --plan plan.json <dir> [--shard I/N] [--concurrency N (default 8)] ${serverFlags}`;
export const slurmUsage =
  "neuroportal s3 slurm --plan plan.json --shards N --out job.sbatch [--dir DIR (default ./data)] [--logs DIR (default logs/ beside the script)] [--job-name NAME] [--max-parallel K] [--concurrency N] " +
  `[--partition P] [--time T] [--account A] [--cpus-per-task C] [--mem M] [--sbatch=--option=value ...] [--neuroportal PATH] ${serverFlags}`;

/** `s3 plan`: a cohort's files from the manifests, as a plan file; subjects without data go to stderr and into the plan. */
export async function plan(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...connectionFlags,
      subjects: { type: "string" },
      include: { type: "string", multiple: true },
      package: { type: "string", multiple: true },
      out: { type: "string" },
      concurrency: { type: "string", default: "16" },
    },
    planUsage,
    true,
  );
  if (positionals.length !== 1) throw new InvalidArgumentError("s3 plan takes one location: the release root, e.g. s3://hcp-openaccess/HCP_1200/", `usage: ${planUsage}`);
  if (!values.subjects) throw new InvalidArgumentError("s3 plan needs --subjects", "give labels (--subjects 100307,103515) or a file of labels (--subjects @cohort.txt)");
  if (!values.include?.length) throw new InvalidArgumentError("s3 plan needs at least one --include pattern", "e.g. --include 'MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt'");
  if (!values.out) throw new InvalidArgumentError("s3 plan needs --out", "name the plan file, e.g. --out plan.json (- for standard output)");
  const concurrency = parseWholeNumber(values.concurrency, "--concurrency", 1, 256);
  const subjects = subjectList(values.subjects);
  const { bucket: name, prefix: root } = parseS3Location(positionals[0], defaultBucket(values));
  const bucket = openBucket(name, values);
  let made: DownloadPlan;
  try {
    made = await makePlan(bucket, { root, subjects, include: values.include, packages: values.package, concurrency });
  } finally {
    bucket.close();
  }
  const text = toPlanJson(made);
  if (values.out === "-") io.stdout.write(text);
  else writeFileAtomically(values.out, text);
  const report = values.out === "-" ? io.stderr : io.stdout;
  const { totals } = made;
  report.write(
    `${values.out === "-" ? "plan" : values.out}: ${totals.subjects} of ${made.subjects.length} subjects, ${totals.files} files, ${totals.bytes} bytes (${megabytes(totals.bytes)} MB) from s3://${made.bucket}/${made.root} (${planDigest(made)})\n`,
  );
  if (made.missing.length > 0) {
    io.stderr.write(`neuroportal s3 plan: ${made.missing.length} of ${made.subjects.length} subjects have no file in the plan:\n`);
    for (const missing of made.missing) io.stderr.write(`  ${missing.subject}: ${describeMissing(made, missing)}\n`);
  }
  if (totals.files === 0) {
    io.stderr.write("neuroportal s3 plan: the plan holds no file; check the root, the subjects and the --include patterns\n");
    return 1;
  }
  return 0;
}

/** `s3 get --plan`: one shard of a plan (or all of it), verified against the plan's MD5s. */
export async function getPlan(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...connectionFlags, plan: { type: "string" }, shard: { type: "string" }, concurrency: { type: "string", default: "8" } },
    getPlanUsage,
    true,
  );
  if (positionals.length !== 1) throw new InvalidArgumentError("s3 get --plan takes one target folder", `usage: ${getPlanUsage}`);
  if (values.bucket) throw new InvalidArgumentError("s3 get --plan takes the bucket from the plan", "drop --bucket");
  const concurrency = parseWholeNumber(values.concurrency, "--concurrency", 1, 256);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const loaded = readPlan(values.plan!);
  const label = shard ? `shard ${shard.index}/${shard.count}` : "plan";
  const bucket = openBucket(loaded.bucket, values);
  const bar = progressBar(io, `${path.basename(values.plan!)} ${label}`);
  let summary: Awaited<ReturnType<typeof downloadPlan>>;
  try {
    summary = await downloadPlan(bucket, loaded, positionals[0], { shard, concurrency, onProgress: bar.update });
  } finally {
    bar.finish();
    bucket.close();
  }
  if (summary.planned.length === 0) {
    io.stdout.write(`${label}: no subject falls in this shard (the plan has ${loaded.totals.subjects} subjects with files); nothing to do\n`);
    return 0;
  }
  io.stdout.write(
    `${label}: ${summary.subjects.length} subjects, ${summary.planned.length} files: ${summary.downloaded} downloaded, ${summary.resumed} resumed, ${summary.skipped} skipped (already verified), ${summary.failed} failed; ${summary.bytes} bytes received\n`,
  );
  for (const failure of summary.failures) io.stderr.write(`neuroportal s3 get: ${failure.key}: ${redact(failure.error.message)}\n`);
  if (!summary.ok) io.stderr.write("neuroportal s3 get: some files failed; run the same command again to resume them\n");
  return summary.ok ? 0 : 1;
}

/** `s3 slurm`: a job-array script running every shard of a plan; creates its log folder, writes no credential. */
export async function slurm(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...connectionFlags,
      plan: { type: "string" },
      shards: { type: "string" },
      out: { type: "string" },
      dir: { type: "string", default: "data" },
      logs: { type: "string" },
      "job-name": { type: "string" },
      "max-parallel": { type: "string" },
      concurrency: { type: "string" },
      partition: { type: "string" },
      time: { type: "string" },
      account: { type: "string" },
      "cpus-per-task": { type: "string" },
      mem: { type: "string" },
      sbatch: { type: "string", multiple: true },
      neuroportal: { type: "string" },
    },
    slurmUsage,
    true,
  );
  if (positionals.length > 0) throw new InvalidArgumentError(`s3 slurm takes no positional argument (${JSON.stringify(positionals[0])})`, `usage: ${slurmUsage}`);
  if (!values.plan) throw new InvalidArgumentError("s3 slurm needs --plan", `usage: ${slurmUsage}`);
  if (!values.shards) throw new InvalidArgumentError("s3 slurm needs --shards N", "one array task per shard, e.g. --shards 16");
  if (!values.out) throw new InvalidArgumentError("s3 slurm needs --out", "name the job script, e.g. --out job.sbatch");
  if (values.bucket) throw new InvalidArgumentError("s3 slurm takes the bucket from the plan", "drop --bucket");
  const shards = parseWholeNumber(values.shards, "--shards", 1, 10_000);
  const planFile = path.resolve(values.plan);
  const loaded = readPlan(planFile);
  const script = path.resolve(values.out);
  const dir = path.resolve(values.dir);
  const logs = path.resolve(values.logs ?? path.join(path.dirname(script), "logs"));
  const cli = path.resolve(values.neuroportal ?? defaultCli());
  if (!values.neuroportal && !fs.existsSync(cli)) throw new InvalidArgumentError(`the neuroportal command was not found at ${cli}`, "pass --neuroportal /path/to/bin/neuroportal.js as the nodes see it");
  const getArgs = [
    ...(values.concurrency !== undefined ? ["--concurrency", String(parseWholeNumber(values.concurrency, "--concurrency", 1, 256))] : []),
    ...serverArgs(values),
  ];
  const sbatch = [
    ...(["partition", "time", "account", "cpus-per-task", "mem"] as const).flatMap((name) => (values[name] === undefined ? [] : [`--${name}=${values[name]}`])),
    ...(values.sbatch ?? []),
  ];
  const text = toSlurmScript({
    plan: planFile,
    about: { bucket: loaded.bucket, root: loaded.root, totals: loaded.totals, digest: planDigest(loaded) },
    dir,
    shards,
    command: [process.execPath, cli],
    logs,
    jobName: values["job-name"],
    getArgs,
    maxParallel: values["max-parallel"] === undefined ? undefined : parseWholeNumber(values["max-parallel"], "--max-parallel", 1, 10_000),
    sbatch,
  });
  fs.mkdirSync(logs, { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomically(script, text, 0o755);
  io.stdout.write(
    `${values.out}: ${shards} array tasks (shards 0-${shards - 1}) of ${values.plan} (${loaded.totals.subjects} subjects, ${loaded.totals.files} files, ${megabytes(loaded.totals.bytes)} MB) into ${dir}; logs in ${logs}\n` +
      `submit with: sbatch ${values.out}\n`,
  );
  if (shards > loaded.totals.subjects) io.stderr.write(`neuroportal s3 slurm: ${shards} shards for ${loaded.totals.subjects} subjects: ${shards - loaded.totals.subjects} tasks will have nothing to do\n`);
  return 0;
}

/** The plan in a file, checked (format, version, digest). */
function readPlan(file: string): DownloadPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the plan ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, "make one with `neuroportal s3 plan ... --out plan.json`");
  }
  try {
    return fromPlanJson(text, file);
  } catch (error) {
    // A plan that cannot be read will not read better on a retry: a usage error (exit 2), which job schedulers are told not to retry.
    if (isPlanFormatError(error)) throw new InvalidArgumentError(error.message.replace(/ — .*$/, ""), error.hint);
    throw error;
  }
}

/** Subject labels from `--subjects`: a list (`100307,103515`) or `@FILE` (labels separated by commas, spaces or lines; `#` starts a comment). */
export function subjectList(value: string): string {
  if (!value.startsWith("@")) return value;
  const file = value.slice(1);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the subject file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, "give one label per line, or labels separated by commas");
  }
  return text.replace(/#.*$/gm, " ");
}

/** The connection flags that `s3 get` on a node needs again; never keys. */
function serverArgs(values: ConnectionValues): string[] {
  return [
    ...(values.endpoint ? ["--endpoint", values.endpoint] : []),
    ...(values.region ? ["--region", values.region] : []),
    ...(values.profile ? ["--profile", values.profile] : []),
    ...(values.anonymous ? ["--anonymous"] : []),
  ];
}

/** This package's command-line entry (`bin/neuroportal.js`), absolute. */
function defaultCli(): string {
  return path.resolve(__dirname, "..", "..", "bin", "neuroportal.js");
}
