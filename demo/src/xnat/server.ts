/** The demo ConnectomeDB's single request handler: security filters, then the REST routes. */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { authenticate, Authentication, formLogin, isBrowser } from "./auth.js";
import { displayDocument } from "./display-document.js";
import { experimentJson, experimentXml, projectJson, projectXml, scanJson, scanXml, subjectJson, subjectXml } from "./documents.js";
import { listElements, listFields, resolveTypes } from "./elements.js";
import { generateCatalog, DEFAULT_SEED } from "./generate.js";
import { ListingParameterError, listExperiments, listProjects, listScans, listSubjects, sortTable } from "./listings.js";
import { findElementType } from "./fields.js";
import { Catalog, ExperimentRecord, labelIn, projectsOf, SubjectRecord } from "./model.js";
import { homePage, loginFailureMessage, loginPage, restletStatusPage, tomcatErrorPage } from "./pages.js";
import { parseSearchDocument, SearchDocumentError } from "./search-document.js";
import { defaultSearchXml, SavedSearches } from "./saved-searches.js";
import { pageOf, pagingNumber, SearchCache } from "./search-cache.js";
import { runSearch, SearchEvaluationError } from "./search-eval.js";
import { Account, Session, SessionStore } from "./sessions.js";
import { nonToolboxSchema } from "./schema-document.js";
import { renderTable, Table } from "./table.js";
import { decodeSegment, HttpFailure, normalisePath, readBody, searchXmlFrom, send, tableFormat } from "./http-io.js";
import { serveFiles, type FileScope } from "./files/routes.js";
import { experimentScope, projectScope, scansScope, subjectScope } from "./files/scopes.js";

/** Settings of the demo XNAT protocol. */
export interface XnatHandlerOptions {
  user: string;
  password: string;
  /** Idle time after which a session is gone (XNAT default 900 s). */
  sessionIdleSeconds?: number;
  /** Failed logins before the account locks (XNAT default 20). */
  maxFailedLogins?: number;
  /** How long a locked account stays locked (XNAT default 3600 s). */
  lockoutSeconds?: number;
  /** Open sessions allowed per user (XNAT default 1000); further logins fail with 401. */
  maxSessionsPerUser?: number;
  /** Data seed; the tutorial's values come out the same for every seed. */
  seed?: number;
  /** Seconds an unused cached search result lives (default 1800); then `GET /data/search/{ID}` answers 410. */
  searchCacheSeconds?: number;
  /** Clock in ms (tests pass a fake one to expire sessions without waiting). */
  now?: () => number;
}

/** Request counters, for tests and benchmarks. */
export interface XnatStats {
  /** Every HTTP request received. */
  requests: number;
  /** Successful logins (Basic or form) that created a session. */
  logins: number;
  /** Rejected credentials (wrong password, locked account, too many sessions). */
  failedLogins: number;
  /** Requests answered 401 or redirected to the login page for lack of a session. */
  unauthenticated: number;
  /** Listing requests (projects, subjects, experiments, search elements). */
  listings: number;
  /** Item documents served (XML or JSON). */
  documents: number;
  /** POST /data/search requests that ran. */
  searches: number;
  /** Single files served from resources (whole or ranged). */
  files: number;
  /** Resources or collections served as one zip. */
  zips: number;
}

/** The handler plus the controls a test (or a fault-injection layer) needs. */
export interface XnatHandler {
  handler: RequestListener;
  catalog: Catalog;
  /** Ends every session now (as if they had expired); returns how many ended. */
  expireSessions(): number;
  /** Number of live sessions. */
  sessionCount(): number;
  stats(): XnatStats;
  resetStats(): void;
  /** Clears failed-login counts and any account lockout. */
  unlockAccount(): void;
}

const SITE_ID = "ConnectomeDB";
/** Restlet's description of 400, the text of its default status page. */
const BAD_REQUEST_DESCRIPTION = "The request could not be understood by the server due to malformed syntax";

interface Context {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  siteUrl: string;
  session: Session;
  cookies: string[];
}

function emptyStats(): XnatStats {
  return { requests: 0, logins: 0, failedLogins: 0, unauthenticated: 0, listings: 0, documents: 0, searches: 0, files: 0, zips: 0 };
}

