import { checkArgument, checkOptions, dataFrame, either, recordList, text as textRule } from "../core/validate.js";
import * as fs from "node:fs";
import type { DataFrame } from "danfojs-node";
import { fromRecords, toRecords } from "../frame/index.js";
import { UnexpectedContentError } from "../http/errors.js";
import { unparsedKind } from "../http/body-kind.js";
import { localPathFor } from "./paths.js";
import { mapLimit } from "../core/pool.js";
import { md5OfFile } from "../files/file-hasher.js";

/** One file listed in an HCP `.xdlm` download manifest. */
export interface ManifestEntry {
  name: string;
  /** Relative to the release root; starts with the subject ID. */
  uri: string;
  size: number;
  /** MD5 of the file, 32 lowercase hex digits. */
  checksum: string;
  /** The S3 key of the file. */
  key: string;
  /** The package (manifest file name without `.json`). */
  package: string;
}

/** Manifest columns: name, uri, size, checksum, key, package. */
export const MANIFEST_COLUMNS = ["name", "uri", "size", "checksum", "key", "package"] as const;

interface RawManifest {
  DownloadManifest?: { Subject?: string; Includes?: { Name?: string; URI?: string; Size?: string | number; Checksum?: string }[] };
}

/**
 * Parses one `.xdlm/<package>.json` manifest (a single line of JSON). `manifestKey` locates it:
 * `<root><subject>/.xdlm/<package>.json`, and each file's key is `<root>` + its URI.
 */
export function fromManifestJson(text: string, manifestKey: string): ManifestEntry[] {
  checkArgument(text, textRule(), "manifest text", "fromManifestJson()");
  checkArgument(manifestKey, textRule(true), "manifest key", "fromManifestJson()");
  let doc: RawManifest;
  try {
    doc = JSON.parse(text) as RawManifest;
  } catch (error) {
    throw new UnexpectedContentError("an .xdlm JSON manifest", unparsedKind(text), manifestKey, (error as Error).message, "the manifest is damaged; list the .xdlm/ prefix to check it");
  }
  const includes = doc.DownloadManifest?.Includes;
  if (!Array.isArray(includes)) throw new UnexpectedContentError("an .xdlm manifest with DownloadManifest.Includes", "json", manifestKey, "another JSON document");
  const match = /^(.*?)([^/]+)\/\.xdlm\/([^/]+?)(\.json)?$/.exec(manifestKey);
  const root = match?.[1] ?? "";
  const subject = match?.[2] ?? doc.DownloadManifest?.Subject ?? "";
  const packageName = match?.[3] ?? manifestKey;
  return includes.map((item) => {
    const uri = String(item.URI ?? "");
    return {
      name: String(item.Name ?? uri.split("/").pop() ?? ""),
      uri,
      size: Number(item.Size),
      checksum: String(item.Checksum ?? "").toLowerCase().padStart(32, "0"),
      key: uri.startsWith(`${subject}/`) ? `${root}${uri}` : `${root}${subject}/${uri}`,
      package: packageName,
    };
  });
}

/** Manifest entries as a DataFrame. */
export function toManifestFrame(entries: readonly ManifestEntry[]): DataFrame {
  checkArgument(entries, recordList, "entries", "toManifestFrame()");
  return fromRecords(entries as unknown as Record<string, unknown>[], MANIFEST_COLUMNS, { size: "integer" });
}

/** Result of {@link verifyFolder}. */
export interface VerifyReport {
  ok: boolean;
  verified: number;
  missing: string[];
  /** Files whose size or MD5 differs from the manifest. */
  mismatched: string[];
  /** One row per checked file: key, path, status (`ok`, `missing`, `size mismatch`, `checksum mismatch`). */
  table: DataFrame;
}

/** Files {@link verifyFolder} checks at once (their MD5s are computed on worker threads). */
const VERIFY_CONCURRENCY = 8;

/**
 * Checks a local folder against manifest entries, like HCP's 2013 verifier: each file must
 * exist and match its MD5. Files are expected at `<dir>/<key>` (the layout `download` writes).
 * `only` restricts the check to keys under a prefix (e.g. one task folder).
 */
export async function verifyFolder(dir: string, manifest: DataFrame | readonly ManifestEntry[], options: { only?: string } = {}): Promise<VerifyReport> {
  checkArgument(dir, textRule(true), "folder", "verifyFolder()");
  checkArgument(manifest, either(recordList, dataFrame), "manifest", "verifyFolder()");
  checkOptions(options, "verifyFolder()", { only: textRule() });
  const entries = (Array.isArray(manifest) ? manifest : toRecords(manifest as DataFrame)) as ManifestEntry[];
  const wanted = entries.filter((entry) => !options.only || entry.key.startsWith(options.only));
  const rows = await mapLimit(wanted, VERIFY_CONCURRENCY, async (entry) => {
    const file = localPathFor(dir, entry.key);
    let status = "ok";
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) status = "missing";
    else if (stat.size !== Number(entry.size)) status = "size mismatch";
    else if ((await md5OfFile(file)) !== String(entry.checksum).toLowerCase()) status = "checksum mismatch";
    return { key: entry.key, path: file, status };
  });
  return {
    ok: rows.every((row) => row.status === "ok"),
    verified: rows.filter((row) => row.status === "ok").length,
    missing: rows.filter((row) => row.status === "missing").map((row) => row.key),
    mismatched: rows.filter((row) => row.status.endsWith("mismatch")).map((row) => row.key),
    table: fromRecords(rows, ["key", "path", "status"]),
  };
}
