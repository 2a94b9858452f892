import type { DataFrame } from "danfojs-node";
import { InvalidArgumentError } from "../errors.js";
import { compareKeys } from "../s3/entries.js";

/** The search result shape read here: a project search's rows (see `xnat`'s `ProjectSearchResult`). */
export interface SubjectColumns {
  headers(): string[];
  column(key: string): string[];
}

/**
 * Subjects as a plan takes them: labels (`["100307", "103515"]`), one string of labels separated
 * by commas or white space, a search result (its `subject_label` column, which project-scoped
 * searches add), or a DataFrame with a `subject_label`, `label` or `subject` column.
 */
export type SubjectsInput = readonly string[] | string | SubjectColumns | DataFrame;

/** Columns that hold subject labels, in the order they are looked for. */
const LABEL_COLUMNS = ["subject_label", "label", "subject"];

/**
 * Subject labels from {@link SubjectsInput}: trimmed, each once, sorted in byte order (so the
 * same cohort gives the same list whatever order it came in). A label must be usable as one S3
 * path segment: no `/`, `\`, white space or control characters, not `.` or `..`.
 */
export function toSubjectLabels(input: SubjectsInput): string[] {
  const raw = rawLabels(input).map((label) => label.trim());
  const blank = raw.findIndex((label) => label === "");
  if (blank >= 0 && typeof input !== "string") throw new InvalidArgumentError(`subject ${blank + 1} of ${raw.length} has an empty label`, "drop rows without a label, or search with project(...).select(...), which labels the project's subjects");
  const labels = [...new Set(raw.filter((label) => label !== ""))];
  for (const label of labels) {
    if (/[/\\\s\p{Cc}]/u.test(label) || label === "." || label === "..") {
      throw new InvalidArgumentError(`${JSON.stringify(label)} is not a subject label`, "labels are single folder names such as 100307");
    }
  }
  if (labels.length === 0) throw new InvalidArgumentError("no subject given", "pass subject labels such as [\"100307\", \"103515\"] or a project search result");
  return labels.sort(compareKeys);
}

function rawLabels(input: SubjectsInput): string[] {
  if (typeof input === "string") return input.split(/[\s,]+/);
  if (Array.isArray(input)) return input.map(String);
  if (isSubjectColumns(input)) return input.column(labelColumn(input.headers()));
  if (isFrame(input)) return (input.column(labelColumn(input.columns)).values as unknown[]).map((value) => String(value ?? ""));
  throw new InvalidArgumentError("subjects must be labels, a search result or a DataFrame", "pass [\"100307\", ...] or the result of project(...).select(...).where(...)");
}

function labelColumn(columns: readonly string[]): string {
  const found = LABEL_COLUMNS.find((name) => columns.includes(name));
  if (found) return found;
  const ids = columns.includes("subject_id") ? " It has subject_id, which holds ConnectomeDB IDs (ConnectomeDB_S00230), not the labels S3 folders are named by." : "";
  throw new InvalidArgumentError(
    `no subject label column among ${columns.join(", ") || "(no columns)"}.${ids}`,
    "search with project(...).select(...), which adds subject_label, or pass the labels themselves",
  );
}

function isSubjectColumns(input: unknown): input is SubjectColumns {
  return typeof input === "object" && input !== null && typeof (input as SubjectColumns).headers === "function" && typeof (input as SubjectColumns).column === "function";
}

function isFrame(input: unknown): input is DataFrame {
  return typeof input === "object" && input !== null && Array.isArray((input as DataFrame).columns) && typeof (input as DataFrame).column === "function";
}
