/**
 * From a search to the data: a cohort (subject labels or a search result) becomes a download
 * plan of exactly the files wanted from each subject's `.xdlm` manifests, with sizes and MD5s,
 * split into shards that a job array (Slurm, AWS Batch) fetches in parallel. The public API, as
 * README documents it.
 */
export { RELEASES, toLayout, toRoot, toSubjectPrefixes } from "./layouts.js";
export type { ReleaseLayout, LayoutInput, SubjectPrefix } from "./layouts.js";
export { toSubjectLabels } from "./subjects.js";
export type { SubjectsInput, SubjectColumns } from "./subjects.js";
export { locateSubjects } from "./locate.js";
export type { SubjectLocations } from "./locate.js";
export { toGlobRegExp, toGlobMatcher } from "./glob.js";
export { makePlan } from "./plan.js";
export type { PlanOptions, PlanProgress } from "./plan.js";
export { PLAN_FORMAT, PLAN_VERSION, toPlanJson, fromPlanJson, planDigest, describeMissing } from "./plan-format.js";
export type { DownloadPlan, PlannedFile, MissingSubject, MissingReason } from "./plan-format.js";
export { toPlanFrame, toMissingFrame } from "./frame.js";
export { assignShards, shardFiles, parseShard, MAX_SHARDS } from "./shards.js";
export type { ShardSpec } from "./shards.js";
export { downloadPlan } from "./download.js";
export type { PlanDownloadOptions, PlanDownloadSummary } from "./download.js";
export { toSlurmScript } from "./slurm.js";
export type { SlurmScriptOptions } from "./slurm.js";
export { PlanFormatError, ManifestConflictError, isPlanFormatError, isManifestConflictError } from "./errors.js";
