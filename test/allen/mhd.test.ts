import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import { writeFilesAtomically } from "../../lib/allen/atomic.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { filesUnder, tempDir } from "./helpers.js";
import { parseMetaImageHeader } from "../../lib/allen/mhd.js";
import { hasData } from "../../lib/allen/volume.js";

/** A header text with ElementDataFile last, as MetaIO requires (the reader stops there). */
function header(fields: Record<string, string>): string {
  const { ElementDataFile, ...rest } = fields;
  return [...Object.entries(rest), ["ElementDataFile", ElementDataFile]].map(([k, v]) => `${k} = ${v}`).join("\n") + "\n";
}

const BASE = { ObjectType: "Image", NDims: "3", BinaryData: "True", ElementSpacing: "200 100 50", DimSize: "3 2 2", ElementType: "MET_FLOAT", ElementDataFile: "v.raw" };

describe("allen: MetaImage reader", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir().dir));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const values = Array.from({ length: 12 }, (_, i) => (i % 5 === 0 ? -1 : i * 1.5));

  function write(fields: Record<string, string>, raw: Buffer, name = "v.mhd"): string {
    fs.writeFileSync(path.join(dir, name), header(fields));
    fs.writeFileSync(path.join(dir, fields.ElementDataFile ?? "v.raw"), raw);
    return path.join(dir, name);
  }

  it("reads little-endian floats named by BinaryDataByteOrderMSB = False (the Allen spelling)", async () => {
    const raw = Buffer.alloc(48);
    values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
    const volume = await allen.readVolume(write({ ...BASE, BinaryDataByteOrderMSB: "False" }, raw));
    assert.deepEqual(volume.dims, [3, 2, 2]);
    assert.deepEqual(volume.spacing, [200, 100, 50]);
    assert.equal(volume.elementType, "MET_FLOAT");
    assert.ok(volume.data instanceof Float32Array);
    assert.deepEqual([...volume.data], values);
  });

  it("reads big-endian data named by ElementByteOrderMSB = True (the other spelling)", async () => {
    const raw = Buffer.alloc(48);
    values.forEach((v, i) => raw.writeFloatBE(v, i * 4));
    const volume = await allen.readVolume(write({ ...BASE, ElementByteOrderMSB: "True" }, raw));
    assert.deepEqual([...volume.data], values);
    const shorts = Buffer.alloc(24);
    values.forEach((v, i) => shorts.writeUInt16BE(Math.max(0, Math.round(v * 100)), i * 2));
    const u16 = await allen.readVolume(write({ ...BASE, ElementType: "MET_USHORT", BinaryDataByteOrderMSB: "True" }, shorts));
    assert.ok(u16.data instanceof Uint16Array);
    assert.deepEqual([...u16.data], values.map((v) => Math.max(0, Math.round(v * 100))));
  });

  it("takes the element type from the header (uint8, uint32) and honours HeaderSize and LOCAL data", async () => {
    const bytes = Buffer.from(Array.from({ length: 12 }, (_, i) => i * 20));
    const u8 = await allen.readVolume(write({ ...BASE, ElementType: "MET_UCHAR" }, bytes));
    assert.ok(u8.data instanceof Uint8Array);
    assert.equal(u8.data[11], 220);
    const u32 = Buffer.alloc(48 + 16);
    for (let i = 0; i < 12; i++) u32.writeUInt32LE(1_000_000 + i, 16 + i * 4);
    const withHeader = await allen.readVolume(write({ ...BASE, ElementType: "MET_UINT", HeaderSize: "16" }, u32));
    assert.equal(withHeader.data[11], 1_000_011);
    const local = Buffer.concat([Buffer.from(header({ ...BASE, ElementType: "MET_UCHAR", ElementDataFile: "LOCAL" })), bytes]);
    fs.writeFileSync(path.join(dir, "local.mhd"), local);
    const fromLocal = await allen.readVolume(path.join(dir, "local.mhd"));
    assert.deepEqual([...fromLocal.data], [...bytes]);
  });

  it("a .raw of the wrong size raises VolumeSizeError naming both sizes", async () => {
    await assert.rejects(allen.readVolume(write(BASE, Buffer.alloc(47))), (e: unknown) => allen.isVolumeSizeError(e) && e.expectedBytes === 48 && e.actualBytes === 47 && /48/.test((e as Error).message));
    await assert.rejects(allen.readVolume(write(BASE, Buffer.alloc(52))), allen.isVolumeSizeError);
  });

  it("bad headers raise MetaImageError saying what is wrong", async () => {
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ DimSize: undefined }, /no DimSize/],
      [{ DimSize: "3 2" }, /DimSize = 3 2 is not 3 numbers/],
      [{ ElementType: "MET_LONG_LONG" }, /ElementType MET_LONG_LONG is not supported/],
      [{ CompressedData: "True" }, /CompressedData/],
      [{ BinaryDataByteOrderMSB: "Maybe" }, /byte order flag/],
      [{ ElementDataFile: "missing.raw" }, /cannot be read/],
      [{ ElementDataFile: "slice%03d.raw" }, /one file per slice/],
      [{ NDims: "2", DimSize: "3 4", ElementSpacing: "1 1" }, /readVolume reads 3-D volumes/],
    ];
    for (const [change, message] of cases) {
      const fields = { ...BASE, ...change } as Record<string, string>;
      for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
      fs.writeFileSync(path.join(dir, "bad.mhd"), header(fields));
      fs.writeFileSync(path.join(dir, "v.raw"), Buffer.alloc(48));
      await assert.rejects(allen.readVolume(path.join(dir, "bad.mhd")), (e: unknown) => allen.isMetaImageError(e) && message.test((e as Error).message), String(message));
    }
    assert.throws(() => parseMetaImageHeader("this is not a header"), allen.isMetaImageError);
  });

  it("slices along each axis with the documented shapes, -1 as null; valueRange and maskNoData skip -1", () => {
    const dims: [number, number, number] = [4, 3, 2];
    const data = Float32Array.from({ length: 24 }, (_, i) => (i === 5 ? -1 : i));
    const volume = { dims, data };
    const at = (x: number, y: number, z: number) => x + 4 * (y + 3 * z);
    const coronal = allen.slice(volume, "coronal", 1);
    assert.equal(coronal.length, 3);
    assert.equal(coronal[0].length, 2);
    assert.equal(coronal[2][1], at(1, 2, 1));
    assert.equal(coronal[1][0], null, "voxel (1,1,0) holds -1");
    assert.equal(allen.slice(volume, "x", 1, { noData: "keep" })[1][0], -1);
    const sagittal = allen.slice(volume, "z", 1);
    assert.deepEqual([sagittal.length, sagittal[0].length], [3, 4]);
    assert.equal(sagittal[2][3], at(3, 2, 1));
    const horizontal = allen.slice(volume, "horizontal", 2);
    assert.deepEqual([horizontal.length, horizontal[0].length], [2, 4]);
    assert.equal(horizontal[1][3], at(3, 2, 1));
    assert.throws(() => allen.slice(volume, "z", 2), isInvalidArgumentError);
    assert.throws(() => allen.slice(volume, "w" as allen.SliceAxis, 0), isInvalidArgumentError);
    assert.deepEqual(allen.valueRange(volume), { min: 0, max: 23, count: 23, noDataCount: 1 });
    assert.ok(Number.isNaN(allen.maskNoData(volume)[5]));
    assert.equal(hasData(volume)[5], 0);
    assert.equal(hasData(volume)[6], 1);
  });
});

