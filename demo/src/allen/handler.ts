import type * as http from "node:http";
import { ArchiveCache, GRID_VOLUMES, GridVolume } from "./archives.js";
import { buildCatalog, CatalogRecord } from "./catalog.js";
import { evaluate, type QueryResult } from "./rma-eval.js";
import { legacyQuery, normalizedQuery, parseQueryString, RmaQuery, RmaRequestError } from "./rma-query.js";

/** The demo's data: catalog records and the zip cache. */
export interface AllenDemoData {
  catalog: Map<string, CatalogRecord[]>;
  archives: ArchiveCache;
}

/** Builds the demo's records and zip cache (zips are built on first request, then reused). */
export function createAllenDemoData(): AllenDemoData {
  return { catalog: buildCatalog(), archives: new ArchiveCache() };
}

/**
 * The single request handler of the Allen demo: RMA queries, well-known file downloads and
 * grid downloads. Repeated slashes in paths are tolerated (the seed builds `//api/v2/...`).
 */
export function createAllenHandler(data: AllenDemoData = createAllenDemoData()): http.RequestListener {
  return (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return sendEnvelopeError(res, 405, `method ${req.method} is not allowed; the Allen API is read-only`);
      const raw = req.url ?? "/";
      const at = raw.indexOf("?");
      const pathname = (at < 0 ? raw : raw.slice(0, at)).replace(/\/{2,}/g, "/");
      const params = parseQueryString(at < 0 ? "" : raw.slice(at + 1));
      route(data, pathname, params, req, res);
    } catch (error) {
      if (error instanceof RmaRequestError) return sendEnvelopeError(res, error.status, error.message);
      sendEnvelopeError(res, 500, `internal error: ${(error as Error).message}`);
    }
  };
}

function route(data: AllenDemoData, pathname: string, params: Map<string, string>, req: http.IncomingMessage, res: http.ServerResponse): void {
  let m: RegExpExecArray | null;
  if ((m = /^\/api\/v2\/data\/query\.(\w+)$/.exec(pathname))) return answerQuery(data, res, m![1], () => normalizedQuery(params));
  if ((m = /^\/api\/v2\/data\/([A-Z]\w*)\/query\.(\w+)$/.exec(pathname))) return answerQuery(data, res, m![2], () => legacyQuery(m![1], params));
  if ((m = /^\/api\/v2\/data\/([A-Z]\w*)\/(\d+)\.(\w+)$/.exec(pathname))) {
    return answerQuery(data, res, m![3], () => {
      const query = legacyQuery(m![1], params);
      query.filters.push({ attribute: "id", op: "eq", values: [m![2]] });
      return query;
    });
  }
  if ((m = /^\/api\/v2\/structure_graph_download\/(\d+)\.json$/.exec(pathname))) {
    const structures = (data.catalog.get("Structure") ?? []).map((r) => r.fields).filter((f) => String(f.graph_id) === m![1]);
    if (structures.length === 0) return sendEnvelopeError(res, 404, `StructureGraph ${m[1]} does not exist`);
    const tree = nestStructures(structures);
    return sendJson(res, 200, { success: true, id: 0, start_row: 0, num_rows: tree.length, total_rows: tree.length, msg: tree });
  }
  if ((m = /^\/api\/v2\/well_known_file_download\/(\d+)$/.exec(pathname))) {
    const file = data.archives.wellKnownFile(Number(m[1]));
    if (!file) return sendEnvelopeError(res, 404, `WellKnownFile ${m[1]} does not exist`);
    return sendZip(req, res, file.zip, file.fileName);
  }
  // The real server answers `/grid_data/download/<id>&include=...` (a `&` where a `?` belongs, as
  // some clients build it) with the default zip, ignoring what follows the id.
  if ((m = /^\/grid_data\/download\/(\d+)(?:&.*)?$/.exec(pathname))) {
    const include = params.get("include")?.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = include?.filter((v) => !(GRID_VOLUMES as readonly string[]).includes(v));
    if (unknown?.length) return sendEnvelopeError(res, 400, `unknown grid volume ${unknown.join(", ")}; choose from ${GRID_VOLUMES.join(", ")}`);
    const zip = data.archives.grid(Number(m[1]), include as GridVolume[] | undefined);
    if (!zip) return sendEnvelopeError(res, 404, `SectionDataSet ${m[1]} does not exist or has no grid data`);
    return sendZip(req, res, zip, `${m[1]}.zip`);
  }
  if (pathname === "/" || pathname === "") {
    return sendJson(res, 200, { service: "neuroportal Allen Brain Atlas API demo", models: [...data.catalog.keys()], endpoints: ["api/v2/data/<Model>/query.json", "api/v2/data/query.json?criteria=model::<Model>,...", "api/v2/well_known_file_download/<id>", "grid_data/download/<id>", "api/v2/structure_graph_download/<graph id>.json"] });
  }
  sendEnvelopeError(res, 404, `no such resource: ${pathname}`);
}

