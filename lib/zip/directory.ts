import { ZipFormatError, type ZipProblem } from "./errors.js";

/** What the central directory says about one member. */
export interface DirectoryEntry {
  /** The name exactly as stored (may contain folders, or unsafe parts such as `..`). */
  name: string;
  isDirectory: boolean;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the member's local header starts in the archive. */
  localOffset: number;
}

/** Where the central directory lies, from the end-of-archive record. */
export interface DirectoryLocation {
  count: number;
  size: number;
  offset: number;
}

export const END_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
export const LOCAL_SIGNATURE = 0x04034b50;
/** The end record (22 bytes) plus the longest comment it may carry. */
export const END_SEARCH_BYTES = 22 + 0xffff;

type Fail = (message: string, problem?: ZipProblem) => ZipFormatError;

/** A function making the archive's errors, naming `source`. */
export const failureFor = (source?: string): Fail => (message, problem = "damaged") => new ZipFormatError(message, source, problem);

/** The offset of the end-of-archive record in `tail` (the last bytes of the archive), or -1. */
export function findEnd(tail: Buffer): number {
  const lowest = Math.max(0, tail.length - END_SEARCH_BYTES);
  for (let i = tail.length - 22; i >= lowest; i--) {
    if (tail.readUInt32LE(i) === END_SIGNATURE) return i;
  }
  return -1;
}

/** Reads the end-of-archive record at `endAt` of `tail`; zip64 archives are refused as unsupported. */
export function directoryLocation(tail: Buffer, endAt: number, fail: Fail): DirectoryLocation {
  const count = tail.readUInt16LE(endAt + 10);
  const size = tail.readUInt32LE(endAt + 12);
  const offset = tail.readUInt32LE(endAt + 16);
  if (offset === 0xffffffff || count === 0xffff) throw fail("zip64 archives are not supported", "unsupported");
  return { count, size, offset };
}

/**
 * Parses `count` central-directory records from `directory` (which starts at the directory's
 * first byte). Encrypted members and compression other than stored or deflate are refused.
 */
export function parseDirectory(directory: Buffer, count: number, fail: Fail): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw fail(`central directory entry ${i + 1} of ${count} is corrupt`);
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const nameLength = directory.readUInt16LE(at + 28);
    const name = directory.subarray(at + 46, at + 46 + nameLength).toString(flags & 0x800 ? "utf8" : "latin1");
    const entry: DirectoryEntry = {
      name,
      isDirectory: name.endsWith("/"),
      flags,
      method,
      crc32: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    };
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (flags & 1) throw fail(`member ${JSON.stringify(name)} is encrypted, which is not supported`, "unsupported");
    if (method !== 0 && method !== 8) throw fail(`member ${JSON.stringify(name)} uses compression method ${method}; only stored and deflate are supported`, "unsupported");
    entries.push(entry);
  }
  return entries;
}

/** Where a member's data starts, from its 30-byte local header (plus the name and extra field lengths it gives). */
export function dataStart(localHeader: Buffer, entry: DirectoryEntry, fail: Fail): number {
  if (localHeader.length < 30 || localHeader.readUInt32LE(0) !== LOCAL_SIGNATURE) throw fail(`member ${JSON.stringify(entry.name)}: local header is missing or corrupt`);
  return entry.localOffset + 30 + localHeader.readUInt16LE(26) + localHeader.readUInt16LE(28);
}
