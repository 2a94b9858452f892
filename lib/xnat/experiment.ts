import type { DataFrame } from "danfojs-node";
import { mapLimit } from "../core/pool.js";
import { toDocumentFields, toDocumentFrame, toWideFrame, toWideTable, type DocumentField } from "./document-table.js";
import { findRow, loadIndex } from "./index-lookup.js";
import type { XnatFile } from "./file-listing.js";
import { FileOwner, listFiles } from "./file-owner.js";
import { fromListingJson, toListingFrame } from "./listing.js";
import { experimentPath, experimentsPath, filesPath, scanPath, scansPath, toUrl } from "./paths.js";
import { Scan } from "./scan.js";
import type { XnatSession } from "./session.js";
import { isNotFoundError } from "./errors.js";
import { checkArgument, checkOptions, text, type Rule } from "../core/validate.js";
import { TABLE_OPTION_RULES } from "./option-rules.js";

const experimentList: Rule = { describe: "a list of experiments (from subject.experiment(label))", test: (v) => Array.isArray(v) && v.every((e) => e instanceof Experiment) };
import { parseXml, type XmlDocument } from "./xml.js";
import { evaluateXPath, valueOf, type XPathNode } from "./xpath.js";

/** Default columns of scan listings, in XNAT's order. */
export const SCAN_COLUMNS = ["xnat_imagescandata_id", "ID", "type", "quality", "xsiType", "note", "series_description", "URI"];

/**
 * An experiment (session, assessor) addressed by label or ID within a project (and subject).
 * Holds identifiers and the session only; the document is fetched on first use and kept.
 */
export class Experiment extends FileOwner {
  readonly #session: XnatSession;
  readonly project: string;
  readonly subject?: string;
  /** The label or ID this experiment was addressed by. */
  readonly ref: string;
  #xml?: Promise<{ text: string; document: XmlDocument }>;

  constructor(session: XnatSession, project: string, subject: string | undefined, ref: string) {
    super(session, experimentPath(project, subject, ref), () => this.#what());
    this.#session = session;
    this.project = project;
    this.subject = subject;
    this.ref = ref;
  }

  #what(): string {
    return `experiment ${JSON.stringify(this.ref)}${this.subject === undefined ? "" : ` of subject ${JSON.stringify(this.subject)}`} in project ${JSON.stringify(this.project)}`;
  }

  async #row(): Promise<Record<string, string>> {
    const path = experimentsPath(this.project, this.subject);
    const index = await loadIndex(this.#session, path, { columns: "ID,label,xsiType" }, `the experiments of ${this.subject === undefined ? "project" : "subject"} ${JSON.stringify(this.subject ?? this.project)}`);
    return findRow(index, this.ref, this.#what(), toUrl(this.#session.base, path).href);
  }

  /** The site-wide experiment ID (e.g. `ConnectomeDB_E00299`); one cached listing request. */
  async id(): Promise<string> {
    return (await this.#row()).ID;
  }

  /** The label of the experiment in this project (e.g. `100307_NonToolbox`). */
  async label(): Promise<string> {
    return (await this.#row()).label ?? "";
  }

  /** The XML schema type (e.g. `nt:scores`). */
  async xsiType(): Promise<string> {
    return (await this.#row()).xsiType ?? "";
  }

  #load(): Promise<{ text: string; document: XmlDocument }> {
    this.#xml ??= (async () => {
      const path = experimentPath(this.project, this.subject, this.ref);
      const text = await this.#session.send({ path, query: { format: "xml" }, expect: "xml", what: this.#what() });
      return { text, document: parseXml(text, this.#what()) };
    })();
    this.#xml.catch(() => (this.#xml = undefined));
    return this.#xml;
  }

  /** The experiment's XML document, as the server sends it (checked: well-formed, no DOCTYPE). */
  async xml(): Promise<string> {
    return (await this.#load()).text;
  }

  /** The parsed document (elements with resolved namespaces). */
  async document(): Promise<XmlDocument> {
    return (await this.#load()).document;
  }

  /**
   * Values selected by an xpath relative to the root element, with prefixes resolved from the
   * document's own declarations: `xpath("nt:ER40/nt:ER40_CR")` → `["39"]`.
   */
  async xpath(expression: string): Promise<string[]> {
    return (await this.xpathNodes(expression)).map(valueOf);
  }

  /** The nodes (elements, attributes, text) an xpath selects. */
  async xpathNodes(expression: string): Promise<XPathNode[]> {
    checkArgument(expression, text(true), "xpath", "xpath()");
    return evaluateXPath(await this.document(), expression);
  }

  /** The whole document as tidy rows (group, field, value, text, path). */
  async fields(): Promise<DocumentField[]> {
    return toDocumentFields(await this.document());
  }

  /** The whole document as a tidy DataFrame: one row per field with group, field, value (number), text, path. */
  async table(): Promise<DataFrame> {
    return toDocumentFrame(await this.document());
  }

  /** The session's scans as a DataFrame (ID, type, quality, series_description, xsiType, note, URI, ...; all strings); empty for experiments without scans. */
  async scans(): Promise<DataFrame> {
    const path = scansPath(experimentPath(this.project, this.subject, this.ref));
    const text = await this.#session.send({ path, query: { format: "json" }, expect: "json", what: this.#what() });
    return toListingFrame(fromListingJson(text, path, SCAN_COLUMNS));
  }

  /** One scan by ID. No request is made until it is used. */
  scan(id: string): Scan {
    return new Scan(this.#session, experimentPath(this.project, this.subject, this.ref), this.#what(), id);
  }

  /** Every file of the session: those of all its scans' resources (`scans/ALL/files`), then those of its own resources. */
  override async fileList(): Promise<XnatFile[]> {
    const [scanFiles, own] = await Promise.all([this.#scanFiles(), super.fileList()]);
    return [...scanFiles, ...own];
  }

  async #scanFiles(): Promise<XnatFile[]> {
    try {
      return await listFiles(this.#session, filesPath(scanPath(experimentPath(this.project, this.subject, this.ref), "ALL")), `the scans of ${this.#what()}`);
    } catch (error) {
      if (isNotFoundError(error)) return [];
      throw error;
    }
  }

  /** Scan files go to `scans/<scan>/<resource>/<path>`, the session's own to `resources/<resource>/<path>`. */
  protected override downloadKey(file: XnatFile): string {
    return file.scan ? `scans/${file.scan}/${file.resource}/${file.path}` : super.downloadKey(file);
  }

  /** Forgets the cached document so the next call fetches it again. */
  refresh(): void {
    this.#xml = undefined;
  }
}

/**
 * Fetches several experiments' documents (at most `concurrency` at once) and returns the wide
 * form: one row per experiment (`experiment` = the label or ID used), one column per field.
 */
export async function experimentsTable(experiments: readonly Experiment[], options: { concurrency?: number } = {}): Promise<DataFrame> {
  checkArgument(experiments, experimentList, "experiments", "experimentsTable()");
  checkOptions(options, "experimentsTable()", TABLE_OPTION_RULES);
  const documents = await mapLimit(experiments, options.concurrency ?? 8, async (experiment) => ({
    leading: { experiment: experiment.ref },
    fields: await experiment.fields(),
  }));
  return toWideFrame(toWideTable(documents));
}
