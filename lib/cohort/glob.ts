import { toGlobMatcher as globMatcher, toGlobRegExp as globRegExp, type GlobContext } from "../core/glob.js";

/** Cohort patterns are paths inside a subject folder; the syntax is the library's one glob (`core/glob.ts`). */
const SUBJECT_FOLDER: GlobContext = { within: "the subject folder", example: "MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt" };

/** A glob over paths inside a subject folder as an anchored regular expression (see `core/glob.ts` for the syntax). */
export function toGlobRegExp(pattern: string): RegExp {
  return globRegExp(pattern, SUBJECT_FOLDER);
}

/** One test for several globs over paths inside a subject folder: true when any matches. */
export function toGlobMatcher(patterns: readonly string[]): (path: string) => boolean {
  return globMatcher(patterns, SUBJECT_FOLDER);
}
