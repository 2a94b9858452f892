import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/from-rows.js";
import { UnexpectedContentError } from "../http/errors.js";
import { checkArgument, recordList } from "../core/validate.js";
import type { Listing } from "./listing.js";

/** One resource (XNAT's file catalog) of a project, subject, session or scan. */
export interface XnatResource {
  /** The site-wide `xnat_abstractresource_id`. */
  id: string;
  label: string;
  format: string;
  content: string;
  tags: string;
  /** `scans` for scan resources, else `resources`. */
  category: string;
  /** The scan ID for scan resources, else "". */
  scan: string;
  fileCount: number;
  /** Bytes (NaN when the server did not say). */
  fileSize: number;
}

/** One file of a resource, as XNAT lists it. */
export interface XnatFile {
  name: string;
  /** The path inside its resource (may contain `/`). */
  path: string;
  size: number;
  format: string;
  content: string;
  tags: string;
  /** The resource's label (XNAT's `collection`). */
  resource: string;
  /** The resource's ID (XNAT's `cat_ID`). */
  resourceId: string;
  /** The scan ID for files of scan resources, else "". */
  scan: string;
  /** MD5 as lower-case hex when the server lists one (XNAT's `digest`, with checksums enabled). */
  digest?: string;
  /** The file's URI as listed, relative to the server root (`/data/experiments/<ID>/.../files/<path>`). */
  uri: string;
}

/** Columns of {@link toResourceFrame}. */
export const RESOURCE_COLUMNS = ["label", "id", "format", "content", "tags", "category", "scan", "file_count", "file_size"] as const;
/** Columns of {@link toFileFrame}. */
export const FILE_COLUMNS = ["scan", "resource", "path", "name", "size", "format", "content", "tags", "digest", "uri"] as const;

const number = (text: string | undefined) => (text === undefined || text.trim() === "" ? NaN : Number(text));

/** Rows of `/resources` (`xnat_abstractresource_id, label, element_name, category, cat_id, file_count, file_size, tags, content, format`). */
export function fromResourceListing(listing: Listing): XnatResource[] {
  return listing.rows.map((row) => ({
    id: row.xnat_abstractresource_id ?? row.ID ?? "",
    label: row.label ?? "",
    format: row.format ?? "",
    content: row.content ?? "",
    tags: row.tags ?? "",
    category: row.category ?? "",
    scan: row.category === "scans" ? (row.cat_id ?? "") : "",
    fileCount: number(row.file_count),
    fileSize: number(row.file_size),
  }));
}

/**
 * Rows of `/files` (`Name, Size, URI, collection, file_tags, file_format, file_content, cat_ID,
 * digest`). The path inside the resource is what follows `/files/` in the URI; a URI that is not
 * a file below `/data/` (or `/REST/`), or whose path has empty, `.` or `..` segments (also
 * percent-encoded, as `%2e%2e`, which URL resolution reads as `..`), is refused
 * with {@link UnexpectedContentError}: it is never requested nor written.
 */
export function fromFileListing(listing: Listing, source: string): XnatFile[] {
  return listing.rows.map((row) => {
    const uri = row.URI ?? "";
    const path = filePathOf(uri);
    if (path === undefined) throw new UnexpectedContentError("a file URI below /data/.../files/", "text", source, JSON.stringify(uri), "the server listed a file at an unexpected address; nothing was downloaded for it");
    const digest = (row.digest ?? "").trim().toLowerCase();
    return {
      name: row.Name ?? path.split("/").pop() ?? path,
      path,
      size: number(row.Size),
      format: row.file_format ?? "",
      content: row.file_content ?? "",
      tags: row.file_tags ?? "",
      resource: row.collection ?? "",
      resourceId: row.cat_ID ?? "",
      scan: /\/scans\/([^/]+)\/resources\//.exec(uri)?.[1] ?? "",
      digest: /^[0-9a-f]{32}$/.test(digest) ? digest : undefined,
      uri,
    };
  });
}

/** The path after `/resources/<r>/files/` in a listed URI, or undefined when the URI is not a safe file address. */
export function filePathOf(uri: string): string | undefined {
  const match = /^\/(?:data|REST)\/(?:[^/?#]+\/)*?resources\/[^/?#]+\/files\/([^?#]+)$/.exec(uri);
  if (!match || uri.includes("\\") || uri.includes("\0")) return undefined;
  const path = match[1];
  const segments = uri.split("/").slice(1).map((segment) => segment.replace(/%2e/gi, "."));
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) return undefined;
  return path;
}

/** Resources as a DataFrame: label, id, format, content, tags, category, scan, file_count, file_size. */
export function toResourceFrame(resources: readonly XnatResource[]): DataFrame {
  checkArgument(resources, recordList, "resource list", "toResourceFrame()");
  return fromRecords(
    resources.map((r) => ({ label: r.label, id: r.id, format: r.format, content: r.content, tags: r.tags, category: r.category, scan: r.scan, file_count: r.fileCount, file_size: r.fileSize })),
    RESOURCE_COLUMNS,
    { file_count: "integer", file_size: "integer" },
  );
}

/** Files as a DataFrame: scan, resource, path, name, size, format, content, tags, digest ("" when none), uri. */
export function toFileFrame(files: readonly XnatFile[]): DataFrame {
  checkArgument(files, recordList, "file list", "toFileFrame()");
  return fromRecords(
    files.map((f) => ({ scan: f.scan, resource: f.resource, path: f.path, name: f.name, size: f.size, format: f.format, content: f.content, tags: f.tags, digest: f.digest ?? "", uri: f.uri })),
    FILE_COLUMNS,
    { size: "integer" },
  );
}
