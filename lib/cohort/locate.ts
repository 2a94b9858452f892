import type { Bucket } from "../s3/bucket.js";
import { toRoot } from "./layouts.js";
import { abortSignal, checkArgument, checkOptions } from "../core/validate.js";
import { bucketRule } from "./option-rules.js";
import type { SubjectPrefix } from "./layouts.js";
import { toSubjectLabels, type SubjectsInput } from "./subjects.js";

/** Where each subject's folder is, and which subjects have none. */
export interface SubjectLocations {
  found: SubjectPrefix[];
  /** Labels with no `<root><label>/` folder in the bucket, sorted. */
  missing: string[];
}

/**
 * Finds the subjects' folders under `root` in `bucket` with one delimiter listing of the root (a
 * request per 1000 subjects of the release, not one per subject); subjects without a folder are
 * reported in `missing`, never dropped.
 */
export async function locateSubjects(bucket: Bucket, root: string, subjects: SubjectsInput, options: { signal?: AbortSignal } = {}): Promise<SubjectLocations> {
  checkArgument(bucket, bucketRule, "bucket", "locateSubjects()");
  checkOptions(options, "locateSubjects()", { signal: abortSignal });
  const prefix = toRoot(root);
  const labels = toSubjectLabels(subjects);
  const folders = new Set<string>();
  for await (const entry of bucket.iterate(prefix, { delimiter: "/", signal: options.signal })) if (entry.isPrefix) folders.add(entry.key);
  const found: SubjectPrefix[] = [];
  const missing: string[] = [];
  for (const subject of labels) {
    const folder = `${prefix}${subject}/`;
    if (folders.has(folder)) found.push({ subject, bucket: bucket.name, prefix: folder });
    else missing.push(subject);
  }
  return { found, missing };
}
