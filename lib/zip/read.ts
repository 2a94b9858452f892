import { crc32, inflateRawSync } from "node:zlib";
import { ZipFormatError, ZipProblem } from "./errors.js";

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

const END_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Lists the members of a zip archive held in memory. Raises {@link ZipFormatError} for
 * anything that is not a complete, supported archive (`source` names it in the error).
 */
export function readZip(archive: Uint8Array, source?: string): ZipEntry[] {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const fail = (message: string, problem: ZipProblem = "damaged") => new ZipFormatError(message, source, problem);
  const endAt = findEnd(buf);
  if (endAt < 0) {
    const head = buf.subarray(0, 64).toString("latin1").trimStart().toLowerCase();
    const looksHtml = head.startsWith("<") || head.startsWith("{");
    throw fail(looksHtml ? "expected a zip archive but received a text/HTML/JSON body" : `not a zip archive (no end-of-archive record in ${buf.length} bytes; the file may be truncated)`);
  }
  const count = buf.readUInt16LE(endAt + 10);
  const dirSize = buf.readUInt32LE(endAt + 12);
  const dirOffset = buf.readUInt32LE(endAt + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) throw fail("zip64 archives are not supported", "unsupported");
  if (dirOffset + dirSize > endAt) throw fail("the central directory lies outside the archive (truncated or corrupt)");
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw fail(`central directory entry ${i + 1} of ${count} is corrupt`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const checksum = buf.readUInt32LE(at + 16);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString(flags & 0x800 ? "utf8" : "latin1");
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) throw fail(`member ${JSON.stringify(name)} is encrypted, which is not supported`, "unsupported");
    if (method !== 0 && method !== 8) throw fail(`member ${JSON.stringify(name)} uses compression method ${method}; only stored and deflate are supported`, "unsupported");
    entries.push({
      name,
      isDirectory: name.endsWith("/"),
      compressedSize,
      size,
      crc32: checksum,
      method,
      read: () => readMember(buf, { name, localOffset, compressedSize, size, method, checksum }, fail),
    });
  }
  return entries;
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

function findEnd(buf: Buffer): number {
  const lowest = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === END_SIGNATURE) return i;
  }
  return -1;
}
