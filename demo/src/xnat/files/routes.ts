/**
 * XNAT's file protocol on the demo ConnectomeDB: resource listings, file listings (JSON, CSV,
 * XML), whole collections as one zip (`?format=zip`), and single files with ranges and
 * validators, under any owner (project, subject, session, scan).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createZip } from "../../zip.js";
import { HttpFailure, send, tableFormat } from "../http-io.js";
import { renderTable, type Table } from "../table.js";
import type { FileRecord, ResourceRecord } from "./resources.js";

/** Whose resources a request is about, and how XNAT names them in URIs and zips. */
export interface FileScope {
  /** The owner's resources. */
  resources: readonly ResourceRecord[];
  /** Site-wide URI of the owner: `/data/experiments/<ID>`, `.../scans/<n>`, `/data/subjects/<ID>`, `/data/projects/<ID>`. */
  uri: string;
  /** The first folder of zip members: the session, subject or project label. */
  zipRoot: string;
  /** How a zip member's path continues after `zipRoot` for a resource (`scans/<n>/` for scan resources). */
  zipPrefix: (resource: ResourceRecord) => string;
  /** The site-wide URI of a resource's owner (scan resources of a session listed together keep their scan). */
  ownerUri: (resource: ResourceRecord) => string;
}

/** One request for files, with what the server already decided (cookies to send). */
export interface FileRequest {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  cookies: string[];
}

/** What the file routes count. */
export interface FileStats {
  /** Single files served (GET or HEAD, whole or ranged). */
  files: number;
  /** Zips served. */
  zips: number;
}

const LAST_MODIFIED = "Sat, 01 Jun 2013 12:00:00 GMT";
const RESOURCE_COLUMNS = ["xnat_abstractresource_id", "label", "element_name", "category", "cat_id", "cat_desc", "file_count", "file_size", "tags", "content", "format"];
const FILE_COLUMNS = ["Name", "Size", "URI", "collection", "file_tags", "file_format", "file_content", "cat_ID", "digest"];

/**
 * Serves `tail` below the owner: `resources`, `resources/{id or label}`,
 * `resources/{r}/files[/{path}]`, `files[/{path}]`.
 */
export function serveFiles(req: FileRequest, scope: FileScope, tail: readonly string[], stats: FileStats): void {
  const [head, ref, files, ...path] = tail;
  if (head === "files") return collection(req, scope, scope.resources, tail.slice(1), stats);
  if (head !== "resources") throw new HttpFailure(404, "The server has not found anything matching the request URI");
  if (ref === undefined) return tableReply(req, resourceTable(scope.resources));
  const resource = scope.resources.find((candidate) => String(candidate.id) === ref || candidate.label === ref);
  if (!resource) throw new HttpFailure(404, `Unable to find the specified resource ${ref}.`);
  if (files === undefined) return reply(req, 200, "text/xml; charset=UTF-8", resourceXml(resource));
  if (files !== "files") throw new HttpFailure(404, "The server has not found anything matching the request URI");
  return collection(req, scope, [resource], path, stats);
}

/** A file listing, a zip of it, or one file of `resources`. */
function collection(req: FileRequest, scope: FileScope, resources: readonly ResourceRecord[], path: readonly string[], stats: FileStats): void {
  if (path.length > 0) {
    const wanted = path.join("/");
    for (const resource of resources) {
      const found = resource.files.find((file) => file.path === wanted);
      if (found) return sendFile(req, found, stats);
    }
    throw new HttpFailure(404, "Unable to find file.");
  }
  const format = req.query.get("format")?.toLowerCase();
  if (format === "zip" || format === "application/zip") return sendZip(req, scope, resources, stats);
  return tableReply(req, fileTable(scope, resources));
}

function resourceTable(resources: readonly ResourceRecord[]): Table {
  return {
    columns: RESOURCE_COLUMNS,
    rows: resources.map((r) => [String(r.id), r.label, "xnat:resourceCatalog", r.category, r.catId, "", String(r.files.length), String(r.files.reduce((sum, f) => sum + f.size, 0)), r.tags, r.content, r.format]),
    meta: { totalRecords: resources.length, title: "Resources" },
  };
}

