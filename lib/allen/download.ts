import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { toRetryPolicy, withRetry } from "../core/retry.js";
import { isZipFormatError, readZip, resolveInside, ZipFormatError } from "../zip/index.js";
import { AllenNotFoundError, isVolumeSizeError } from "./errors.js";
import { assertWritableFolder, toLocalWriteError } from "../files/local-write.js";
import { writeFilesAtomically, PendingFile } from "./atomic.js";
import { ATLAS_VOLUME_PATTERN, DEFAULT_API, DEFAULT_PAGE_ROWS, REFERENCE_SPACE_ID } from "./constants.js";
import { fetchArchive, type ArchiveOptions } from "./fetch-archive.js";
import { parseMetaImageHeader, voxelBytes } from "./mhd.js";
import { query } from "./query.js";
import { downloadLinkUrl, gridDataUrl, referenceSpaceUrl } from "./rma.js";
import { checkArchive } from "./option-rules.js";
import { checkArgument, describeValue, text } from "../core/validate.js";

/** Options of {@link downloadGridFile} and {@link downloadAtlasVolume}: the archive options plus the API to ask. */
export interface ApiArchiveOptions extends ArchiveOptions {
  /** Base URL of the API (default the public one, https://api.brain-map.org/). */
  api?: string;
}

/** Options of {@link downloadAndExtract}. */
export interface ExtractOptions extends ArchiveOptions {
  /**
   * Which members to write: a list of base names (e.g. `["energy.mhd", "energy.raw"]`, each
   * must be present) or `"all"` (default). Members keep their folder inside the archive.
   */
  members?: readonly string[] | "all";
}

/** Options of {@link downloadGridFile}. */
export interface GridDownloadOptions extends ApiArchiveOptions {
  /** Members to keep (default the seed's `energy.mhd` and `energy.raw`; `"all"` adds `data_set.xml`). */
  members?: readonly string[] | "all";
  /** Volumes to ask for (`?include=energy,density,intensity`); by default the server's default (energy). */
  include?: readonly string[];
}

/** Options of {@link downloadAtlasVolume}. */
export interface AtlasDownloadOptions extends ApiArchiveOptions {
  referenceSpaceId?: number;
  /** Include filter on the space's well-known files (default `*atlasVolume.zip`). */
  pattern?: string;
  /** Members to keep (default `atlasVolume.mhd` and `atlasVolume.raw`). */
  members?: readonly string[] | "all";
  /** Called with each paged query URL before it is requested. */
  onRequest?: (url: string) => void;
}

/**
 * Downloads a zip, checks it, and writes the chosen members below `outDir` atomically (temp
 * file then rename). Members whose names would escape `outDir` raise UnsafePathError and
 * nothing is written. A damaged archive (bad CRC, truncated) raises {@link ZipFormatError}, a
 * `.mhd` whose `.raw` has the wrong size raises VolumeSizeError, each after the download was
 * tried again under the retry policy. A target folder that cannot be written raises
 * `LocalWriteError` before the download starts. Returns the paths written.
 */
export async function downloadAndExtract(url: string, outDir: string, options: ExtractOptions = {}): Promise<string[]> {
  checkArgument(url, text(true), "archive URL", "downloadAndExtract()");
  checkArchive(outDir, options, "downloadAndExtract()");
  assertWritableFolder(outDir);
  const http = options.http ?? {};
  const attempt = async () => extractArchive(await fetchArchive(url, options), outDir, { members: options.members, source: url });
  return withRetry(attempt, { policy: toRetryPolicy(http.retry), isRetryable: isDamagedArchive, signal: http.signal, onRetry: http.onRetry });
}

/** An archive worth downloading again: cut or corrupt bytes, or a volume whose data does not match its header. */
const isDamagedArchive = (error: unknown) => (isZipFormatError(error) && error.problem === "damaged") || isVolumeSizeError(error);

