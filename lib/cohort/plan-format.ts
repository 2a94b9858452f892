import { createHash } from "node:crypto";
import { compareKeys } from "../s3/entries.js";
import { PlanFormatError } from "./errors.js";
import { toRoot } from "./layouts.js";
import { checkArgument } from "../core/validate.js";
import { checkPlan } from "./option-rules.js";

/** The `format` field of every plan file. */
export const PLAN_FORMAT = "neuroportal-download-plan";
/** The plan format version this library writes and reads. */
export const PLAN_VERSION = 1;

/** One file to fetch: whose it is, its S3 key, and what its manifest says about it. */
export interface PlannedFile {
  subject: string;
  key: string;
  size: number;
  /** MD5 from the subject's `.xdlm` manifest, 32 lower-case hex digits. */
  md5: string;
}

/**
 * Why a requested subject has no file in the plan: `no-prefix`, the bucket has no `<root><subject>/`
 * folder; `no-manifest`, the folder has no `.xdlm/*.json` manifest; `no-match`, its manifests list
 * no file that matches the patterns (in the packages chosen).
 */
export type MissingReason = "no-prefix" | "no-manifest" | "no-match";

/** A requested subject the plan has no file for, and why. */
export interface MissingSubject {
  subject: string;
  reason: MissingReason;
}

/**
 * Which files to fetch for a cohort, and how to check them: a pure value, the same for the same
 * bucket contents and the same request (sorted throughout, no time stamps), so a plan made twice
 * is byte-identical and every node of a cluster reads the same shards from it.
 */
export interface DownloadPlan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  bucket: string;
  /** The release root, e.g. `q1/` or `HCP_1200/`. */
  root: string;
  /** Glob patterns over paths inside a subject folder. */
  include: string[];
  /** Glob patterns over manifest package names the files were taken from (empty: every package). */
  packages: string[];
  /** Every subject asked for, sorted. */
  subjects: string[];
  /** Subjects asked for that have no file in the plan, sorted, with the reason. */
  missing: MissingSubject[];
  /** Files sorted by key. */
  files: PlannedFile[];
  totals: { subjects: number; files: number; bytes: number };
}

const REASONS: readonly MissingReason[] = ["no-prefix", "no-manifest", "no-match"];

/** A reason in words, for messages: `no-prefix` → "no q1/144428/ folder in s3://hcp.aws.amazon.com". */
export function describeMissing(plan: Pick<DownloadPlan, "bucket" | "root">, missing: MissingSubject): string {
  checkArgument(plan, { describe: "a plan (bucket and root)", test: (v) => typeof v === "object" && v !== null && typeof (v as DownloadPlan).bucket === "string" && typeof (v as DownloadPlan).root === "string" }, "plan", "describeMissing()");
  checkArgument(missing, { describe: "a missing subject (subject and reason)", test: (v) => typeof v === "object" && v !== null && typeof (v as MissingSubject).subject === "string" }, "missing subject", "describeMissing()");
  const folder = `${plan.root}${missing.subject}/`;
  if (missing.reason === "no-prefix") return `no ${folder} folder in s3://${plan.bucket}`;
  if (missing.reason === "no-manifest") return `s3://${plan.bucket}/${folder} has no .xdlm manifest`;
  return `no file in the manifests of s3://${plan.bucket}/${folder} matches the patterns`;
}

/**
 * The plan as the text of a plan file: JSON with one file per line, keys in a fixed order, and a
 * last field `digest` (SHA-256 of the same text without it) that {@link fromPlanJson} checks.
 */
export function toPlanJson(plan: DownloadPlan): string {
  checkPlan(plan, "toPlanJson()");
  const body = planBody(plan);
  return `${body},\n  "digest": ${JSON.stringify(digestOf(body))}\n}\n`;
}

/** The SHA-256 of a plan's content (`sha256:<hex>`), as its file's `digest` field records it. */
export function planDigest(plan: DownloadPlan): string {
  checkPlan(plan, "planDigest()");
  return digestOf(planBody(plan));
}

/**
 * Reads a plan file's text: checks the format and version, every field, the order, the totals
 * and the digest, and raises {@link PlanFormatError} naming what is wrong (`source` names the file).
 */