/** Builds the request handler of the demo ConnectomeDB. */
export function createXnatHandler(options: XnatHandlerOptions): XnatHandler {
  const now = options.now ?? Date.now;
  const catalog = generateCatalog(options.seed ?? DEFAULT_SEED);
  const sessions = new SessionStore({
    idleMs: (options.sessionIdleSeconds ?? 900) * 1000,
    maxSessionsPerUser: options.maxSessionsPerUser ?? 1000,
    now,
  });
  const account = new Account({
    user: options.user,
    password: options.password,
    maxFailedLogins: options.maxFailedLogins ?? 20,
    lockoutMs: (options.lockoutSeconds ?? 3600) * 1000,
    now,
  });
  const savedSearches = new SavedSearches();
  const searchCache = new SearchCache((options.searchCacheSeconds ?? 1800) * 1000, now);
  let stats = emptyStats();

  const handler: RequestListener = (request, response) => {
    stats.requests++;
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpFailure ? error.status : error instanceof ListingParameterError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) send(response, status, "text/html; charset=UTF-8", restletStatusPage(status, message));
      else response.destroy();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const host = request.headers.host ?? "127.0.0.1";
    const url = new URL(request.url ?? "/", `http://${host}`);
    const siteUrl = `http://${host}`;
    const path = normalisePath(url.pathname);
    const method = (request.method ?? "GET").toUpperCase();

    if (path === "/app/template/Login.vm") return send(response, 200, "text/html; charset=UTF-8", loginPage(SITE_ID));
    if (path === "/data/services/auth" && (method === "PUT" || method === "POST")) return serviceLogin(request, response);

    const auth = authenticate(request, sessions, account);
    if (auth.kind === "rejected") {
      stats.failedLogins++;
      return send(response, 401, "text/html;charset=utf-8", tomcatErrorPage(401, loginFailureMessage(account.maxFailedLogins)));
    }
    const cookies: string[] = [];
    if (auth.kind === "session" && auth.created) {
      stats.logins++;
      cookies.push(`JSESSIONID=${auth.session.id}; Path=/; HttpOnly`);
    }

    if (path === "/data/JSESSION") return jsession(request, response, url, auth, cookies, method);
    if (auth.kind !== "session") {
      stats.unauthenticated++;
      if (isBrowser(request)) {
        response.writeHead(302, { Location: `${siteUrl}/app/template/Login.vm`, "Content-Length": "0" });
        response.end();
        return;
      }
      return send(response, 401, "text/html;charset=utf-8", tomcatErrorPage(401, "Full authentication is required to access this resource"), {
        "WWW-Authenticate": `Basic realm="${SITE_ID}"`,
      });
    }
    cookies.push(`SESSION_EXPIRATION_TIME="${now()},${sessions.idleMs}"; Path=/`);
    const context: Context = { request, response, url, siteUrl, session: auth.session, cookies };
    await route(context, path, method);
  }

  async function serviceLogin(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(request)).toString("utf8"));
    const user = form.get("username") ?? form.get("j_username") ?? "";
    const password = form.get("password") ?? form.get("j_password") ?? "";
    const auth = formLogin(user, password, sessions, account);
    if (auth.kind !== "session") {
      stats.failedLogins++;
      return send(response, 401, "text/html; charset=UTF-8", restletStatusPage(401, "Authentication failed."));
    }
    stats.logins++;
    return send(response, 200, "text/plain; charset=UTF-8", auth.session.id, { "Set-Cookie": [`JSESSIONID=${auth.session.id}; Path=/; HttpOnly`] });
  }

  function jsession(request: IncomingMessage, response: ServerResponse, url: URL, auth: Authentication, cookies: string[], method: string) {
    if (method === "DELETE") {
      if (auth.kind === "session") sessions.invalidate(auth.session.id);
      return send(response, 200, "text/plain; charset=UTF-8", "", { "Set-Cookie": cookies });
    }
    if (method !== "GET" && method !== "POST" && method !== "HEAD") throw new HttpFailure(405, "Method Not Allowed");
    let session = auth.kind === "session" ? auth.session : undefined;
    if (!session) {
      session = sessions.create(null);
      if (!session) throw new HttpFailure(500, "could not create a session");
      cookies.push(`JSESSIONID=${session.id}; Path=/; HttpOnly`);
    }
    const csrf = url.searchParams.get("CSRF") === "true" ? `; XNAT_CSRF=${session.csrfToken}` : "";
    return send(response, 200, "text/plain; charset=UTF-8", `${session.id}${csrf}`, { "Set-Cookie": cookies });
  }

  async function route(context: Context, path: string, method: string): Promise<void> {
    const segments = path.split("/").filter(Boolean).map(decodeSegment);
    const readOnly = method === "GET" || method === "HEAD";
    if (segments[0] === "data") {
      const rest = segments.slice(1);
      if (rest[0] === "auth" && rest.length === 1 && readOnly) {
        return reply(context, 200, "text/plain; charset=UTF-8", `User '${context.session.user}' is logged in`);
      }
      if (rest[0] === "search") return search(context, rest.slice(1), method);
      if (!readOnly) throw new HttpFailure(405, "Method Not Allowed");
      return archive(context, rest);
    }
    if (segments[0] === "xapi" && segments[1] === "siteConfig" && segments[2] === "buildInfo" && readOnly) {
      return reply(context, 200, "application/json; charset=UTF-8", JSON.stringify({ version: "1.8.11", buildNumber: "demo", commit: "neuroportal-demo" }));
    }
    if (segments[0] === "schemas" && segments[1] === "nt" && readOnly) {
      const file = segments.slice(2).join("/");
      if (file === "display/nt_scores_display.xml") return reply(context, 200, "text/xml; charset=UTF-8", displayDocument("nt:scores") as string);
      if (file === "nontoolbox.xsd") return reply(context, 200, "text/xml; charset=UTF-8", nonToolboxSchema());
    }
    if (segments.length === 0 && readOnly) return reply(context, 200, "text/html; charset=UTF-8", homePage(SITE_ID, context.session.user ?? "guest"));
    throw new HttpFailure(404, "The server has not found anything matching the request URI");
  }

  function archive(context: Context, rest: string[]): void {
    const query = context.url.searchParams;
    const format = query.get("format")?.toLowerCase();
    const [collection, id, sub, subId, leaf, leafId, ...extra] = rest;

    if (collection === "projects") {
      if (id === undefined) return listing(context, listProjects(catalog, query));
      const project = catalog.projectById.get(id);
      if (!project) {
        if (sub === undefined) throw new HttpFailure(404, "Unable to find the specified experiment.");
        throw new HttpFailure(404, `Unable to identify project ${id}`);
      }
      if (sub === undefined) return item(context, format, () => projectXml(project, context.siteUrl), () => projectJson(project));
      if (sub === "resources" || sub === "files") return files(context, projectScope(catalog, project), rest.slice(2));
      if (sub === "subjects") {
        if (subId === undefined) return listing(context, listSubjects(catalog, query, project.id));
        if (leaf === undefined) {
          const subject = findSubjectInProject(project.id, subId);
          if (!subject) throw new HttpFailure(404, "Unable to find the specified subject.");
          return item(context, format, () => subjectXml(subject, context.siteUrl), () => subjectJson(subject));
        }
        if (leaf === "resources" || leaf === "files") {
          const subject = findSubjectInProject(project.id, subId);
          if (!subject) throw new HttpFailure(404, "Unable to find the specified subject.");
          return files(context, subjectScope(subject), rest.slice(4));
        }
        if (leaf !== "experiments") throw new HttpFailure(404, "The server has not found anything matching the request URI");
        const subject = findSubjectForExperiments(project.id, subId);
        if (!subject) throw new HttpFailure(404, `Unable to identify subject ${subId}`);
        if (leafId === undefined) return listing(context, listExperiments(catalog, query, project.id, subject.id));
        const experiment = findExperimentInProject(project.id, leafId);
        if (!experiment || experiment.subjectId !== subject.id) throw new HttpFailure(404, "Unable to find the specified experiment.");
        return experimentResource(context, format, experiment, extra);
      }
      if (sub === "experiments") {
        if (subId === undefined) return listing(context, listExperiments(catalog, query, project.id));
        const experiment = findExperimentInProject(project.id, subId);
        if (!experiment) throw new HttpFailure(404, "Unable to find the specified experiment.");
        return experimentResource(context, format, experiment, rest.slice(4));
      }
      throw new HttpFailure(404, "The server has not found anything matching the request URI");
    }
    if (collection === "subjects" && (sub === undefined || sub === "resources" || sub === "files")) {
      if (id === undefined) return listing(context, listSubjects(catalog, query));
      const subject = catalog.subjectById.get(id);
      if (!subject) throw new HttpFailure(404, "Unable to find the specified subject.");
      if (sub !== undefined) return files(context, subjectScope(subject), rest.slice(2));
      return item(context, format, () => subjectXml(subject, context.siteUrl), () => subjectJson(subject));
    }
    if (collection === "experiments") {
      if (id === undefined) return listing(context, listExperiments(catalog, query));
      const experiment = catalog.experimentById.get(id);
      if (!experiment) throw new HttpFailure(404, "Unable to find the specified experiment.");
      return experimentResource(context, format, experiment, rest.slice(2));
    }
    throw new HttpFailure(404, "The server has not found anything matching the request URI");
  }

  /** The experiment itself, its `scans` listing, one scan, or the files of the session or its scans. */
  function experimentResource(context: Context, format: string | undefined, experiment: ExperimentRecord, tail: string[]): void {
    if (tail.length === 0) return item(context, format, () => experimentXml(experiment, context.siteUrl), () => experimentJson(experiment));
    if (tail[0] === "resources" || tail[0] === "files") return files(context, experimentScope(experiment), tail);
    if (tail[0] === "scans" && tail.length > 2) {
      const scope = scansScope(experiment, tail[1]);
      if (!scope) throw new HttpFailure(404, "Unable to find the specified scan.");
      return files(context, scope, tail.slice(2));
    }
    if (tail[0] !== "scans") throw new HttpFailure(404, "The server has not found anything matching the request URI");
    if (tail.length === 1) return listing(context, listScans(experiment, context.url.searchParams));
    const scan = experiment.mr?.scans.find((candidate) => candidate.id === tail[1]);
    if (!scan) throw new HttpFailure(404, "Unable to find the specified scan.");
    return item(context, format, () => scanXml(experiment, scan, context.siteUrl), () => scanJson(experiment, scan));
  }

  /** Resource and file requests below an owner (see `files/routes.ts`); reads only. */
  function files(context: Context, scope: FileScope, tail: string[]): void {
    return serveFiles({ request: context.request, response: context.response, query: context.url.searchParams, cookies: context.cookies }, scope, tail, stats);
  }

  /** Site-wide ID first, then the label within the project. */
  function findSubjectInProject(project: string, idOrLabel: string): SubjectRecord | undefined {
    const byId = catalog.subjectById.get(idOrLabel);
    if (byId && projectsOf(byId).includes(project)) return byId;
    return catalog.subjects.find((subject) => labelIn(subject, project) === idOrLabel);
  }

  /** Label within the project first, then an ID that belongs to the project. */
  function findSubjectForExperiments(project: string, labelOrId: string): SubjectRecord | undefined {
    const byLabel = catalog.subjects.find((subject) => labelIn(subject, project) === labelOrId);
    if (byLabel) return byLabel;
    const byId = catalog.subjectById.get(labelOrId);
    return byId && projectsOf(byId).includes(project) ? byId : undefined;
  }

  function findExperimentInProject(project: string, idOrLabel: string): ExperimentRecord | undefined {
    const byId = catalog.experimentById.get(idOrLabel);
    if (byId && projectsOf(byId).includes(project)) return byId;
    return catalog.experiments.find((experiment) => labelIn(experiment, project) === idOrLabel);
  }

  function item(context: Context, format: string | undefined, xml: () => string, json: () => string): void {
    stats.documents++;
    if (format === "json") return reply(context, 200, "application/json; charset=UTF-8", json());
    return reply(context, 200, "text/xml; charset=UTF-8", xml());
  }

  function listing(context: Context, build: Table | (() => Table)): void {
    stats.listings++;
    const table = typeof build === "function" ? build() : build;
    const rendered = renderTable(table, tableFormat(context.url.searchParams.get("format")));
    return reply(context, 200, rendered.contentType, rendered.body);
  }

  async function search(context: Context, rest: string[], method: string): Promise<void> {
    const readOnly = method === "GET" || method === "HEAD";
    if (rest.length === 0) {
      if (method !== "POST") throw new HttpFailure(405, "Method Not Allowed");
      const body = await readBody(context.request);
      let table: Table;
      try {
        const xml = searchXmlFrom(context.request, body);
        const spec = parseSearchDocument(xml);
        table = runSearch(catalog, spec);
      } catch (error) {
        if (error instanceof SearchDocumentError) throw new HttpFailure(422, error.message);
        if (error instanceof SearchEvaluationError) throw new HttpFailure(500, error.message);
        throw error;
      }
      stats.searches++;
      const query = context.url.searchParams;
      sortTable(table, query);
      if (query.get("cache") === "true") {
        const limit = pagingNumber(query.get("limit"));
        if (limit === null) throw new HttpFailure(422, `limit must be a non-negative integer, not ${JSON.stringify(query.get("limit"))}`);
        table = pageOf(table, 0, limit, searchCache.put(table, context.session.user ?? ""));
      }
      return tableReply(context, table);
    }
    if (rest[0] === "elements" && readOnly && rest.length <= 2) {
      if (rest.length === 1) return listing(context, listElements(catalog));
      const { types, unknown } = resolveTypes(rest[1]);
      // XNAT answers an unknown type with 400 and no representation of its own, so Restlet's
      // default status page for 400 is what the client gets.
      if (unknown.length > 0 || types.length === 0) throw new HttpFailure(400, BAD_REQUEST_DESCRIPTION);
      return listing(context, listFields(catalog, types));
    }
    if (rest[0] === "saved") return savedSearch(context, rest.slice(1), method);
    if (!readOnly) throw new HttpFailure(405, "Method Not Allowed");
    if (rest.length === 1 && rest[0] !== "elements") return cachedSearch(context, rest[0]);
    throw new HttpFailure(404, "The server has not found anything matching the request URI");
  }

  async function savedSearch(context: Context, rest: string[], method: string): Promise<void> {
    const readOnly = method === "GET" || method === "HEAD";
    const [id, results, ...extra] = rest;
    if (extra.length > 0 || (results !== undefined && results !== "results")) {
      throw new HttpFailure(404, "The server has not found anything matching the request URI");
    }
    if (id === undefined) {
      if (!readOnly) throw new HttpFailure(405, "Method Not Allowed");
      return listing(context, savedSearches.list());
    }
    if (results === undefined && (method === "PUT" || method === "POST")) {
      const xml = (await readBody(context.request)).toString("utf8");
      let spec;
      try {
        spec = parseSearchDocument(xml);
      } catch (error) {
        if (error instanceof SearchDocumentError) throw new HttpFailure(422, `not a stored search: ${error.message}`);
        throw error;
      }
      if (!findElementType(spec.rootElement)) throw new HttpFailure(403, `Unable to query data type ${spec.rootElement}`);
      savedSearches.put(id, xml, spec, context.session.user ?? "");
      return reply(context, 200, "text/plain; charset=UTF-8", "");
    }
    if (results === undefined && method === "DELETE") {
      if (!savedSearches.delete(id)) throw new HttpFailure(404, `Unable to find the stored search ${id}`);
      return reply(context, 200, "text/plain; charset=UTF-8", "");
    }
    if (!readOnly) throw new HttpFailure(405, "Method Not Allowed");
    const xml = id.startsWith("@") ? defaultSearchXml(id.slice(1)) : savedSearches.get(id)?.xml;
    if (xml === undefined) throw new HttpFailure(404, `Unable to find the stored search ${id}`);
    if (results === undefined) {
      stats.documents++;
      return reply(context, 200, "text/xml; charset=UTF-8", xml);
    }
    let table: Table;
    try {
      table = runSearch(catalog, parseSearchDocument(xml));
    } catch (error) {
      if (error instanceof SearchEvaluationError) throw new HttpFailure(500, error.message);
      throw error;
    }
    stats.searches++;
    sortTable(table, context.url.searchParams);
    return tableReply(context, table);
  }

  function cachedSearch(context: Context, id: string): void {
    const lookup = searchCache.get(id, context.session.user ?? "");
    if (lookup.kind === "expired") throw new HttpFailure(410, `The cached search ${id} has expired; run the search again`);
    if (lookup.kind === "unknown") throw new HttpFailure(404, `Unable to find the cached search ${id}`);
    const query = context.url.searchParams;
    const offset = pagingNumber(query.get("offset"));
    const limit = pagingNumber(query.get("limit"));
    if (offset === null || limit === null) {
      throw new HttpFailure(422, `offset and limit must be non-negative integers (offset=${query.get("offset")}, limit=${query.get("limit")})`);
    }
    const table = { ...lookup.table, rows: [...lookup.table.rows] };
    sortTable(table, query);
    stats.listings++;
    return tableReply(context, pageOf(table, offset ?? 0, limit, id));
  }

  function tableReply(context: Context, table: Table): void {
    const rendered = renderTable(table, tableFormat(context.url.searchParams.get("format")));
    return reply(context, 200, rendered.contentType, rendered.body);
  }

  function reply(context: Context, status: number, contentType: string, body: string): void {
    return send(context.response, status, contentType, body, { "Set-Cookie": context.cookies });
  }

  return {
    handler,
    catalog,
    expireSessions: () => sessions.invalidateAll(),
    sessionCount: () => sessions.size,
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats = emptyStats();
    },
    unlockAccount: () => account.unlock(),
  };
}
