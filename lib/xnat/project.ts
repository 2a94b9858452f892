import type { DataFrame } from "danfojs-node";
import { FileOwner } from "./file-owner.js";
import type { ConstraintInput } from "./constraints.js";
import { Experiment } from "./experiment.js";
import { findRow, loadIndex } from "./index-lookup.js";
import { fromListingJson, toListingFrame } from "./listing.js";
import { experimentsPath, projectPath, projectsPath, subjectsPath, toUrl } from "./paths.js";
import { ProjectSearchQuery } from "./project-search.js";
import { checkOptions, text as textRule } from "../core/validate.js";
import type { XnatSession } from "./session.js";
import { EXPERIMENT_COLUMNS, Subject } from "./subject.js";

/** Default columns of project listings, in XNAT's order. */
export const PROJECT_COLUMNS = ["ID", "secondary_ID", "name", "description", "pi_firstname", "pi_lastname", "URI"];
/** Default columns of subject listings, in XNAT's order. */
export const SUBJECT_COLUMNS = ["ID", "project", "label", "insert_date", "insert_user", "URI"];

/** A project addressed by ID (or alias), with its own resources and files. Holds identifiers and the session only. */
export class Project extends FileOwner {
  readonly #session: XnatSession;
  /** The ID (or alias) this project was addressed by. */
  readonly ref: string;

  constructor(session: XnatSession, ref: string) {
    super(session, projectPath(ref), () => `project ${JSON.stringify(ref)}`);
    this.#session = session;
    this.ref = ref;
    subjectsPath(ref);
  }

  async #row(): Promise<Record<string, string>> {
    const index = await loadIndex(this.#session, projectsPath(), {}, "the project list");
    const row = index.byId.get(this.ref) ?? index.listing.rows.find((r) => r.secondary_ID === this.ref);
    return row ?? findRow(index, this.ref, `project ${JSON.stringify(this.ref)}`, toUrl(this.#session.base, projectsPath()).href);
  }

  /** The project ID; one cached request for the project list. */
  async id(): Promise<string> {
    return (await this.#row()).ID;
  }

  /** The project's secondary ID (XNAT's "running title"). */
  async label(): Promise<string> {
    return (await this.#row()).secondary_ID ?? "";
  }

  /** The project's name. */
  async name(): Promise<string> {
    return (await this.#row()).name ?? "";
  }

  /** The subjects as a DataFrame (ID, project, label, insert_date, insert_user, URI; all strings), in server order. */
  async subjects(): Promise<DataFrame> {
    const path = subjectsPath(this.ref);
    const text = await this.#session.send({ path, query: { format: "json" }, expect: "json", what: `project ${JSON.stringify(this.ref)}` });
    return toListingFrame(fromListingJson(text, path, SUBJECT_COLUMNS));
  }

  /** A subject by its label in this project or its site-wide ID. No request is made until it is used. */
  subject(labelOrId: string): Subject {
    return new Subject(this.#session, this.ref, labelOrId);
  }

  /** The project's experiments as a DataFrame, optionally of one type (`xsiType`). */
  async experiments(options: { xsiType?: string } = {}): Promise<DataFrame> {
    checkOptions(options, "experiments()", { xsiType: textRule(true) });
    const path = experimentsPath(this.ref);
    const text = await this.#session.send({ path, query: { format: "json", xsiType: options.xsiType }, expect: "json", what: `project ${JSON.stringify(this.ref)}` });
    return toListingFrame(fromListingJson(text, path, EXPERIMENT_COLUMNS));
  }

  /** An experiment of this project by label (or ID). */
  experiment(labelOrId: string): Experiment {
    return new Experiment(this.#session, this.ref, undefined, labelOrId);
  }

  /** Subject ID → label in this project, from one listing request (cached for the session). */
  async subjectLabels(): Promise<Map<string, string>> {
    const index = await loadIndex(this.#session, subjectsPath(this.ref), { columns: "ID,label" }, `the subjects of project ${JSON.stringify(this.ref)}`);
    return new Map([...index.byId].map(([id, row]) => [id, row.label ?? ""]));
  }

  /**
   * A search restricted to this project: rows carry `subject_label` (one listing request for
   * all rows), and rows that `PROJECTS LIKE '%<project>%'` matched without really belonging to
   * the project are set aside and counted (see {@link ProjectSearchQuery}).
   */
  select(dataType: string, fields?: readonly string[]): ProjectSearchQuery {
    return new ProjectSearchQuery(this.#session, this, dataType, fields);
  }

  /** Shorthand for `select(dataType, fields).where(constraints)`. */
  search(dataType: string, fields?: readonly string[], constraints?: ConstraintInput) {
    return this.select(dataType, fields).where(constraints);
  }
}
