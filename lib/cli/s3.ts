import { InvalidArgumentError } from "../errors.js";
import { redact } from "../core/redact.js";
import * as s3 from "../s3/index.js";
import { parseS3Location } from "../s3/options.js";
import type { CliIO, Command } from "./command.js";
import { parseFlags, parseWholeNumber } from "./command.js";
import { progressBar } from "./progress-bar.js";
import { connectionFlags, connectionUsage, defaultBucket, openBucket, type ConnectionValues } from "./s3-connection.js";
import { getPlan, getPlanUsage, plan, planUsage, slurm, slurmUsage } from "./s3-plan.js";

export { connectionFrom } from "./s3-connection.js";

const common = connectionUsage;
const lsUsage = `neuroportal s3 ls <s3://bucket/prefix | prefix> [--delimiter D (default /)] [--recursive] [--json] ${common}`;
const getUsage = `neuroportal s3 get <s3://bucket/prefix | prefix | key> <dir> [--concurrency N (default 8)] [--no-verify] ${common}`;
const usage = [lsUsage, getUsage, planUsage, getPlanUsage, slurmUsage].join("\n       ");

/**
 * `neuroportal s3`: list a prefix (`ls`, like boto's `bucket.list(prefix, "/")`) or download one
 * with verification, resume and a progress bar (`get`). The endpoint and keys come from flags,
 * then NEUROPORTAL_S3_ENDPOINT and the AWS_* variables, then a running `neuroportal demo`, else
 * AWS itself with the standard credential chain.
 */
export const s3Command: Command = {
  name: "s3",
  summary: "list or download HCP data on S3 (ls, get) with MD5 verification and resume; plan a cohort's files and run the plan in shards (plan, get --plan, slurm)",
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "ls") return list(rest, io);
    if (sub === "get") return rest.some((arg) => arg === "--plan" || arg.startsWith("--plan=")) ? getPlan(rest, io) : get(rest, io);
    if (sub === "plan") return plan(rest, io);
    if (sub === "slurm") return slurm(rest, io);
    throw new InvalidArgumentError(sub ? `unknown s3 subcommand ${JSON.stringify(sub)}` : "missing the s3 subcommand", `usage: ${usage}`);
  },
};

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...connectionFlags, delimiter: { type: "string", default: "/" }, recursive: { type: "boolean" }, json: { type: "boolean" } }, lsUsage, true);
  if (positionals.length !== 1) throw new InvalidArgumentError("s3 ls takes one location", `usage: ${lsUsage}`);
  const { bucket, prefix } = target(positionals[0], values);
  const delimiter = values.recursive ? undefined : values.delimiter || undefined;
  try {
    const entries: s3.S3Entry[] = [];
    for await (const entry of bucket.iterate(prefix, { delimiter })) {
      if (values.json) entries.push(entry);
      else io.stdout.write(`${lsLine(entry)}\n`);
    }
    if (values.json) io.stdout.write(`${JSON.stringify(entries.map((e) => ({ key: e.key, size: e.isPrefix ? null : e.size, lastModified: e.lastModified?.toISOString() ?? null, etag: e.etag ?? null, isPrefix: e.isPrefix })))}\n`);
  } finally {
    bucket.close();
  }
  return 0;
}

async function get(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...connectionFlags, concurrency: { type: "string", default: "8" }, "no-verify": { type: "boolean" } }, getUsage, true);
  if (positionals.length !== 2) throw new InvalidArgumentError("s3 get takes a location and a target folder", `usage: ${getUsage}`);
  const concurrency = parseWholeNumber(values.concurrency, "--concurrency", 1, 256);
  const { bucket, prefix } = target(positionals[0], values);
  if (!prefix) throw new InvalidArgumentError("refusing to download a whole bucket", "give a prefix such as q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/");
  const what = prefix.endsWith("/") ? prefix : await keyOrPrefix(bucket, prefix);
  const bar = progressBar(io, `s3://${bucket.name}/${prefix}`);
  let summary: s3.DownloadSummary;
  try {
    summary = await bucket.download(what, positionals[1], { concurrency, verify: !values["no-verify"], onProgress: bar.update });
  } finally {
    bar.finish();
    bucket.close();
  }
  io.stdout.write(
    `${summary.downloaded} downloaded, ${summary.resumed} resumed, ${summary.skipped} skipped (already verified), ${summary.failed} failed; ${summary.bytes} bytes received\n`,
  );
  for (const failure of summary.failures) io.stderr.write(`neuroportal s3 get: ${failure.key}: ${redact(failure.error.message)}\n`);
  if (summary.files.length === 0) {
    io.stderr.write(`neuroportal s3 get: nothing found under s3://${bucket.name}/${prefix} — list it with \`neuroportal s3 ls\`\n`);
    return 1;
  }
  if (!summary.ok) io.stderr.write("neuroportal s3 get: some files failed; run the same command again to resume them\n");
  return summary.ok ? 0 : 1;
}

/** A key without a trailing slash may be one object or a folder: download the object if it exists. */
async function keyOrPrefix(bucket: s3.Bucket, prefix: string): Promise<string | string[]> {
  try {
    await bucket.head(prefix);
    return [prefix];
  } catch (error) {
    if (s3.isS3NotFoundError(error)) return `${prefix}/`;
    throw error;
  }
}

function target(location: string, values: ConnectionValues): { bucket: s3.Bucket; prefix: string } {
  const { bucket, prefix } = parseS3Location(location, defaultBucket(values));
  return { bucket: openBucket(bucket, values), prefix };
}

function lsLine(entry: s3.S3Entry): string {
  if (entry.isPrefix) return `${"PRE".padStart(30)} ${entry.key}`;
  const date = entry.lastModified ? entry.lastModified.toISOString().replace("T", " ").slice(0, 19) : "".padEnd(19);
  return `${date} ${String(entry.size).padStart(10)} ${entry.key}`;
}
