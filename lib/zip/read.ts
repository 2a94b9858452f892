import { crc32, inflateRawSync } from "node:zlib";
import { ZipFormatError } from "./errors.js";
import { directoryLocation, failureFor, findEnd, LOCAL_SIGNATURE, parseDirectory } from "./directory.js";

/** A member listed in the archive's central directory. */
export interface ZipEntry {
  /** The name exactly as stored (may contain folders, or unsafe parts such as `..`). */
  name: string;
  /** True for folder entries (names ending with `/`). */
  isDirectory: boolean;
  compressedSize: number;
  size: number;
  crc32: number;
  method: number;
  /** Decompresses the member and checks its size and CRC-32. */
  read(): Buffer;
}

/**
 * Lists the members of a zip archive held in memory. Raises {@link ZipFormatError} for
 * anything that is not a complete, supported archive (`source` names it in the error).
 */
export function readZip(archive: Uint8Array, source?: string): ZipEntry[] {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const fail = failureFor(source);
  const endAt = findEnd(buf);
  if (endAt < 0) {
    const head = buf.subarray(0, 64).toString("latin1").trimStart().toLowerCase();
    const looksHtml = head.startsWith("<") || head.startsWith("{");
    throw fail(looksHtml ? "expected a zip archive but received a text/HTML/JSON body" : `not a zip archive (no end-of-archive record in ${buf.length} bytes; the file may be truncated)`);
  }
  const location = directoryLocation(buf, endAt, fail);
  if (location.offset + location.size > endAt) throw fail("the central directory lies outside the archive (truncated or corrupt)");
  return parseDirectory(buf.subarray(location.offset, location.offset + location.size), location.count, fail).map((entry) => ({
    name: entry.name,
    isDirectory: entry.isDirectory,
    compressedSize: entry.compressedSize,
    size: entry.size,
    crc32: entry.crc32,
    method: entry.method,
    read: () => readMember(buf, { name: entry.name, localOffset: entry.localOffset, compressedSize: entry.compressedSize, size: entry.size, method: entry.method, checksum: entry.crc32 }, fail),
  }));
}

interface MemberLocation {
  name: string;
  localOffset: number;
  compressedSize: number;
  size: number;
  method: number;
  checksum: number;
}

function readMember(buf: Buffer, member: MemberLocation, fail: (message: string) => ZipFormatError): Buffer {
  const { name, localOffset } = member;
  if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) throw fail(`member ${JSON.stringify(name)}: local header is missing or corrupt`);
  const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
  const end = start + member.compressedSize;
  if (end > buf.length) throw fail(`member ${JSON.stringify(name)} is truncated`);
  const raw = buf.subarray(start, end);
  let data: Buffer;
  if (member.method === 0) {
    data = Buffer.from(raw);
  } else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(member.size, 1) });
    } catch (error) {
      throw fail(`member ${JSON.stringify(name)} cannot be decompressed: ${(error as Error).message}`);
    }
  }
  if (data.length !== member.size) throw fail(`member ${JSON.stringify(name)} has ${data.length} bytes, the directory says ${member.size}`);
  if (crc32(data) !== member.checksum) throw fail(`member ${JSON.stringify(name)} fails its CRC-32 check`);
  return data;
}