/** Serialized answers per query and page, most recently used last; the catalog never changes, so an answer never goes stale. */
const answerCache = new WeakMap<AllenDemoData, Map<string, Buffer>>();
const ANSWER_CACHE_ENTRIES = 128;

/**
 * Answers an RMA query as the real API does: rows in `msg`, `total_rows` as the evaluator
 * counts it (over-counted for queries with `include=`), an empty result as `"msg": {}` without
 * `total_rows`, and a query the server cannot run as `success: false` with HTTP 200.
 */
function answerQuery(data: AllenDemoData, res: http.ServerResponse, format: string, build: () => RmaQuery): void {
  if (format !== "json") return sendQueryFailure(res, `the demo server answers .json only, not .${format}`);
  let query: RmaQuery;
  try {
    query = build();
  } catch (error) {
    if (error instanceof RmaRequestError) return sendQueryFailure(res, error.message);
    throw error;
  }
  let answers = answerCache.get(data);
  if (!answers) answerCache.set(data, (answers = new Map()));
  const key = JSON.stringify(query);
  const cached = answers.get(key);
  if (cached) {
    answers.delete(key);
    answers.set(key, cached);
    return sendBody(res, 200, cached);
  }
  const records = data.catalog.get(query.model);
  if (!records) return sendQueryFailure(res, `unknown model ${query.model}; the demo knows ${[...data.catalog.keys()].join(", ")}`);
  let result: QueryResult;
  try {
    result = evaluate(records, query);
  } catch (error) {
    if (error instanceof RmaRequestError) return sendQueryFailure(res, error.message);
    throw error;
  }
  const envelope =
    result.rows.length === 0
      ? { success: true, id: 0, start_row: result.startRow, num_rows: 0, msg: {} }
      : { success: true, id: 0, start_row: result.startRow, num_rows: result.rows.length, total_rows: result.totalRows, msg: result.rows };
  const body = Buffer.from(JSON.stringify(envelope));
  if (answers.size >= ANSWER_CACHE_ENTRIES) answers.delete(answers.keys().next().value!);
  answers.set(key, body);
  sendBody(res, 200, body);
}

/** The flat Structure rows of one graph as the nested tree `structure_graph_download` answers (roots with `children`). */
function nestStructures(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const nodes = new Map(rows.map((row) => [row.id, { ...row, children: [] as Record<string, unknown>[] }]));
  const roots: Record<string, unknown>[] = [];
  for (const row of [...rows].sort((a, b) => (a.graph_order as number) - (b.graph_order as number))) {
    const node = nodes.get(row.id)!;
    const parent = row.parent_structure_id === null ? undefined : nodes.get(row.parent_structure_id);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendBody(res, status, Buffer.from(JSON.stringify(body)));
}

function sendBody(res: http.ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}

/** A query the server could not run: `success: false` with the reason in `msg`, answered with HTTP 200 as the real API does. */
function sendQueryFailure(res: http.ServerResponse, message: string): void {
  sendJson(res, 200, { success: false, msg: message });
}

/** The failure envelope of the other routes (downloads, unknown paths): `success: false` with the reason in `msg`. */
function sendEnvelopeError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { success: false, id: -1, start_row: 0, num_rows: 0, total_rows: 0, msg: message });
}

function sendZip(req: http.IncomingMessage, res: http.ServerResponse, zip: Buffer, fileName: string): void {
  res.writeHead(200, { "content-type": "application/zip", "content-length": zip.length, "content-disposition": `attachment; filename="${fileName}"` });
  res.end(req.method === "HEAD" ? undefined : zip);
}
