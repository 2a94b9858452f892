import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import type { LoopbackServer } from "../../demo/src/loopback.js";
import { isUnsafePathError } from "../../lib/errors.js";
import { isHttpError, isNetworkError } from "../../lib/http/errors.js";
import { isLocalWriteError } from "../../lib/files/local-write.js";
import { createZip } from "../../demo/src/zip.js";
import { filesUnder, NO_RETRY_HTTP, sendBytes, serve, tempDir, withAllenDemo } from "./helpers.js";

const FAST_RETRY = { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, statuses: [500] } };

const header = (dims: number[], type: string, dataFile: string) =>
  `ObjectType = Image\nNDims = ${dims.length}\nBinaryData = True\nBinaryDataByteOrderMSB = False\nElementSpacing = 200 200 200\nDimSize = ${dims.join(" ")}\nElementType = ${type}\nElementDataFile = ${dataFile}\n`;

describe("allen: downloads against the demo service", () => {
  let api: string;
  let dir: string;
  withAllenDemo((url) => (api = url));
  beforeEach(() => (dir = tempDir().dir));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("downloadGridFile extracts energy.mhd and energy.raw (the seed's members) and returns their paths", async () => {
    const progress: allen.ArchiveProgress[] = [];
    const written = await allen.downloadGridFile(69855739, dir, { api, onProgress: (p) => progress.push(p) });
    assert.deepEqual(written, [path.join(dir, "energy.mhd"), path.join(dir, "energy.raw")]);
    assert.deepEqual(filesUnder(dir), ["energy.mhd", "energy.raw"]);
    assert.equal(fs.statSync(path.join(dir, "energy.raw")).size, 67 * 41 * 58 * 4);
    const last = progress[progress.length - 1];
    assert.ok(last.totalBytes! > 0 && last.bytes === last.totalBytes);
    assert.match(last.url, /grid_data\/download\/69855739$/);
  });

  it("members 'all' keeps data_set.xml; include asks for other volumes", async () => {
    await allen.downloadGridFile(69855739, dir, { api, members: "all" });
    assert.deepEqual(filesUnder(dir), ["data_set.xml", "energy.mhd", "energy.raw"]);
    assert.match(fs.readFileSync(path.join(dir, "data_set.xml"), "utf8"), /<section-data-set>[\s\S]*<id type="integer">69855739<\/id>/);
    const other = tempDir().dir;
    try {
      const written = await allen.downloadGridFile(69855739, other, { api, include: ["intensity"] });
      assert.deepEqual(written.map((p) => path.basename(p)), ["intensity.mhd", "intensity.raw"]);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("downloadAtlasVolume follows reference space 10's well-known file to atlasVolume/atlasVolume.{mhd,raw}", async () => {
    const urls: string[] = [];
    const written = await allen.downloadAtlasVolume(dir, { api, onRequest: (u) => urls.push(u) });
    assert.deepEqual(written, [path.join(dir, "atlasVolume", "atlasVolume.mhd"), path.join(dir, "atlasVolume", "atlasVolume.raw")]);
    assert.match(urls[0], /ReferenceSpace\/query\.json\?criteria=\[id\$eq10\]&include=well_known_files\[path\$li'\*atlasVolume\.zip'\]&start_row=0&num_rows=2000$/);
    const volume = await allen.readVolume(written[0]);
    assert.deepEqual(volume.dims, [67, 41, 58]);
    assert.equal(volume.elementType, "MET_UCHAR");
  });

  it("the seed's download URL with a double slash works (API_SERVER + download_link)", async () => {
    const [space] = await allen.query(api + "api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]&include=well_known_files[path$li'*']", { paging: "camel" });
    const link = (space.well_known_files as { download_link: string }[])[0].download_link;
    const url = api + link;
    assert.match(url, /\/\/api\/v2\/well_known_file_download\//);
    const written = await allen.downloadAndExtract(url, dir, { members: ["atlasVolume.mhd", "atlasVolume.raw"] });
    assert.equal(written.length, 2);
  });

  it("an unknown data set is a 404 HttpError and writes nothing", async () => {
    await assert.rejects(allen.downloadGridFile(12345, dir, { api, http: NO_RETRY_HTTP }), (e: unknown) => isHttpError(e) && e.status === 404 && /does not exist/.test(e.message));
    assert.deepEqual(filesUnder(dir), []);
  });

  it("a missing reference space or a filter matching no file is an AllenNotFoundError", async () => {
    await assert.rejects(allen.downloadAtlasVolume(dir, { api, referenceSpaceId: 99 }), (e: unknown) => allen.isAllenNotFoundError(e) && /reference space 99 does not exist/.test((e as Error).message));
    await assert.rejects(allen.downloadAtlasVolume(dir, { api, pattern: "*nothing.zip" }), (e: unknown) => allen.isAllenNotFoundError(e) && /no well-known file matching \*nothing\.zip/.test((e as Error).message));
    assert.deepEqual(filesUnder(dir), []);
  });

  it("a folder standing where a member goes → LocalWriteError (EISDIR) before anything is renamed: no header without its data", async () => {
    fs.writeFileSync(path.join(dir, "energy.mhd"), "older header");
    fs.mkdirSync(path.join(dir, "energy.raw"));
    const error = await allen.downloadGridFile(69855739, dir, { api }).catch((e) => e);
    assert.ok(isLocalWriteError(error) && error.osCode === "EISDIR", String(error));
    assert.match(error.message, /energy\.raw/);
    assert.deepEqual(filesUnder(dir), ["energy.mhd"]);
    assert.equal(fs.readFileSync(path.join(dir, "energy.mhd"), "utf8"), "older header");
  });

  it("rejects bad arguments before any request", async () => {
    await assert.rejects(allen.downloadGridFile(-3, dir, { api }), /positive whole number/);
    await assert.rejects(allen.downloadGridFile(1.5, dir, { api }), /positive whole number/);
  });
});

describe("allen: downloads that go wrong leave nothing behind", () => {
  let server: LoopbackServer | undefined;
  let dir: string;
  beforeEach(() => (dir = tempDir().dir));
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a zip whose member escapes the folder (zip slip) raises UnsafePathError and writes nothing", async () => {
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-escaped.raw`);
    const evil = createZip([
      { name: "energy.mhd", data: Buffer.from(header([1, 1, 1], "MET_FLOAT", "energy.raw")) },
      { name: `../${path.basename(outside)}`, data: Buffer.alloc(4) },
      { name: "energy.raw", data: Buffer.alloc(4) },
    ]);
    server = await serve((_req, res) => sendBytes(res, evil));
    await assert.rejects(allen.downloadAndExtract(`${server.url}grid_data/download/1`, dir), isUnsafePathError);
    await assert.rejects(allen.downloadAndExtract(`${server.url}x.zip`, dir, { members: [path.basename(outside)] }), isUnsafePathError);
    assert.ok(!fs.existsSync(outside), "nothing was written outside the folder");
    assert.deepEqual(filesUnder(dir), [], "nothing was written inside either");
    const absolute = createZip([{ name: "/tmp/evil-absolute.raw", data: Buffer.alloc(1) }]);
    await server.close();
    server = await serve((_req, res) => sendBytes(res, absolute));
    await assert.rejects(allen.downloadAndExtract(`${server.url}x.zip`, dir), isUnsafePathError);
  });

  it("a corrupt zip is downloaded again, then raises ZipFormatError and writes nothing", async () => {
    const bad = Buffer.from(createZip([{ name: "energy.mhd", data: Buffer.from("x".repeat(100)), method: "store" }, { name: "energy.raw", data: Buffer.alloc(400, 3), method: "store" }]));
    bad[30 + "energy.mhd".length + 10] ^= 0x55;
    let requests = 0;
    server = await serve((_req, res) => {
      requests++;
      sendBytes(res, bad);
    });
    await assert.rejects(allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY }), (e: unknown) => allen.isZipFormatError(e) && e.problem === "damaged" && /CRC-32/.test((e as Error).message));
    assert.equal(requests, 3);
    assert.deepEqual(filesUnder(dir), []);
  });

  it("a zip corrupted in transit once is fetched again and extracted", async () => {
    const good = createZip([{ name: "energy.mhd", data: Buffer.from(header([1, 1, 1], "MET_FLOAT", "energy.raw")) }, { name: "energy.raw", data: Buffer.alloc(4), method: "store" }]);
    const bad = Buffer.from(good);
    bad[bad.indexOf("energy.raw") + "energy.raw".length + 1] ^= 0xff;
    let requests = 0;
    server = await serve((_req, res) => sendBytes(res, ++requests === 1 ? bad : good));
    const written = await allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY });
    assert.equal(requests, 2);
    assert.deepEqual(written.map((p) => path.basename(p)), ["energy.mhd", "energy.raw"]);
  });

  it("an HTML page instead of the zip raises ZipFormatError", async () => {
    server = await serve((_req, res) => sendBytes(res, Buffer.from("<html><body>maintenance</body></html>"), "text/html"));
    await assert.rejects(allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY }), (e: unknown) => allen.isZipFormatError(e) && /HTML/.test((e as Error).message) && (e as allen.ZipFormatError).url!.includes("grid_data/download/1"));
  });

  it("a zip without the expected members says what it holds", async () => {
    server = await serve((_req, res) => sendBytes(res, createZip([{ name: "readme.txt", data: Buffer.from("hi") }])));
    let requests = 0;
    server.server.on("request", () => requests++);
    await assert.rejects(allen.downloadGridFile(1, dir, { api: server.url }), (e: unknown) => allen.isZipFormatError(e) && e.problem === "missing-member" && /has no energy\.mhd, energy\.raw \(it holds readme\.txt\)/.test((e as Error).message));
    assert.equal(requests, 1, "a readable archive without the members is not downloaded again");
  });

  it("a .raw that does not match its .mhd raises VolumeSizeError and writes nothing", async () => {
    const zip = createZip([{ name: "energy.mhd", data: Buffer.from(header([2, 2, 2], "MET_FLOAT", "energy.raw")) }, { name: "energy.raw", data: Buffer.alloc(31) }]);
    server = await serve((_req, res) => sendBytes(res, zip));
    await assert.rejects(allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY }), (e: unknown) => allen.isVolumeSizeError(e) && e.expectedBytes === 32 && e.actualBytes === 31);
    assert.deepEqual(filesUnder(dir), []);
  });

  it("a body cut short (connection dropped) raises NetworkError; no partial or temporary file is left, and an older file keeps its content", async () => {
    fs.writeFileSync(path.join(dir, "energy.raw"), "previous good content");
    const zip = createZip([{ name: "energy.mhd", data: Buffer.from(header([64, 64, 64], "MET_FLOAT", "energy.raw")) }, { name: "energy.raw", data: Buffer.alloc(64 ** 3 * 4, 1), method: "store" }]);
    let requests = 0;
    server = await serve((_req, res) => {
      requests++;
      res.writeHead(200, { "content-type": "application/zip", "content-length": zip.length });
      res.write(zip.subarray(0, Math.floor(zip.length / 2)), () => res.socket?.destroy());
    });
    await assert.rejects(
      allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY }),
      isNetworkError,
    );
    assert.equal(requests, 3, "a cut connection is retried, then reported");
    assert.deepEqual(filesUnder(dir), ["energy.raw"]);
    assert.equal(fs.readFileSync(path.join(dir, "energy.raw"), "utf8"), "previous good content");
  });

  it("a retry after a cut connection succeeds when the server recovers", async () => {
    const zip = createZip([{ name: "energy.mhd", data: Buffer.from(header([1, 1, 1], "MET_FLOAT", "energy.raw")) }, { name: "energy.raw", data: Buffer.alloc(4) }]);
    let requests = 0;
    server = await serve((_req, res) => {
      if (++requests === 1) {
        res.writeHead(200, { "content-length": zip.length });
        res.write(zip.subarray(0, 10), () => res.socket?.destroy());
      } else sendBytes(res, zip);
    });
    const written = await allen.downloadGridFile(1, dir, { api: server.url, http: FAST_RETRY });
    assert.equal(written.length, 2);
    assert.deepEqual(filesUnder(dir), ["energy.mhd", "energy.raw"]);
  });
});
