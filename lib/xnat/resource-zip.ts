import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { IntegrityError } from "../errors.js";
import { withRetry, type RetryPolicy } from "../core/retry.js";
import { isRetryable } from "../http/request.js";
import { appendBody } from "../files/append-body.js";
import { resolveInside } from "../zip/safe-path.js";
import { openZipFile, type ZipFile, type ZipFileEntry } from "../zip/zip-file.js";
import { fileUrl, type PlannedFile } from "./file-source.js";
import type { XnatSession } from "./session.js";

/** Zip bytes allowed per member beyond its data: local header, central record and descriptor with their names. */
const OVERHEAD_PER_MEMBER = 512;

/** Files of one resource fetched together as one zip. */
export interface ZipGroup {
  /** The resource's label and ID, and the scan it belongs to ("" when none). */
  resource: string;
  resourceId: string;
  scan: string;
  /** `<owner>/resources/<id>/files`: the URI of the collection, root-relative as XNAT lists files. */
  collectionUri: string;
  /** Every file the resource lists (the zip holds them all), and the ones this download wants. */
  listed: readonly PlannedFile[];
  wanted: readonly PlannedFile[];
}

/** What became of a zip: used, or given up (its files then fetched one by one) and why. */
export interface ZipOutcome {
  resource: string;
  scan: string;
  /** Files the download wanted from it. */
  files: number;
  /** Bytes of the zip received. */
  bytes: number;
  used: boolean;
  /** Why it was not used (the typed error's message). */
  reason?: string;
}

/**
 * A resource's zip (`…/files?format=zip`), downloaded once to a hidden file in the target folder
 * (its name unique to this process, so two processes never share one) and opened from disk.
 * The body is cut at the size its listed files can explain (so an endless or padded body cannot
 * fill the disk); dropped, cut and refused transfers are retried from the start under the
 * session's policy (a generated zip has no validator to resume by).
 */
export class ResourceZip {
  readonly outcome: ZipOutcome;
  private ready?: Promise<{ zip: ZipFile; members: Map<string, ZipFileEntry> }>;
  private readonly spool: string;

  constructor(
    private readonly session: XnatSession,
    readonly group: ZipGroup,
    dir: string,
    private readonly options: { policy: RetryPolicy; idleTimeoutMs?: number; signal?: AbortSignal },
  ) {
    this.spool = path.join(dir, `.neuroportal-${group.resourceId}-${process.pid}-${randomBytes(4).toString("hex")}.zip`);
    this.outcome = { resource: group.resource, scan: group.scan, files: group.wanted.length, bytes: 0, used: false };
  }

  /** The zip's member holding `file`, downloading and checking the zip on first use; undefined when the zip cannot serve it. */
  async member(file: PlannedFile): Promise<{ zip: ZipFile; entry: ZipFileEntry } | undefined> {
    this.ready ??= this.load().catch((error: unknown) => {
      this.outcome.reason = (error as Error).message;
      throw error;
    });
    try {
      const { zip, members } = await this.ready;
      const entry = members.get(file.file.path);
      if (!entry) return undefined;
      this.outcome.used = true;
      return { zip, entry };
    } catch {
      return undefined;
    }
  }

  /** Opens the member of `file`, at most its listed size. */
  async open(zip: ZipFile, entry: ZipFileEntry, file: PlannedFile): Promise<Readable> {
    return zip.open(entry, file.file.size);
  }

  /** Deletes the downloaded zip. */
  dispose(): void {
    fs.rmSync(this.spool, { force: true });
  }

  private async load(): Promise<{ zip: ZipFile; members: Map<string, ZipFileEntry> }> {
    const { group } = this;
    const url = fileUrl(this.session, group.collectionUri);
    url.searchParams.set("format", "zip");
    const limit = group.listed.reduce((sum, entry) => sum + entry.file.size + OVERHEAD_PER_MEMBER + 2 * Buffer.byteLength(entry.file.path), 0) + 64 * 1024;
    const attempt = async () => {
      this.outcome.bytes = 0;
      const response = await this.session.stream({ url, signal: this.options.signal, what: `the zip of resource ${JSON.stringify(group.resource)}`, htmlIsLogin: true });
      const read = { location: url.href, idleTimeoutMs: this.options.idleTimeoutMs, signal: this.options.signal };
      await appendBody(response.body, this.spool, false, read, (chunk) => (this.outcome.bytes += chunk.byteLength), () => undefined, limit);
    };
    await withRetry(attempt, { policy: this.options.policy, isRetryable: (error) => isRetryable(error, this.options.policy), signal: this.options.signal });
    const zip = await openZipFile(this.spool, url.href);
    const marker = `/resources/${group.resource}/files/`;
    const members = new Map<string, ZipFileEntry>();
    for (const entry of zip.entries) {
      resolveInside(path.dirname(this.spool), entry.name);
      if (entry.isDirectory) continue;
      const at = entry.name.indexOf(marker);
      if (at >= 0) members.set(entry.name.slice(at + marker.length), entry);
    }
    const declared = group.wanted.reduce((sum, file) => sum + (members.get(file.file.path)?.size ?? 0), 0);
    const listed = group.wanted.reduce((sum, file) => sum + file.file.size, 0);
    if (declared > listed) throw new IntegrityError(`the zip of resource ${group.resource} declares ${declared} bytes for files listed with ${listed}`, url.href);
    return { zip, members };
  }
}
