import * as fs from "node:fs";
import { assertWritableFolder } from "../files/local-write.js";
import { localPathFor } from "../files/local-path.js";
import { downloadFiles } from "../files/download-engine.js";
import type { DownloadSource, DownloadSummary, TransferOptions } from "../files/download-types.js";
import { HttpError } from "../http/errors.js";
import { isZipFormatError } from "../zip/errors.js";
import { toIncludeFilter } from "./include.js";
import { checkFileDownload } from "./option-rules.js";
import { ResourceZip, type ZipGroup, type ZipOutcome } from "./resource-zip.js";
import { toRemoteFiles, xnatFileSource, type PlannedFile } from "./file-source.js";
import type { XnatSession } from "./session.js";

/** Whether resources come as one zip each: `auto` decides by file count (see {@link FileDownloadOptions.zipMinFiles}). */
export type ZipChoice = "auto" | "always" | "never";

/** Options of XNAT downloads (`experiment.download`, `scan.download`, `resource.download`, ...). */
export interface FileDownloadOptions extends TransferOptions {
  /** Globs over the paths below the target folder (`*.nii`, `DICOM/**`, `scans/2/**`); files matching none are left out. */
  include?: string | readonly string[];
  /** Resource labels to keep (e.g. `["NIFTI"]`); default all. */
  resources?: readonly string[];
  /** Scan IDs to keep (session downloads; default all). */
  scans?: readonly string[];
  /** Fetch a resource as one zip (`…/files?format=zip`) instead of file by file (default `auto`). */
  zip?: ZipChoice;
  /** With `zip: "auto"`, a resource comes as one zip when at least this many of its files are still to fetch, and they are at least half of it (default 20). */
  zipMinFiles?: number;
}

/** The outcome of an XNAT download: the engine's summary plus what became of each zip. */
export interface XnatDownloadSummary extends DownloadSummary {
  zips: ZipOutcome[];
}

/** Default `zipMinFiles`: below it, 8 files in flight at once finish about as fast as one zip, and resume per file. */
export const ZIP_MIN_FILES = 20;

/**
 * Downloads the listed files that `options` select below `dir` through the download engine:
 * resources worth it come as one zip, downloaded once and extracted member by member (each
 * checked against its CRC-32 and inflated no further than its listed size, then verified like
 * any file against the listed MD5); any file the zip cannot serve (missing, damaged, unsafe
 * names, bombs) is fetched on its own. Everything else is fetched file by file with resume.
 */
export async function downloadPlanned(session: XnatSession, listed: readonly PlannedFile[], dir: string, options: FileDownloadOptions = {}): Promise<XnatDownloadSummary> {
  checkFileDownload(dir, options, "download()");
  const zipChoice = options.zip ?? "auto";
  const zipMinFiles = options.zipMinFiles ?? ZIP_MIN_FILES;
  for (const entry of listed) localPathFor(dir, entry.key);
  assertWritableFolder(dir);
  const included = toIncludeFilter(options.include);
  const wanted = listed.filter((entry) => included(entry.key) && (!options.resources || options.resources.includes(entry.file.resource)) && (!options.scans || options.scans.includes(entry.file.scan)));
  const { retryPolicy, idleTimeoutMs } = session.transfer;
  const zips = zipChoice === "never" ? [] : zipGroups(listed, wanted, dir, zipChoice, zipMinFiles).map((group) => new ResourceZip(session, group, dir, { policy: retryPolicy, idleTimeoutMs: options.idleTimeoutMs ?? idleTimeoutMs, signal: options.signal }));
  try {
    const source = combinedSource(xnatFileSource(session, wanted, retryPolicy), wanted, zips);
    const summary = await downloadFiles(toRemoteFiles(session, wanted), dir, source, { idleTimeoutMs, ...options, retryPolicy });
    const outcomes = zips.map((zip) => zip.outcome);
    return { ...summary, bytes: summary.bytes + outcomes.reduce((sum, outcome) => sum + outcome.bytes, 0), zips: outcomes };
  } finally {
    for (const zip of zips) zip.dispose();
  }
}

/** Resources whose wanted files are worth one zip, with every file each lists. */
function zipGroups(listed: readonly PlannedFile[], wanted: readonly PlannedFile[], dir: string, choice: ZipChoice, minFiles: number): ZipGroup[] {
  const byResource = new Map<string, { listed: PlannedFile[]; wanted: PlannedFile[] }>();
  const groupOf = (entry: PlannedFile) => collectionOf(entry.file.uri);
  for (const entry of listed) {
    const key = groupOf(entry);
    if (!byResource.has(key)) byResource.set(key, { listed: [], wanted: [] });
    byResource.get(key)!.listed.push(entry);
  }
  for (const entry of wanted) byResource.get(groupOf(entry))!.wanted.push(entry);
  const groups: ZipGroup[] = [];
  for (const [collectionUri, files] of byResource) {
    const missing = files.wanted.filter((entry) => fs.statSync(localPathFor(dir, entry.key), { throwIfNoEntry: false })?.size !== entry.file.size);
    const worth = choice === "always" ? missing.length > 0 : missing.length >= minFiles && missing.length * 2 >= files.listed.length;
    // A zip is bounded by its files' listed sizes: without them all, the files come one by one (and those without a size fail typed).
    if (!worth || !files.listed.every((entry) => Number.isSafeInteger(entry.file.size) && entry.file.size >= 0)) continue;
    const first = files.listed[0].file;
    groups.push({ resource: first.resource, resourceId: first.resourceId, scan: first.scan, collectionUri, listed: files.listed, wanted: missing });
  }
  return groups;
}

/** `…/resources/<id>/files`: the collection a listed file URI belongs to. */
function collectionOf(uri: string): string {
  const at = uri.indexOf("/files/", uri.indexOf("/resources/"));
  return uri.slice(0, at + "/files".length);
}

/**
 * The network source, with the files of zipped resources read from their zip instead: each
 * such file is tried once from its zip (a damaged member is a stale part for the engine, which
 * starts the file over) and from the network after that.
 */
function combinedSource(network: DownloadSource, wanted: readonly PlannedFile[], zips: readonly ResourceZip[]): DownloadSource {
  const plannedByKey = new Map(wanted.map((entry) => [entry.key, entry]));
  const zipByKey = new Map<string, ResourceZip>();
  for (const zip of zips) for (const entry of zip.group.wanted) zipByKey.set(entry.key, zip);
  const tried = new Set<string>();
  return {
    name: network.name,
    list: network.list,
    open: async (remote, range) => {
      const zip = zipByKey.get(remote.key);
      if (zip && !tried.has(remote.key)) {
        tried.add(remote.key);
        const planned = plannedByKey.get(remote.key)!;
        const found = await zip.member(planned);
        if (found) {
          try {
            const body = await zip.open(found.zip, found.entry, planned);
            return { status: 200, body, fromNetwork: false, location: `${remote.location} (from the resource's zip)` };
          } catch (error) {
            if (!isZipFormatError(error)) throw error;
            zip.outcome.reason ??= error.message;
          }
        }
      }
      return network.open(remote, range);
    },
    isRetryable: network.isRetryable,
    isStale: (error) => isZipFormatError(error) || (error instanceof HttpError && error.status === 416),
  };
}
