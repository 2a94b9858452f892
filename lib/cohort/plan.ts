import { UnexpectedContentError } from "../http/errors.js";
import { mapLimit, Slots } from "../core/pool.js";
import type { Bucket } from "../s3/bucket.js";
import { compareKeys } from "../s3/entries.js";
import { fromManifestJson, type ManifestEntry } from "../s3/manifest.js";
import { localPathFor } from "../s3/paths.js";
import { ManifestConflictError } from "./errors.js";
import { toGlobMatcher } from "./glob.js";
import { checkArgument, checkOptions } from "../core/validate.js";
import { bucketRule, PLAN_OPTION_RULES } from "./option-rules.js";
import { toRoot, type SubjectPrefix } from "./layouts.js";
import { locateSubjects } from "./locate.js";
import { PLAN_FORMAT, PLAN_VERSION, totalsOf, type DownloadPlan, type MissingSubject, type PlannedFile } from "./plan-format.js";
import type { SubjectsInput } from "./subjects.js";

/** Progress of {@link makePlan}: subjects whose manifests have been read, and what they add up to. */
export interface PlanProgress {
  subjectsDone: number;
  subjectsTotal: number;
  files: number;
  bytes: number;
}

/** What to plan. */
export interface PlanOptions {
  /** The release root in the bucket that holds the subject folders, e.g. `q1/` or `HCP_1200/`. */
  root: string;
  /** Labels, a string of labels, a project search result or a DataFrame (see `toSubjectLabels`). */
  subjects: SubjectsInput;
  /** Glob patterns over paths inside a subject folder, e.g. `MNINonLinear/Results/tfMRI_MOTOR_*\/Movement_Regressors.txt`. */
  include: readonly string[];
  /**
   * Glob patterns over manifest package names (`100307_3T_tfMRI_MOTOR_preproc`): read only those
   * manifests (an HCP_1200 subject has about 55). Default: every manifest.
   */
  packages?: readonly string[];
  /** Requests in flight at once (listings and manifest reads; default 16). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: PlanProgress) => void;
}

const MANIFEST_NAME = /^([^/]+)\.json$/;

/**
 * Turns a cohort into a {@link DownloadPlan}: finds each subject's folder under `root`, reads its
 * `.xdlm` manifests, and keeps the files whose path inside the subject folder matches one of the
 * `include` patterns, with the size and MD5 the manifest gives. Subjects without a folder, without
 * a manifest, or without a matching file are listed in `missing` with the reason, never dropped.
 * The result is sorted and carries no time stamp: the same bucket and request give the same plan.
 */
export async function makePlan(bucket: Bucket, options: PlanOptions): Promise<DownloadPlan> {
  checkArgument(bucket, bucketRule, "bucket", "makePlan()");
  checkArgument(options, { describe: "an object with root, subjects and include", test: (v) => typeof v === "object" && v !== null && !Array.isArray(v) }, "plan request", "makePlan()");
  checkOptions(options, "makePlan()", PLAN_OPTION_RULES);
  const root = toRoot(options.root);
  const include = [...options.include];
  const matches = toGlobMatcher(include);
  const packages = [...(options.packages ?? [])];
  const packageMatches = packages.length > 0 ? toGlobMatcher(packages) : () => true;
  const concurrency = options.concurrency ?? 16;
  const { found, missing: noFolder } = await locateSubjects(bucket, root, options.subjects, { signal: options.signal });
  const subjects = [...found.map((f) => f.subject), ...noFolder].sort(compareKeys);
  const requests = new Slots(concurrency);
  const progress: PlanProgress = { subjectsDone: noFolder.length, subjectsTotal: subjects.length, files: 0, bytes: 0 };
  options.onProgress?.({ ...progress });

  const planSubject = async (located: SubjectPrefix): Promise<PlannedFile[] | MissingSubject> => {
    const folder = `${located.prefix}.xdlm/`;
    const listed = await requests.run(() => bucket.entries(folder, { signal: options.signal }));
    const manifests = listed.flatMap((entry) => {
      const name = MANIFEST_NAME.exec(entry.key.slice(folder.length))?.[1];
      return !entry.isPrefix && name ? [{ key: entry.key, name }] : [];
    });
    if (manifests.length === 0) return { subject: located.subject, reason: "no-manifest" };
    const chosen = manifests.filter((manifest) => packageMatches(manifest.name));
    const read = await mapLimit(chosen, concurrency, (manifest) => requests.run(async () => fromManifestJson(await bucket.getText(manifest.key, options.signal), manifest.key)));
    const files = matchingFiles(located, read.flat(), matches);
    if (files.length === 0) return { subject: located.subject, reason: "no-match" };
    return files;
  };

  const results = await mapLimit(found, concurrency, async (located) => {
    const result = await planSubject(located);
    progress.subjectsDone++;
    if (Array.isArray(result)) {
      progress.files += result.length;
      progress.bytes += result.reduce((sum, file) => sum + file.size, 0);
    }
    options.onProgress?.({ ...progress });
    return result;
  });

  const files = results.flatMap((result) => (Array.isArray(result) ? result : [])).sort((a, b) => compareKeys(a.key, b.key));
  const missing = [...noFolder.map((subject): MissingSubject => ({ subject, reason: "no-prefix" })), ...results.filter((r): r is MissingSubject => !Array.isArray(r))].sort((a, b) => compareKeys(a.subject, b.subject));
  return { format: PLAN_FORMAT, version: PLAN_VERSION, bucket: bucket.name, root, include, packages, subjects, missing, files, totals: totalsOf(subjects, files) };
}

/** The subject's manifest entries whose path inside its folder matches; one entry per key (manifests that disagree about a key raise). */
function matchingFiles(located: SubjectPrefix, entries: readonly ManifestEntry[], matches: (path: string) => boolean): PlannedFile[] {
  const byKey = new Map<string, { file: PlannedFile; manifest: string }>();
  for (const entry of entries) {
    if (!entry.key.startsWith(located.prefix) || !matches(entry.key.slice(located.prefix.length))) continue;
    localPathFor(".", entry.key);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0 || !/^[0-9a-f]{32}$/.test(entry.checksum)) {
      const manifest = `${located.prefix}.xdlm/${entry.package}.json`;
      throw new UnexpectedContentError("an .xdlm manifest entry with a byte count and an MD5", "json", `s3://${located.bucket}/${manifest}`, `${entry.uri} has Size ${JSON.stringify(entry.size)} and Checksum ${JSON.stringify(entry.checksum)}`, "the manifest is damaged; report it to the data provider");
    }
    const file: PlannedFile = { subject: located.subject, key: entry.key, size: entry.size, md5: entry.checksum };
    const seen = byKey.get(entry.key);
    if (seen && (seen.file.size !== file.size || seen.file.md5 !== file.md5)) {
      throw new ManifestConflictError(entry.key, [seen.manifest, entry.package], `${seen.file.size} B / ${seen.file.md5} vs ${file.size} B / ${file.md5}`);
    }
    byKey.set(entry.key, { file, manifest: entry.package });
  }
  return [...byKey.values()].map((v) => v.file);
}