describe("allen: unionize", () => {
  it("sums and averages values per structure label, leaving out -1 voxels and label 0", () => {
    const dims: [number, number, number] = [3, 2, 1];
    const values = { dims, data: Float32Array.from([1, 2, -1, 4, 5, 6]) };
    const labels = { dims, data: Uint32Array.from([7, 7, 7, 9, 0, 9]) };
    assert.deepEqual(allen.unionize(values, labels), [
      { structureId: 7, voxels: 3, voxelsWithData: 2, sum: 3, mean: 1.5 },
      { structureId: 9, voxels: 2, voxelsWithData: 2, sum: 10, mean: 5 },
    ]);
    const empty = allen.unionize({ dims, data: Float32Array.from([-1, -1, -1, -1, -1, -1]) }, labels);
    assert.ok(Number.isNaN(empty[0].mean));
    assert.throws(() => allen.unionize({ dims: [6, 1, 1], data: values.data }, labels), isInvalidArgumentError);
  });
});

describe("allen: atomic writes", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir().dir));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a failure while writing removes the temporary files and leaves no final name", async () => {
    fs.writeFileSync(path.join(dir, "blocker"), "a file where a folder is needed");
    await assert.rejects(
      writeFilesAtomically([
        { path: path.join(dir, "energy.mhd"), data: Buffer.from("header") },
        { path: path.join(dir, "blocker", "energy.raw"), data: Buffer.alloc(10) },
      ]),
    );
    assert.deepEqual(filesUnder(dir), ["blocker"]);
  });

  it("writes every file under its final name on success", async () => {
    await writeFilesAtomically([{ path: path.join(dir, "a", "b.raw"), data: Buffer.from("x") }]);
    assert.deepEqual(filesUnder(dir), [path.join("a", "b.raw")]);
  });
});
