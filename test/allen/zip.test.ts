import { strict as assert } from "node:assert";
import * as path from "node:path";
import { readZip, resolveInside, isZipFormatError } from "../../lib/zip/index.js";
import { createZip } from "../../demo/src/zip.js";
import { isUnsafePathError } from "../../lib/errors.js";

describe("zip: reader and writer", () => {
  const entries = [
    { name: "data_set.xml", data: Buffer.from("<section-data-set/>") },
    { name: "energy.raw", data: Buffer.alloc(10_000, 7) },
    { name: "atlasVolume/atlasVolume.mhd", data: Buffer.from("NDims = 3\n"), method: "store" as const },
  ];

  it("reads back what it wrote (deflate and store), byte for byte", () => {
    const zip = createZip(entries);
    const read = readZip(zip);
    assert.deepEqual(read.map((e) => e.name), entries.map((e) => e.name));
    for (const [i, entry] of read.entries()) assert.ok(entry.read().equals(entries[i].data));
    assert.equal(read[2].method, 0);
    assert.equal(read[1].method, 8);
    assert.ok(read[1].compressedSize < 200, "deflate compresses repeated bytes");
  });

  it("is deterministic", () => {
    assert.ok(createZip(entries).equals(createZip(entries)));
  });

  it("reads archives written by python3's zipfile", async () => {
    const { execFileSync } = await import("node:child_process");
    const script = "import zipfile,io,sys\nb=io.BytesIO()\nz=zipfile.ZipFile(b,'w',zipfile.ZIP_DEFLATED)\nz.writestr('a/b.txt','hello '*100)\nz.writestr('c.bin',bytes(range(256)))\nz.close()\nsys.stdout.buffer.write(b.getvalue())";
    const zip = execFileSync("/usr/bin/python3", ["-c", script]);
    const read = readZip(zip);
    assert.deepEqual(read.map((e) => e.name), ["a/b.txt", "c.bin"]);
    assert.equal(read[0].read().toString(), "hello ".repeat(100));
    assert.deepEqual([...read[1].read()], Array.from({ length: 256 }, (_, i) => i));
  });

  it("writes archives python3 zipfile accepts (testzip passes)", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("/usr/bin/python3", ["-c", "import zipfile,io,sys\nz=zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\nprint(z.testzip(), z.namelist())"], { input: createZip(entries) });
    assert.match(out.toString(), /^None \['data_set.xml', 'energy.raw', 'atlasVolume\/atlasVolume.mhd'\]/);
  });

  it("rejects a truncated archive with ZipFormatError", () => {
    const zip = createZip(entries);
    assert.throws(() => readZip(zip.subarray(0, zip.length - 30), "x.zip"), (e: unknown) => isZipFormatError(e) && /truncated|end-of-archive/.test((e as Error).message));
  });

  it("detects a corrupted member by its CRC-32", () => {
    const zip = Buffer.from(createZip([{ name: "a.txt", data: Buffer.from("abcdefghij"), method: "store" }]));
    zip[30 + "a.txt".length + 3] ^= 0xff;
    const [entry] = readZip(zip);
    assert.throws(() => entry.read(), (e: unknown) => isZipFormatError(e) && /CRC-32/.test((e as Error).message));
  });

  it("detects a member whose deflate stream is damaged", () => {
    const zip = Buffer.from(createZip([{ name: "a.bin", data: Buffer.alloc(5000, 1) }]));
    for (let i = 30 + 5; i < 30 + 5 + 8; i++) zip[i] = 0xff;
    const [entry] = readZip(zip);
    assert.throws(() => entry.read(), isZipFormatError);
  });

  it("names an HTML page that arrived instead of a zip", () => {
    assert.throws(() => readZip(Buffer.from("<!DOCTYPE html><html><body>Down for maintenance</body></html>")), (e: unknown) => isZipFormatError(e) && /HTML/.test((e as Error).message));
  });

  it("resolveInside keeps names inside the folder and rejects escapes", () => {
    const root = path.resolve("/tmp/out");
    assert.equal(resolveInside(root, "atlasVolume/atlasVolume.mhd"), path.join(root, "atlasVolume", "atlasVolume.mhd"));
    assert.equal(resolveInside(root, "./a/./b.raw"), path.join(root, "a", "b.raw"));
    assert.equal(resolveInside(root, "a/../b.raw"), path.join(root, "b.raw"));
    assert.equal(resolveInside(root, "..foo"), path.join(root, "..foo"));
    for (const bad of ["../evil.raw", "a/../../evil", "/etc/passwd", "..\\..\\evil", "C:/evil", "C:evil", ".", "a/.."]) {
      assert.throws(() => resolveInside(root, bad), isUnsafePathError, bad);
    }
  });
});
