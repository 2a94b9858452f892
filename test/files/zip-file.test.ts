import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { openZipFile, isZipFormatError, type ZipFormatError } from "../../lib/zip/index.js";
import { createZip } from "../../demo/src/zip.js";
import { tempDir } from "../helpers/files.js";

const drain = async (stream: Readable) => Buffer.concat(await stream.toArray());
const problem = (expected: ZipFormatError["problem"], text?: RegExp) => (error: unknown) => isZipFormatError(error) && error.problem === expected && (!text || text.test(error.message));

/** Offsets of the (only) central directory record and the end record of a small archive. */
function locate(archive: Buffer): { central: number; end: number } {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return { central: archive.readUInt32LE(end + 16), end };
}

describe("zip: archives read from disk, member by member, with bounds", () => {
  let temp: ReturnType<typeof tempDir>;
  const write = (name: string, archive: Buffer) => {
    const file = path.join(temp.dir, name);
    fs.writeFileSync(file, archive);
    return file;
  };
  const text = Buffer.from("a DICOM slice, or so\n".repeat(500));
  beforeEach(() => (temp = tempDir("np-zipfile-")));
  afterEach(() => temp.remove());

  it("lists members from the end of the file and streams each one inflated and CRC-checked", async () => {
    const zip = await openZipFile(write("ok.zip", createZip([{ name: "s/resources/R/files/a.txt", data: text }, { name: "s/resources/R/files/b.bin", data: Buffer.from([1, 2, 3]), method: "store" }])));
    assert.deepEqual(zip.entries.map((e) => [e.name, e.size]), [["s/resources/R/files/a.txt", text.length], ["s/resources/R/files/b.bin", 3]]);
    assert.deepEqual(await drain(await zip.open(zip.entries[0])), text);
    assert.deepEqual(await drain(await zip.open(zip.entries[1])), Buffer.from([1, 2, 3]));
  });

  it("fails a member whose bytes were damaged (CRC-32 or deflate) as damaged", async () => {
    const archive = createZip([{ name: "a.txt", data: text }]);
    archive[30 + "a.txt".length + 10] ^= 0xff;
    const zip = await openZipFile(write("bad.zip", archive));
    await assert.rejects(drain(await zip.open(zip.entries[0])), problem("damaged"));
  });

  it("refuses a truncated archive and zip64 as damaged and unsupported", async () => {
    const archive = createZip([{ name: "a.txt", data: text }]);
    await assert.rejects(openZipFile(write("cut.zip", archive.subarray(0, archive.length - 30))), problem("damaged"));
    const zip64 = Buffer.from(archive);
    zip64.writeUInt32LE(0xffffffff, locate(zip64).end + 16);
    await assert.rejects(openZipFile(write("z64.zip", zip64)), problem("unsupported"));
  });

  it("refuses a bomb before inflating: a member claiming more than deflate can expand, or more than the caller expects", async () => {
    const archive = createZip([{ name: "a.txt", data: text }]);
    const { central } = locate(archive);
    const bomb = Buffer.from(archive);
    bomb.writeUInt32LE(0xfffffff0, central + 24);
    const zip = await openZipFile(write("bomb.zip", bomb));
    await assert.rejects(zip.open(zip.entries[0]), problem("too-large", /zip bomb/));
    const fine = await openZipFile(write("fine.zip", archive));
    await assert.rejects(fine.open(fine.entries[0], 100), problem("too-large", /more than the 100 expected/));
  });

  it("stops inflating at the declared size: a member that expands past it fails as too large", async () => {
    const archive = createZip([{ name: "a.txt", data: text }]);
    archive.writeUInt32LE(1000, locate(archive).central + 24);
    const zip = await openZipFile(write("liar.zip", archive));
    await assert.rejects(drain(await zip.open(zip.entries[0])), problem("too-large", /inflates past its declared 1000 bytes/));
  });
});
