import * as fs from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { createInflateRaw, crc32 } from "node:zlib";
import { ZipFormatError } from "./errors.js";
import { dataStart, directoryLocation, END_SEARCH_BYTES, failureFor, findEnd, parseDirectory, type DirectoryEntry } from "./directory.js";

/**
 * Deflate cannot expand data more than about 1032 times; a member that claims more is a bomb
 * (or lies), and is refused before a byte is inflated.
 */
export const MAX_DEFLATE_RATIO = 1032;
/** A central directory larger than this is refused (a million members would need about 64 MiB). */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

/** A zip archive on disk: its members, each readable as a checked stream. */
export interface ZipFile {
  readonly path: string;
  readonly entries: readonly DirectoryEntry[];
  /**
   * The member's content as a stream, inflated as it is read: it fails with
   * {@link ZipFormatError} when the member claims an impossible ratio, when inflating yields more
   * than the member's declared size or `maxBytes` (problem `too-large`), or when the size or
   * CRC-32 at the end do not match the directory (problem `damaged`).
   */
  open(entry: DirectoryEntry, maxBytes?: number): Promise<Readable>;
}

/**
 * Reads the central directory of the zip at `file` (only its end is read into memory). Raises
 * {@link ZipFormatError}: `damaged` for a truncated or corrupt archive, `unsupported` for zip64,
 * encryption or other compression methods.
 */
export async function openZipFile(file: string, source = file): Promise<ZipFile> {
  const fail = failureFor(source);
  const handle = await fs.promises.open(file, "r");
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, END_SEARCH_BYTES);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const endAt = findEnd(tail);
    if (endAt < 0) throw fail(`not a zip archive (no end-of-archive record in the last ${tailLength} of ${size} bytes; the file may be truncated)`);
    const location = directoryLocation(tail, endAt, fail);
    if (location.offset + location.size > size - tailLength + endAt) throw fail("the central directory lies outside the archive (truncated or corrupt)");
    if (location.size > MAX_DIRECTORY_BYTES) throw fail(`the central directory claims ${location.size} bytes`, "too-large");
    const directory = Buffer.alloc(location.size);
    await handle.read(directory, 0, location.size, location.offset);
    const entries = parseDirectory(directory, location.count, fail);
    return { path: file, entries, open: (entry, maxBytes) => openMember(file, size, entry, maxBytes ?? entry.size, fail) };
  } finally {
    await handle.close();
  }
}

async function openMember(file: string, archiveSize: number, entry: DirectoryEntry, maxBytes: number, fail: ReturnType<typeof failureFor>): Promise<Readable> {
  if (entry.size > maxBytes) throw fail(`member ${JSON.stringify(entry.name)} declares ${entry.size} bytes, more than the ${maxBytes} expected`, "too-large");
  if (entry.method === 8 && entry.size > Math.max(entry.compressedSize, 1) * MAX_DEFLATE_RATIO) {
    throw fail(`member ${JSON.stringify(entry.name)} claims to expand ${entry.compressedSize} bytes into ${entry.size}, beyond what deflate can do: a zip bomb`, "too-large");
  }
  if (entry.method === 0 && entry.compressedSize !== entry.size) throw fail(`member ${JSON.stringify(entry.name)} is stored with ${entry.compressedSize} bytes but declares ${entry.size}`);
  const header = Buffer.alloc(30);
  const handle = await fs.promises.open(file, "r");
  try {
    await handle.read(header, 0, 30, entry.localOffset);
  } finally {
    await handle.close();
  }
  const start = dataStart(header, entry, fail);
  if (start + entry.compressedSize > archiveSize) throw fail(`member ${JSON.stringify(entry.name)} is truncated`);
  const raw = fs.createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 });
  const check = new MemberCheck(entry, fail);
  if (entry.compressedSize === 0) {
    raw.destroy();
    queueMicrotask(() => check.end());
    return check;
  }
  const inflating = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  const forward = (error: Error) => check.destroy(error instanceof ZipFormatError ? error : fail(`member ${JSON.stringify(entry.name)} cannot be decompressed: ${error.message}`));
  raw.on("error", forward);
  if (inflating !== raw) inflating.on("error", forward);
  check.on("close", () => {
    raw.destroy();
    if (inflating !== raw) inflating.destroy();
  });
  inflating.pipe(check);
  return check;
}

/** Passes a member's bytes through while counting them and taking their CRC-32; stops at the declared size. */
class MemberCheck extends Transform {
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly entry: DirectoryEntry,
    private readonly fail: ReturnType<typeof failureFor>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.entry.size) return callback(this.fail(`member ${JSON.stringify(this.entry.name)} inflates past its declared ${this.entry.size} bytes`, "too-large"));
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.size) return callback(this.fail(`member ${JSON.stringify(this.entry.name)} has ${this.bytes} bytes, the directory says ${this.entry.size}`));
    if (this.crc !== this.entry.crc32) return callback(this.fail(`member ${JSON.stringify(this.entry.name)} fails its CRC-32 check`));
    callback();
  }
}

export type { DirectoryEntry as ZipFileEntry };