function fileUri(scope: FileScope, resource: ResourceRecord, file: FileRecord): string {
  return `${scope.ownerUri(resource)}/resources/${resource.id}/files/${file.path}`;
}

function fileTable(scope: FileScope, resources: readonly ResourceRecord[]): Table {
  return {
    columns: FILE_COLUMNS,
    rows: resources.flatMap((r) => r.files.map((f) => [f.name, String(f.size), fileUri(scope, r, f), r.label, f.tags, f.format, f.content, String(r.id), f.md5])),
    meta: { totalRecords: resources.reduce((sum, r) => sum + r.files.length, 0), title: "Files" },
  };
}

function resourceXml(resource: ResourceRecord): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xnat:resourceCatalog ID="${resource.id}" label="${resource.label}" format="${resource.format}" content="${resource.content}" xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `\t<xnat:file_count>${resource.files.length}</xnat:file_count>`,
    `\t<xnat:file_size>${resource.files.reduce((sum, f) => sum + f.size, 0)}</xnat:file_size>`,
    "</xnat:resourceCatalog>",
    "",
  ].join("\n");
}

/**
 * XNAT's default zip layout: `<label>/[scans/<n>/]resources/<resource label>/files/<path>`
 * (`structure=simplified` drops `resources/` and `files/`), streamed with chunked encoding
 * and no length, as XNAT does.
 */
function sendZip(req: FileRequest, scope: FileScope, resources: readonly ResourceRecord[], stats: FileStats): void {
  const simplified = req.query.get("structure")?.toLowerCase() === "simplified";
  const entries = resources.flatMap((resource) =>
    resource.files.map((file) => ({
      name: simplified ? `${scope.zipRoot}/${scope.zipPrefix(resource)}${resource.label}/${file.path}` : `${scope.zipRoot}/${scope.zipPrefix(resource)}resources/${resource.label}/files/${file.path}`,
      data: file.data,
    })),
  );
  if (entries.length === 0) throw new HttpFailure(404, "Unable to find file.");
  stats.zips++;
  const archive = createZip(entries);
  const { response } = req;
  response.writeHead(200, { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${scope.zipRoot}.zip"`, "Set-Cookie": req.cookies });
  if (req.request.method === "HEAD") return void response.end();
  const chunk = 16 * 1024;
  for (let at = 0; at < archive.length; at += chunk) response.write(archive.subarray(at, at + chunk));
  response.end();
}

/** One file: `Range: bytes=a-[b]` answered with 206 (unless `If-Range` names another version), 416 past the end, HEAD without a body. */
function sendFile(req: FileRequest, file: FileRecord, stats: FileStats): void {
  stats.files++;
  const etag = `"${file.md5}"`;
  const headers: Record<string, string | string[]> = {
    "Content-Type": contentType(file.name),
    ETag: etag,
    "Last-Modified": LAST_MODIFIED,
    "Accept-Ranges": "bytes",
    "Set-Cookie": req.cookies,
  };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.request.headers.range ?? "");
  const ifRange = req.request.headers["if-range"];
  const honoured = range && (ifRange === undefined || ifRange === etag || ifRange === LAST_MODIFIED);
  let body = file.data;
  let status = 200;
  if (honoured) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), file.size - 1) : file.size - 1;
    if (start >= file.size || end < start) {
      req.response.writeHead(416, { "Content-Range": `bytes */${file.size}`, "Content-Length": "0", "Set-Cookie": req.cookies });
      return void req.response.end();
    }
    body = file.data.subarray(start, end + 1);
    status = 206;
    headers["Content-Range"] = `bytes ${start}-${end}/${file.size}`;
  }
  headers["Content-Length"] = String(body.length);
  req.response.writeHead(status, headers);
  req.response.end(req.request.method === "HEAD" ? undefined : body);
}

function contentType(name: string): string {
  if (name.endsWith(".dcm")) return "application/dicom";
  if (name.endsWith(".txt")) return "text/plain";
  return "application/octet-stream";
}

function tableReply(req: FileRequest, table: Table): void {
  const rendered = renderTable(table, tableFormat(req.query.get("format")));
  return reply(req, 200, rendered.contentType, rendered.body);
}

function reply(req: FileRequest, status: number, type: string, body: string): void {
  send(req.response, status, type, body, { "Set-Cookie": req.cookies });
}