/** Writes the chosen members of an in-memory zip below `outDir` (see {@link downloadAndExtract}). */
export async function extractArchive(archive: Uint8Array, outDir: string, options: { members?: readonly string[] | "all"; source?: string } = {}): Promise<string[]> {
  const entries = readZip(archive, options.source).filter((entry) => !entry.isDirectory);
  const wanted = options.members ?? "all";
  // Named members come back in the order asked for, whatever the zip's order (the real grid zip puts energy.raw before energy.mhd).
  const rank = (entry: { name: string }) => (wanted === "all" ? 0 : wanted.indexOf(baseName(entry.name)));
  const chosen = wanted === "all" ? entries : entries.filter((entry) => wanted.includes(baseName(entry.name))).sort((a, b) => rank(a) - rank(b));
  if (wanted !== "all") {
    const missing = wanted.filter((name) => !chosen.some((entry) => baseName(entry.name) === name));
    if (missing.length) {
      throw new ZipFormatError(`the archive has no ${missing.join(", ")} (it holds ${entries.map((e) => e.name).join(", ") || "nothing"})`, options.source, "missing-member", "the server sent a different archive than expected; check the id");
    }
  }
  const targets = chosen.map((entry) => ({ entry, target: resolveInside(outDir, entry.name) }));
  const files: PendingFile[] = targets.map(({ entry, target }) => ({ path: target, data: entry.read() }));
  checkVolumePairs(files);
  await fs.promises.mkdir(outDir, { recursive: true }).catch((error: unknown) => {
    throw toLocalWriteError(error, outDir);
  });
  await writeFilesAtomically(files);
  return targets.map(({ entry }) => path.join(outDir, ...entry.name.replace(/\\/g, "/").split("/").filter((p) => p && p !== ".")));
}

/**
 * The seed's `DownloadGridFile`: fetches `grid_data/download/<dataSetId>` and extracts
 * `energy.mhd` and `energy.raw` into `outDir`. Returns the paths written.
 */
export async function downloadGridFile(dataSetId: number, outDir: string, options: GridDownloadOptions = {}): Promise<string[]> {
  if (!Number.isSafeInteger(dataSetId) || dataSetId <= 0) throw new InvalidArgumentError(`the data set id must be a positive whole number, not ${describeValue(dataSetId)}`);
  checkArchive(outDir, options, "downloadGridFile()");
  const url = gridDataUrl(options.api ?? DEFAULT_API, dataSetId, options.include);
  const members = options.members ?? (options.include?.length ? options.include.flatMap((v) => [`${v}.mhd`, `${v}.raw`]) : ["energy.mhd", "energy.raw"]);
  return downloadAndExtract(url, outDir, { ...options, members });
}

/**
 * The seed's `DownloadAtlasVolume`: queries reference space 10 with its well-known files,
 * takes the first file's `download_link`, downloads that zip and extracts
 * `atlasVolume/atlasVolume.mhd` and `.raw` into `outDir`. Returns the paths written.
 */
export async function downloadAtlasVolume(outDir: string, options: AtlasDownloadOptions = {}): Promise<string[]> {
  checkArchive(outDir, options, "downloadAtlasVolume()");
  const api = options.api ?? DEFAULT_API;
  const pattern = options.pattern ?? ATLAS_VOLUME_PATTERN;
  const url = referenceSpaceUrl(api, options.referenceSpaceId ?? REFERENCE_SPACE_ID, pattern);
  const spaces = await query(url, { numRows: DEFAULT_PAGE_ROWS, onRequest: options.onRequest, http: options.http, fetch: options.fetch });
  if (spaces.length === 0) throw new AllenNotFoundError(`reference space ${options.referenceSpaceId ?? REFERENCE_SPACE_ID} does not exist`, url, "check the reference space id (the seed uses 10)");
  const files = Array.isArray(spaces[0].well_known_files) ? (spaces[0].well_known_files as Record<string, unknown>[]) : [];
  const file = files.find((f) => typeof f.path === "string" && /atlasVolume\.zip$/.test(f.path)) ?? files[0];
  if (!file || typeof file.download_link !== "string") {
    throw new AllenNotFoundError(`reference space ${options.referenceSpaceId ?? REFERENCE_SPACE_ID} lists no well-known file matching ${pattern}`, url, "check the include filter");
  }
  const members = options.members ?? ["atlasVolume.mhd", "atlasVolume.raw"];
  return downloadAndExtract(downloadLinkUrl(api, file.download_link), outDir, { ...options, members });
}

function checkVolumePairs(files: readonly PendingFile[]): void {
  for (const file of files) {
    if (!file.path.endsWith(".mhd")) continue;
    const header = parseMetaImageHeader(Buffer.from(file.data).toString("latin1"), path.basename(file.path));
    if (header.dataFile === "LOCAL") continue;
    const dataPath = path.resolve(path.dirname(file.path), header.dataFile);
    const data = files.find((f) => f.path === dataPath);
    if (data) voxelBytes(data.data, header, path.basename(dataPath));
  }
}

function baseName(name: string): string {
  const parts = name.replace(/\\/g, "/").split("/").filter(Boolean);
  return parts[parts.length - 1] ?? name;
}
