import { checkArgument, recordList } from "../core/validate.js";
import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/index.js";

/** One row of a listing: an object, or a common prefix ("folder") when listing with a delimiter. */
export interface S3Entry {
  key: string;
  /** Bytes (NaN for prefixes). */
  size: number;
  lastModified?: Date;
  /** The ETag without quotes (an MD5 only for single-part uploads). */
  etag?: string;
  isPrefix: boolean;
}

/** Listing columns and their types. */
export const LISTING_COLUMNS = ["key", "size", "lastModified", "etag", "isPrefix"] as const;

/** Entries as a DataFrame: key, size, lastModified, etag, isPrefix. */
export function toListingFrame(entries: readonly S3Entry[]): DataFrame {
  checkArgument(entries, recordList, "entries", "toListingFrame()");
  return fromRecords(
    entries.map((entry) => ({ key: entry.key, size: entry.isPrefix ? NaN : entry.size, lastModified: entry.lastModified?.toISOString() ?? "", etag: entry.etag ?? "", isPrefix: entry.isPrefix })),
    LISTING_COLUMNS,
    { size: "integer", lastModified: "date", isPrefix: "boolean" },
  );
}

/** True when the ETag is a plain MD5 (single-part upload), so it can verify content. */
export function etagIsMd5(etag: string | undefined): etag is string {
  return etag !== undefined && /^[0-9a-f]{32}$/i.test(etag);
}

/** S3 key order (UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export const unquote = (etag: string | undefined) => (etag === undefined ? undefined : etag.replace(/^"|"$/g, ""));