export function fromPlanJson(text: string, source?: string): DownloadPlan {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new PlanFormatError(`not a plan file: ${(error as Error).message}`, source);
  }
  const fail = (message: string): never => {
    throw new PlanFormatError(message, source);
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail("not a plan file: the JSON is not an object");
  if (doc.format !== PLAN_FORMAT) fail(`not a neuroportal download plan (format ${JSON.stringify(doc.format)})`);
  if (doc.version !== PLAN_VERSION) throw new PlanFormatError(`plan format version ${JSON.stringify(doc.version)}; this neuroportal reads version ${PLAN_VERSION}`, source, "use the neuroportal release that wrote the plan, or make the plan again with this one");
  const strings = (name: string, value: unknown): string[] => (Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : fail(`${name} must be a list of strings`));
  const sorted = (name: string, values: readonly string[]) => values.every((v, i) => i === 0 || compareKeys(values[i - 1], v) < 0) || fail(`${name} must be sorted and without repeats`);
  if (typeof doc.bucket !== "string" || doc.bucket === "") fail("bucket must be a bucket name");
  if (typeof doc.root !== "string" || safeRoot(doc.root) !== doc.root) fail(`root ${JSON.stringify(doc.root)} is not a release root such as q1/`);
  const include = strings("include", doc.include);
  if (include.length === 0) fail("include lists no pattern");
  const packages = strings("packages", doc.packages);
  const subjects = strings("subjects", doc.subjects);
  sorted("subjects", subjects);
  const requested = new Set(subjects);
  if (!Array.isArray(doc.missing)) fail("missing must be a list");
  const missing = (doc.missing as unknown[]).map((entry): MissingSubject => {
    const { subject, reason } = (entry ?? {}) as Record<string, unknown>;
    if (typeof subject !== "string" || !requested.has(subject)) fail(`missing names ${JSON.stringify(subject)}, which is not among the subjects`);
    if (!REASONS.includes(reason as MissingReason)) fail(`missing subject ${subject} has reason ${JSON.stringify(reason)}; expected ${REASONS.join(", ")}`);
    return { subject: subject as string, reason: reason as MissingReason };
  });
  sorted("missing", missing.map((m) => m.subject));
  const absent = new Set(missing.map((m) => m.subject));
  if (!Array.isArray(doc.files)) fail("files must be a list");
  const files = (doc.files as unknown[]).map((entry, index): PlannedFile => {
    const { subject, key, size, md5 } = (entry ?? {}) as Record<string, unknown>;
    const where = `file ${index + 1}`;
    if (typeof subject !== "string" || !requested.has(subject) || absent.has(subject)) fail(`${where} belongs to ${JSON.stringify(subject)}, which is not a planned subject`);
    if (typeof key !== "string" || !key.startsWith(`${doc.root}${subject}/`) || key.endsWith("/")) fail(`${where} has key ${JSON.stringify(key)}, not a file in ${doc.root}${subject}/`);
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) fail(`${where} (${key}) has size ${JSON.stringify(size)}, not a byte count`);
    if (typeof md5 !== "string" || !/^[0-9a-f]{32}$/.test(md5)) fail(`${where} (${key}) has md5 ${JSON.stringify(md5)}, not 32 lower-case hex digits`);
    return { subject: subject as string, key: key as string, size: size as number, md5: md5 as string };
  });
  sorted("files (by key)", files.map((f) => f.key));
  const plan: DownloadPlan = { format: PLAN_FORMAT, version: PLAN_VERSION, bucket: doc.bucket as string, root: doc.root as string, include, packages, subjects, missing, files, totals: totalsOf(subjects, files) };
  const planned = new Set(files.map((f) => f.subject));
  const unaccounted = subjects.find((s) => !planned.has(s) && !absent.has(s));
  if (unaccounted !== undefined) fail(`subject ${unaccounted} has no file and is not listed as missing`);
  const totals = (doc.totals ?? {}) as Record<string, unknown>;
  if (totals.subjects !== plan.totals.subjects || totals.files !== plan.totals.files || totals.bytes !== plan.totals.bytes) {
    fail(`totals ${JSON.stringify(doc.totals)} do not match the files listed (${JSON.stringify(plan.totals)})`);
  }
  const digest = planDigest(plan);
  if (doc.digest !== digest) fail(doc.digest === undefined ? "the digest is missing" : "the digest does not match the content: the plan was changed or damaged after it was written");
  return plan;
}

/** Totals of a plan's files: subjects that have at least one file, files, bytes. */
export function totalsOf(subjects: readonly string[], files: readonly PlannedFile[]): DownloadPlan["totals"] {
  const withFiles = new Set(files.map((file) => file.subject));
  return { subjects: subjects.filter((s) => withFiles.has(s)).length, files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) };
}

function planBody(plan: DownloadPlan): string {
  const line = (value: unknown) => JSON.stringify(value);
  const list = (items: readonly unknown[]) => (items.length === 0 ? "[]" : `[\n${items.map((item) => `    ${line(item)}`).join(",\n")}\n  ]`);
  return [
    "{",
    `  "format": ${line(PLAN_FORMAT)},`,
    `  "version": ${PLAN_VERSION},`,
    `  "bucket": ${line(plan.bucket)},`,
    `  "root": ${line(plan.root)},`,
    `  "include": ${line(plan.include)},`,
    `  "packages": ${line(plan.packages)},`,
    `  "subjects": ${line(plan.subjects)},`,
    `  "missing": ${list(plan.missing.map((m) => ({ subject: m.subject, reason: m.reason })))},`,
    `  "totals": ${line({ subjects: plan.totals.subjects, files: plan.totals.files, bytes: plan.totals.bytes })},`,
    `  "files": ${list(plan.files.map((f) => ({ subject: f.subject, key: f.key, size: f.size, md5: f.md5 })))}`,
  ].join("\n");
}

const digestOf = (body: string) => `sha256:${createHash("sha256").update(body).digest("hex")}`;

function safeRoot(root: string): string | undefined {
  try {
    return toRoot(root);
  } catch {
    return undefined;
  }
}
