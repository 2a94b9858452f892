import type { DataFrame } from "danfojs-node";
import { FileOwner } from "./file-owner.js";
import { Experiment } from "./experiment.js";
import { findRow, loadIndex } from "./index-lookup.js";
import { fromListingJson, toListingFrame } from "./listing.js";
import { experimentsPath, subjectPath, subjectsPath, toUrl } from "./paths.js";
import type { XnatSession } from "./session.js";

/** Default columns of experiment listings, in XNAT's order. */
export const EXPERIMENT_COLUMNS = ["ID", "project", "date", "xsiType", "label", "insert_date", "URI"];

/** A subject addressed by its label in the project or its site-wide ID, with its own resources and files. Holds identifiers and the session only. */
export class Subject extends FileOwner {
  readonly #session: XnatSession;
  readonly project: string;
  /** The label or ID this subject was addressed by. */
  readonly ref: string;

  constructor(session: XnatSession, project: string, ref: string) {
    super(session, subjectPath(project, ref), () => `subject ${JSON.stringify(ref)} in project ${JSON.stringify(project)}`);
    this.#session = session;
    this.project = project;
    this.ref = ref;
  }

  async #row(): Promise<Record<string, string>> {
    const index = await loadIndex(this.#session, subjectsPath(this.project), { columns: "ID,label" }, `the subjects of project ${JSON.stringify(this.project)}`);
    return findRow(index, this.ref, `subject ${JSON.stringify(this.ref)} in project ${JSON.stringify(this.project)}`, toUrl(this.#session.base, subjectsPath(this.project)).href);
  }

  /** The site-wide subject ID (e.g. `ConnectomeDB_S00230`); one listing request per project, cached. */
  async id(): Promise<string> {
    return (await this.#row()).ID;
  }

  /** The subject's label in this project (e.g. `100307`). */
  async label(): Promise<string> {
    return (await this.#row()).label ?? "";
  }

  /** The subject's experiments as a DataFrame (ID, project, date, xsiType, label, insert_date, URI; all strings). */
  async experiments(): Promise<DataFrame> {
    const path = experimentsPath(this.project, this.ref);
    const text = await this.#session.send({ path, query: { format: "json" }, expect: "json", what: `subject ${JSON.stringify(this.ref)} in project ${JSON.stringify(this.project)}` });
    return toListingFrame(fromListingJson(text, path, EXPERIMENT_COLUMNS));
  }

  /** An experiment of this subject, by label (or ID). No request is made until it is used. */
  experiment(labelOrId: string): Experiment {
    return new Experiment(this.#session, this.project, this.ref, labelOrId);
  }
}
