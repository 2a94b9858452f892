import { InvalidArgumentError } from "../errors.js";
import { toSubjectLabels, type SubjectsInput } from "./subjects.js";

/** Where a release keeps its subject folders: `<root><subject>/` in `bucket`. */
export interface ReleaseLayout {
  bucket: string;
  /** The release root, ending in `/` (or "" for subjects at the top of the bucket). */
  root: string;
}

/**
 * HCP's two S3 layouts: the 2013 Q1 mirror (`s3://hcp.aws.amazon.com/q1/<subject>/`) and today's
 * release bucket (`s3://hcp-openaccess/HCP_1200/<subject>/`, region us-east-1).
 */
export const RELEASES = {
  q1: { bucket: "hcp.aws.amazon.com", root: "q1/" },
  hcp1200: { bucket: "hcp-openaccess", root: "HCP_1200/" },
} as const satisfies Record<string, ReleaseLayout>;

/** A layout by name (`"q1"`, `"hcp1200"`) or given in full. */
export type LayoutInput = keyof typeof RELEASES | ReleaseLayout;

/** One subject's folder in a layout. */
export interface SubjectPrefix {
  subject: string;
  bucket: string;
  /** `<root><subject>/`. */
  prefix: string;
}

/** A release root as plans use it: no leading `/`, one trailing `/` (or "" for the bucket's top), no `.`/`..` segments. */
export function toRoot(root: string): string {
  if (typeof root !== "string") throw new InvalidArgumentError(`${JSON.stringify(root)} is not a release root`, "give the folder that holds the subject folders, e.g. q1/ or HCP_1200/");
  const trimmed = root.replace(/\/+$/, "");
  if (trimmed === "") return "";
  if (trimmed.startsWith("/") || trimmed.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new InvalidArgumentError(`${JSON.stringify(root)} is not a release root`, "give a folder path without a leading /, empty, . or .. segments, e.g. HCP_1200/");
  }
  return `${trimmed}/`;
}

/** The layout itself for a name, checked. */
export function toLayout(layout: LayoutInput): ReleaseLayout {
  if (typeof layout === "string") {
    const known = (RELEASES as Record<string, ReleaseLayout>)[layout];
    if (!known) throw new InvalidArgumentError(`unknown layout ${JSON.stringify(layout)}`, `use ${Object.keys(RELEASES).join(" or ")}, or { bucket, root }`);
    return known;
  }
  if (!layout || typeof layout.bucket !== "string" || layout.bucket === "") throw new InvalidArgumentError("a layout needs a bucket name", "e.g. { bucket: \"hcp-openaccess\", root: \"HCP_1200/\" }");
  return { bucket: layout.bucket, root: toRoot(layout.root) };
}

/** The S3 folder of each subject in a layout, in label order (`toSubjectLabels`). */
export function toSubjectPrefixes(subjects: SubjectsInput, layout: LayoutInput): SubjectPrefix[] {
  const { bucket, root } = toLayout(layout);
  return toSubjectLabels(subjects).map((subject) => ({ subject, bucket, prefix: `${root}${subject}/` }));
}
