/**
 * The project IDs in a PROJECTS cell. XNAT renders the primary project and every project the
 * item is shared into as a comma-separated list, each ID possibly wrapped in angle brackets:
 * `<HCP_Subjects>,<HCP_Q1>,<HCP_Q2>`.
 */
export function fromProjectList(cell: string): string[] {
  return cell
    .split(",")
    .map((part) => part.trim().replace(/^<(.*)>$/, "$1").trim())
    .filter(Boolean);
}

/** SQL LIKE (case-insensitive, `%` any run, `_` any one character), as XNAT evaluates it. */
export function sqlLike(value: string, pattern: string): boolean {
  const source = [...pattern].map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`, "is").test(value);
}

/** How rows split under an exact project-membership test. */
export interface MembershipSplit<Row> {
  /** Rows whose PROJECTS list contains the project exactly. */
  members: Row[];
  /** Rows that `LIKE '%<project>%'` matched although the project is not in their list. */
  overMatched: Row[];
}

/** Splits rows into exact members of `project` and rows a LIKE pattern matched by accident. */
export function splitByMembership<Row>(rows: readonly Row[], projectsOf: (row: Row) => string, project: string): MembershipSplit<Row> {
  const members: Row[] = [];
  const overMatched: Row[] = [];
  for (const row of rows) (fromProjectList(projectsOf(row)).includes(project) ? members : overMatched).push(row);
  return { members, overMatched };
}
