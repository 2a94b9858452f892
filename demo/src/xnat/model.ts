/** The records the demo ConnectomeDB serves: projects, subjects and experiments. */
import type { Scores } from "./instruments.js";

/** A secondary project an item is shared into, with its label there. */
export interface Share {
  project: string;
  label: string;
}

export interface ProjectRecord {
  id: string;
  secondaryId: string;
  name: string;
  description: string;
  keywords: string;
  piFirstname: string;
  piLastname: string;
  insertDate: string;
}

export interface SubjectRecord {
  /** Site-wide ID (`ConnectomeDB_S00230`). */
  id: string;
  /** Label in the primary project. */
  label: string;
  /** Primary (owning) project. */
  project: string;
  shares: Share[];
  gender: "male" | "female";
  age: number;
  handedness: "right" | "left" | "ambidextrous";
  group: string;
  insertDate: string;
  insertUser: string;
}

/** One scan of an MR session. */
export interface ScanRecord {
  id: string;
  type: string;
  seriesDescription: string;
  frames: number;
  quality: string;
}

export interface MrSessionContent {
  scanner: string;
  fieldStrength: number;
  scans: ScanRecord[];
}

/** Bookkeeping of a `_SubjMeta` experiment: counts and completion flags, in element order. */
export type SubjectMetaContent = ReadonlyArray<readonly [name: string, value: number | boolean]>;

export type ExperimentType = "xnat:mrSessionData" | "hcp:subjectMetaData" | "nt:scores";

export interface ExperimentRecord {
  /** Site-wide ID (`ConnectomeDB_E00299`). */
  id: string;
  label: string;
  project: string;
  shares: Share[];
  xsiType: ExperimentType;
  subjectId: string;
  /** `YYYY-MM-DD`, or "" when the experiment has no date. */
  date: string;
  insertDate: string;
  insertUser: string;
  scores?: Scores;
  mr?: MrSessionContent;
  meta?: SubjectMetaContent;
}

/** Anything with a primary project and shares. */
export interface Shareable {
  label: string;
  project: string;
  shares: Share[];
}

/** The projects an item is visible in: primary first, then shares. */
export function projectsOf(item: Shareable): string[] {
  return [item.project, ...item.shares.map((share) => share.project)];
}

/** The item's label within `project`, or undefined when it is not in that project. */
export function labelIn(item: Shareable, project: string): string | undefined {
  if (item.project === project) return item.label;
  return item.shares.find((share) => share.project === project)?.label;
}

/** The whole data set with lookups by ID. */
export interface Catalog {
  siteId: string;
  projects: readonly ProjectRecord[];
  /** In ID order. */
  subjects: readonly SubjectRecord[];
  /** In ID order. */
  experiments: readonly ExperimentRecord[];
  projectById: ReadonlyMap<string, ProjectRecord>;
  subjectById: ReadonlyMap<string, SubjectRecord>;
  experimentById: ReadonlyMap<string, ExperimentRecord>;
}

/** Builds the lookups of a {@link Catalog}. */
export function toCatalog(
  siteId: string,
  projects: ProjectRecord[],
  subjects: SubjectRecord[],
  experiments: ExperimentRecord[],
): Catalog {
  const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id, item]));
  const sortedSubjects = [...subjects].sort((a, b) => compareIds(a.id, b.id));
  const sortedExperiments = [...experiments].sort((a, b) => compareIds(a.id, b.id));
  return {
    siteId,
    projects: [...projects].sort((a, b) => compareIds(a.id, b.id)),
    subjects: sortedSubjects,
    experiments: sortedExperiments,
    projectById: byId(projects),
    subjectById: byId(subjects),
    experimentById: byId(experiments),
  };
}

/** Plain code-unit order, as a database sorts ASCII IDs. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
