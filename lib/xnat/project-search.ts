import { andAll, toConstraintSet, type ConstraintInput, type ConstraintSet } from "./constraints.js";
import { fromProjectList } from "./membership.js";
import type { Project } from "./project.js";
import { SearchQuery, checkDataTypeName, qualifyField } from "./search.js";
import { SearchResult } from "./search-result.js";
import type { XnatSession } from "./session.js";

/** A project-scoped search result: exact members with labels, plus what the LIKE over-matched. */
export class ProjectSearchResult extends SearchResult {
  readonly project: string;
  /** Rows that `PROJECTS LIKE '%<project>%'` returned although the project is not in their PROJECTS list (with their `projects` column). */
  readonly overMatched: SearchResult;
  /** Rows the LIKE constraint returned (members + over-matched). */
  readonly likeMatched: number;

  constructor(project: string, members: SearchResult, overMatched: SearchResult) {
    super(members.rootElement, members.columns, members.records(), members.unlistedFields);
    this.project = project;
    this.overMatched = overMatched;
    this.likeMatched = members.length + overMatched.length;
  }

  override toString(): string {
    return `${super.toString()} (project ${this.project}: ${this.length} members, ${this.overMatched.length} over-matched by LIKE dropped)`;
  }
}

/**
 * A search scoped to one project. It runs the seed's `PROJECTS LIKE '%<project>%'` search
 * together with one subject listing, keeps only rows whose PROJECTS list names the project
 * exactly (LIKE also matches `HCP_Q1b`, and `_` matches any character), and adds the
 * project's `subject_label` next to `subject_id`.
 */
export class ProjectSearchQuery {
  readonly #session: XnatSession;
  readonly #project: Project;
  readonly rootElement: string;
  readonly #fields?: readonly string[];

  constructor(session: XnatSession, project: Project, rootElement: string, fields?: readonly string[]) {
    this.#session = session;
    this.#project = project;
    this.rootElement = rootElement;
    checkDataTypeName(rootElement);
    this.#fields = fields?.map((f) => qualifyField(f, rootElement));
  }

  /** Runs the search; `constraints` (optional) are ANDed with the project constraint. */
  async where(constraints?: ConstraintInput): Promise<ProjectSearchResult> {
    const user: ConstraintSet | undefined = constraints === undefined ? undefined : toConstraintSet(constraints);
    const projectId = await this.#project.id();
    const base = new SearchQuery(this.#session, this.rootElement, this.#fields);
    const requested = await base.fields();
    const subjectField = qualifyField("SUBJECT_ID", this.rootElement);
    const projectsField = qualifyField("PROJECTS", this.rootElement);
    const has = (name: string) => requested.some((f) => f.toUpperCase() === name.toUpperCase());
    const extra = [has(subjectField) ? undefined : subjectField, has(projectsField) ? undefined : projectsField].filter((f): f is string => !!f);
    const like = toConstraintSet([[projectsField, "LIKE", `%${projectId}%`]]);
    const query = new SearchQuery(this.#session, this.rootElement, [...requested, ...extra]);
    const [result, labels] = await Promise.all([query.where(user ? andAll(like, user) : like), this.#project.subjectLabels()]);
    const projectsKey = result.columns.find((c) => c.field.toUpperCase() === projectsField.toUpperCase())!.key;
    const subjectKey = result.columns.find((c) => c.field.toUpperCase() === subjectField.toUpperCase())!.key;
    const isMember = result.records().map((row) => fromProjectList(row[projectsKey] ?? "").includes(projectId));
    const members = result.filter((_, i) => isMember[i]);
    const over = result.filter((_, i) => !isMember[i]);
    const withLabels = (r: SearchResult, drop: readonly string[]) =>
      r
        .withColumn({ key: "subject_label", field: "", type: "string" }, r.column(subjectKey).map((id) => labels.get(id) ?? ""), subjectKey)
        .withoutColumns(result.columns.filter((c) => drop.includes(c.field)).map((c) => c.key));
    return new ProjectSearchResult(projectId, withLabels(members, extra), withLabels(over, extra.filter((f) => f !== projectsField)));
  }
}
