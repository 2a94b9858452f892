import { inspect } from "node:util";
import type { DataFrame } from "danfojs-node";
import { assertSafeTransport, resolveCredentials, type CredentialSources } from "./credentials.js";
import { matchFields, toFieldFrame, type FieldInfo } from "./fields.js";
import { fromListingJson, toListingFrame } from "./listing.js";
import { projectsPath, toBaseUrl } from "./paths.js";
import { PROJECT_COLUMNS, Project } from "./project.js";
import { loadDataTypes, loadFields, SearchQuery } from "./search.js";
import { XnatSession, type SessionOptions, type SessionStats } from "./session.js";
import { checkConnectOptions } from "./option-rules.js";
import { checkOptions, text } from "../core/validate.js";

/** Options of {@link connect}. */
export interface ConnectOptions extends SessionOptions, CredentialSources {
  /** Login name; default `NEUROPORTAL_XNAT_USER`, else the netrc entry of the host. */
  user?: string;
  /** Password; default `NEUROPORTAL_XNAT_PASSWORD`, else the netrc entry of the host. */
  password?: string;
  /** Allow sending credentials over plain http to a host other than this machine. */
  allowInsecure?: boolean;
}

/**
 * Connects to an XNAT server (ConnectomeDB or the demo) and logs in. Credentials come from
 * the options, else the environment, else ~/.netrc; nothing ever prompts. A wrong password
 * fails here with AuthenticationError. Credentials only travel over https or to loopback
 * unless `allowInsecure` is set.
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<XnatConnection> {
  const base = toBaseUrl(url);
  checkConnectOptions(options);
  assertSafeTransport(base, options.allowInsecure);
  const credentials = resolveCredentials(base, { user: options.user, password: options.password }, options);
  const { timeoutMs, idleTimeoutMs, totalTimeoutMs, maxBodyBytes, retry, userAgent, fetch } = options;
  const session = await XnatSession.open(base, credentials, { timeoutMs, idleTimeoutMs, totalTimeoutMs, maxBodyBytes, retry, userAgent, fetch });
  return new XnatConnection(session);
}

/** A logged-in XNAT connection: the entry point to projects, searches and field discovery. */
export class XnatConnection {
  readonly #session: XnatSession;

  constructor(session: XnatSession) {
    this.#session = session;
  }

  /** The server's base URL. */
  get url(): string {
    return this.#session.base.href;
  }

  /** The login name. */
  get user(): string {
    return this.#session.user;
  }

  /** The projects visible to the user (ID, secondary_ID, name, description, pi_firstname, pi_lastname, URI). */
  async projects(): Promise<DataFrame> {
    const text = await this.#session.send({ path: projectsPath(), query: { format: "json" }, expect: "json", what: "the project list" });
    return toListingFrame(fromListingJson(text, projectsPath(), PROJECT_COLUMNS));
  }

  /** A project by ID. No request is made until it is used. */
  project(id: string): Project {
    return new Project(this.#session, id);
  }

  /** Prepares a search over `dataType` returning `fields` (`type/FIELD` or bare ids; all fields when omitted). */
  select(dataType: string, fields?: readonly string[]): SearchQuery {
    return new SearchQuery(this.#session, dataType, fields);
  }

  /**
   * The searchable fields of a data type as a DataFrame (id, header, description, type,
   * schema_path, data_type); `matching` keeps fields whose text contains every word. This is
   * what `GET /data/search/elements/{type}` lists, and XNAT lists only the fields its display
   * document marks searchable: stock XNAT leaves out PROJECTS and LABEL of experiments (and
   * SCANNER, OPERATOR, ... of MR sessions) and SUBJECT_ID and SUBJECT_LABEL of subjects.
   * Searches accept those all the same (`select()` sends any `type/FIELD` and names the
   * unlisted ones in `unlistedFields`); a field the server does not know comes back as
   * `UnknownFieldError` with suggestions from this list. The parameterised rows
   * `<ID>=<project>` (a label within each readable project) come last.
   */
  async fields(dataType: string, options: { matching?: string } = {}): Promise<DataFrame> {
    return toFieldFrame(await this.fieldList(dataType, options));
  }

  /** The searchable fields of a data type as plain objects (the same list as {@link fields}). */
  async fieldList(dataType: string, options: { matching?: string } = {}): Promise<FieldInfo[]> {
    checkOptions(options, "fields()", { matching: text() });
    const all = await loadFields(this.#session, dataType);
    return options.matching ? matchFields(all, options.matching) : all;
  }

  /** The searchable data types (ELEMENT_NAME, SINGULAR, PLURAL, SECURED, COUNT). */
  async dataTypes(): Promise<DataFrame> {
    return toListingFrame(await loadDataTypes(this.#session), { COUNT: "integer" });
  }

  /** What the session did so far: requests, logins (first + re-logins) and replayed requests. */
  sessionStats(): SessionStats {
    return this.#session.stats();
  }

  /**
   * Ends the session on the server while keeping the stale cookie, as an idle timeout does;
   * the next request logs in again by itself. For demonstrating and testing self-healing.
   */
  async expireSession(): Promise<void> {
    await this.#session.expireOnServer();
  }

  /** Forgets cached ID/label lookups and field lists. */
  refresh(): void {
    this.#session.forget();
  }

  /** Logs out (DELETE /data/JSESSION). */
  async close(): Promise<void> {
    await this.#session.close();
  }

  /** Server and user only: no password, no session id. */
  toJSON(): object {
    return { url: this.url, user: this.user, closed: this.#session.closed };
  }

  [inspect.custom](): string {
    return `<XnatConnection ${this.#session.base.href} as ${this.#session.user}${this.#session.closed ? " (closed)" : ""}>`;
  }
}
