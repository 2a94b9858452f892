/**
 * Adversarial suite, class "paths from data": a MetaImage header's data file stays beside it,
 * XNAT identifiers are single path segments, service addresses carry no query or fragment and
 * URLs are built rather than concatenated, and links planted in a target folder are never
 * followed when writing. Each scenario asserts the typed outcome and the bytes on disk.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isInvalidArgumentError, isUnsafePathError } from "../../lib/errors.js";
import { isLocalWriteError } from "../../lib/files/local-write.js";
import { createZip } from "../../demo/src/zip.js";
import { fakeS3, FAKE_BUCKET } from "../helpers/fake-s3.js";
import { hostileServer, md5, rejection, rmaEnvelope, scenario, xnatFileListing, xnatLikeServer, type HostileServer } from "../helpers/hostile.js";
import { isUnexpectedContentError } from "../../lib/http/errors.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const SESSION_ID = "0123456789ABCDEF0123456789ABCDEF";
const VOXELS = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer);
const header = (dataFile: string) => `ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\nDimSize = 2 2 2\nElementType = MET_FLOAT\nElementDataFile = ${dataFile}\n`;

describe("hostile: paths from data stay where they belong", () => {
  const work = tempDir("np-hostile-paths-");
  after(() => work.remove());

  describe("MetaImage: ElementDataFile is read beside its header or not at all", () => {
    const outside = path.join(work.dir, "outside");
    const volumes = path.join(work.dir, "volumes", "inner");
    before(() => {
      fs.mkdirSync(outside, { recursive: true });
      fs.mkdirSync(volumes, { recursive: true });
      // A file outside the volume's folder with exactly the size the header asks for: read as voxels before the fix.
      fs.writeFileSync(path.join(outside, "secret.raw"), Buffer.from("TOP-SECRET-32-BYTES-OF-DATA!!!!!"));
    });

    for (const [title, dataFile] of [
      ["an absolute path (/etc/passwd)", "/etc/passwd"],
      ["an absolute path to a file of the right size", path.join(work.dir, "outside", "secret.raw")],
      ["a path climbing out (../../outside/secret.raw)", "../../outside/secret.raw"],
      ["a sub-folder path (sub/v.raw)", "sub/v.raw"],
      ["a Windows path (C:\\data\\v.raw)", "C:\\data\\v.raw"],
      ["a backslash climb (..\\..\\outside\\secret.raw)", "..\\..\\outside\\secret.raw"],
    ]) {
      scenario(`ElementDataFile = ${title} raises UnsafePathError and reads nothing`, async () => {
        const mhd = path.join(volumes, `bad-${title.length}.mhd`);
        fs.writeFileSync(mhd, header(dataFile));
        const error = await rejection(allen.readVolume(mhd));
        assert.ok(isUnsafePathError(error), String(error));
        assert.match((error as Error).message, /refusing to read .* outside the folder of/);
        assert.doesNotMatch((error as Error).message, /TOP-SECRET/);
      });
    }

    scenario("ElementDataFile = LIST (one file per slice) raises MetaImageError, nothing read", async () => {
      const mhd = path.join(volumes, "list.mhd");
      fs.writeFileSync(mhd, header("LIST"));
      const error = await rejection(allen.readVolume(mhd));
      assert.ok(allen.isMetaImageError(error), String(error));
    });

    scenario("ElementDataFile = LOCAL reads the voxels that follow the header in the same file", async () => {
      const mhd = path.join(volumes, "local.mhd");
      fs.writeFileSync(mhd, Buffer.concat([Buffer.from(header("LOCAL")), VOXELS]));
      const volume = await allen.readVolume(mhd);
      assert.deepEqual([...volume.data], [1, 2, 3, 4, 5, 6, 7, 8]);
    });

    scenario("a plain data file name beside the header is read as before", async () => {
      const mhd = path.join(volumes, "good.mhd");
      fs.writeFileSync(mhd, header("good.raw"));
      fs.writeFileSync(path.join(volumes, "good.raw"), VOXELS);
      assert.deepEqual([...(await allen.readVolume(mhd)).data], [1, 2, 3, 4, 5, 6, 7, 8]);
    });

    scenario("an archive whose .mhd points outside the folder is refused at extraction: UnsafePathError, nothing written", async () => {
      const zip = createZip([
        { name: "energy.mhd", data: Buffer.from(header("../escaped.raw")) },
        { name: "energy.raw", data: VOXELS },
      ]);
      const api = await hostileServer((_req, res) => res.writeHead(200, { "content-type": "application/zip", "content-length": String(zip.length) }).end(zip));
      const target = path.join(work.dir, "grid");
      try {
        const error = await rejection(allen.downloadAndExtract(`${api.url}grid_data/download/1`, target, { http: { retry: false } }));
        assert.ok(isUnsafePathError(error), String(error));
        assert.deepEqual(filesUnder(target), []);
        assert.ok(!fs.existsSync(path.join(work.dir, "escaped.raw")));
      } finally {
        await api.close();
      }
    });
  });

  describe("XNAT identifiers are single path segments", () => {
    let server: HostileServer;
    let cdb: xnat.XnatConnection;
    before(async () => {
      server = await hostileServer((req, res) => {
        if ((req.url ?? "").startsWith("/data/JSESSION")) return void res.writeHead(200, { "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/` }).end(SESSION_ID);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ResultSet: { Result: [], totalRecords: "0" } }));
      });
      cdb = await xnat.connect(server.url, { user: "u", password: "pw-segments" });
    });
    after(async () => {
      await cdb.close().catch(() => undefined);
      await server.close();
    });

    for (const id of [".", "..", "a/b", "a?b=1", "a#b", "a\\b", "a\u0000b", "a\nb"]) {
      scenario(`the id ${JSON.stringify(id)} is refused with InvalidArgumentError before any request (project, subject and experiment)`, async () => {
        const before = server.hits.length;
        for (const call of [() => cdb.project(id).subjects(), () => cdb.project("P1").subject(id).experiments(), () => cdb.project("P1").subject("S1").experiment(id).xml()]) {
          const error = await rejection(call);
          assert.ok(isInvalidArgumentError(error), String(error));
          assert.match((error as Error).message, /not a single path segment|non-empty string/);
        }
        assert.equal(server.hits.length, before, "no request left the client");
      });
    }

    scenario("an id with spaces, @ and : stays one encoded segment", async () => {
      await cdb.project("HCP Q1@x:y").subjects();
      assert.equal(server.hits.at(-1)?.url.split("?")[0], "/data/projects/HCP%20Q1@x:y/subjects");
    });
  });

  describe("XNAT file URIs from a listing stay inside their resource", () => {
    for (const segment of ["%2e%2e", "%2E%2E", ".%2e", "%2e"]) {
      scenario(`a listed file URI with the segment ${segment} (read as a dot segment by URL resolution) refuses the listing: UnexpectedContentError, no file requested, nothing written`, async () => {
        const uri = `/data/experiments/E1/resources/NIFTI/files/${segment}/${segment}/../secret.txt`.replace("/../", `/${segment}/`);
        const row = { Name: "secret.txt", Size: "5", URI: uri, collection: "NIFTI", cat_ID: "7", digest: md5("hello"), file_format: "", file_content: "", file_tags: "" };
        const fileGets: string[] = [];
        const server = await xnatLikeServer((req, res) => {
          if ((req.url ?? "").includes("/files?")) return void res.writeHead(200, { "content-type": "application/json" }).end(xnatFileListing([row]));
          fileGets.push(req.url ?? "");
          res.writeHead(200, { "content-length": "5" }).end("hello");
        });
        const cdb = await xnat.connect(server.url, { user: "u", password: "pw-dots" });
        try {
          const target = path.join(work.dir, `xnat-dots-${segment}`);
          const error = await rejection(cdb.project("P").subject("S").experiment("E").download(target));
          assert.ok(isUnexpectedContentError(error), String(error));
          assert.deepEqual(fileGets, []);
          assert.ok(!fs.existsSync(target) || filesUnder(target).length === 0);
        } finally {
          await cdb.close().catch(() => undefined);
          await server.close();
        }
      });
    }
  });

  describe("service addresses: no query or fragment; URLs are built, not concatenated", () => {
    scenario("an XNAT address with a #fragment or a query is refused before any request", async () => {
      const server = await hostileServer((_req, res) => res.end(SESSION_ID));
      try {
        for (const url of [`${server.url}#frag`, `${server.url}xnat?x=1`]) {
          const error = await rejection(xnat.connect(url, { user: "u", password: "pw-fragment" }));
          assert.ok(isInvalidArgumentError(error), String(error));
          assert.match((error as Error).message, /fragment|query/);
        }
        assert.equal(server.hits.length, 0);
      } finally {
        await server.close();
      }
    });

    scenario("an Allen query URL with a #fragment still pages: start_row reaches the server, every row arrives once", async () => {
      const api = await hostileServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        const start = Number(url.searchParams.get("start_row") ?? -1);
        const rows = start < 0 ? [] : start >= 20 ? [] : Array.from({ length: 10 }, (_, i) => ({ id: start + i }));
        res.writeHead(200, { "content-type": "application/json" }).end(rmaEnvelope(rows, 20, start));
      });
      try {
        const rows = await allen.query(`${api.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]#section`, { numRows: 10 });
        assert.deepEqual(rows.map((r) => r.id), Array.from({ length: 20 }, (_, i) => i));
        assert.ok(api.hits.every((hit) => /start_row=\d+&num_rows=10$/.test(hit.url)), api.hits.map((h) => h.url).join("\n"));
      } finally {
        await api.close();
      }
    });

    scenario("an Allen API base with a #fragment or a query is refused before any request; nothing written", async () => {
      const api = await hostileServer((_req, res) => res.end("{}"));
      const target = path.join(work.dir, "api-base");
      try {
        for (const base of [`${api.url}#x`, `${api.url}?token=1`]) {
          const error = await rejection(allen.downloadGridFile(1, target, { api: base }));
          assert.ok(isInvalidArgumentError(error), String(error));
          assert.throws(() => allen.modelQueryUrl({ api: base, model: "Structure" }), isInvalidArgumentError);
        }
        assert.equal(api.hits.length, 0);
        assert.deepEqual(filesUnder(target), []);
      } finally {
        await api.close();
      }
    });

    scenario("an S3 endpoint with a #fragment is refused when the bucket is made", async () => {
      const error = await rejection(() => s3.bucket("b", { endpoint: "http://127.0.0.1:9/#frag", credentials: { accessKeyId: "AKIA0000", secretAccessKey: "s3cr3t-fragment" } }));
      assert.ok(isInvalidArgumentError(error), String(error));
    });
  });

  describe("links planted in the target folder are never written through", () => {
    const body = Buffer.alloc(3000, 0x5a);
    const victimText = "victim file: must never change\n";

    async function downloadInto(target: string): Promise<s3.DownloadSummary> {
      const server = await fakeS3({ "l/file.bin": body });
      const bucket = s3.bucket(FAKE_BUCKET, server.options);
      try {
        return await bucket.download("l/", target);
      } finally {
        bucket.close();
        await server.close();
      }
    }

    for (const planted of [".part", ".part.json"]) {
      scenario(`a ${planted} file planted as a link to a file outside is replaced, never followed: the outside file is unchanged`, async () => {
        const target = path.join(work.dir, `planted${planted}`);
        const victim = path.join(work.dir, `victim${planted}.txt`);
        fs.writeFileSync(victim, victimText);
        fs.mkdirSync(path.join(target, "l"), { recursive: true });
        fs.symlinkSync(victim, path.join(target, "l", `file.bin${planted}`));
        if (planted === ".part") {
          const etag = md5(body);
          fs.writeFileSync(path.join(target, "l", "file.bin.part.json"), JSON.stringify({ key: "l/file.bin", etag, size: body.length }));
        }
        const summary = await downloadInto(target);
        assert.equal(summary.ok, true, JSON.stringify(summary.failures.map((f) => f.error.message)));
        assert.equal(fs.readFileSync(victim, "utf8"), victimText);
        assert.deepEqual(fs.readFileSync(path.join(target, "l", "file.bin")), body);
        assert.deepEqual(filesUnder(target), [path.join("l", "file.bin")]);
      });
    }

    scenario("a final name planted as a link to a file outside is replaced by the verified file; the outside file is unchanged", async () => {
      const target = path.join(work.dir, "planted-final");
      const victim = path.join(work.dir, "victim-final.txt");
      fs.writeFileSync(victim, victimText);
      fs.mkdirSync(path.join(target, "l"), { recursive: true });
      fs.symlinkSync(victim, path.join(target, "l", "file.bin"));
      const summary = await downloadInto(target);
      assert.equal(summary.ok, true);
      assert.equal(fs.readFileSync(victim, "utf8"), victimText);
      assert.ok(!fs.lstatSync(path.join(target, "l", "file.bin")).isSymbolicLink());
      assert.deepEqual(fs.readFileSync(path.join(target, "l", "file.bin")), body);
    });

    scenario("an Allen member whose name is planted as a link outside is replaced atomically; the outside file is unchanged", async () => {
      const zip = createZip([{ name: "energy.mhd", data: Buffer.from(header("energy.raw")) }, { name: "energy.raw", data: VOXELS }]);
      const api = await hostileServer((_req, res) => res.writeHead(200, { "content-length": String(zip.length) }).end(zip));
      const target = path.join(work.dir, "planted-allen");
      const victim = path.join(work.dir, "victim-allen.txt");
      fs.writeFileSync(victim, victimText);
      fs.mkdirSync(target, { recursive: true });
      fs.symlinkSync(victim, path.join(target, "energy.raw"));
      try {
        await allen.downloadAndExtract(`${api.url}grid`, target);
        assert.equal(fs.readFileSync(victim, "utf8"), victimText);
        assert.deepEqual(fs.readFileSync(path.join(target, "energy.raw")), VOXELS);
        assert.deepEqual([...(await allen.readVolume(path.join(target, "energy.mhd"))).data], [1, 2, 3, 4, 5, 6, 7, 8]);
      } finally {
        await api.close();
      }
    });

    scenario("keys that need one name as both a file and a folder (a and a/b) fail typed for one of them; the other is byte-identical", async () => {
      const server = await fakeS3({ "c/a": Buffer.from("file a"), "c/a/b": Buffer.from("file a/b") });
      const bucket = s3.bucket(FAKE_BUCKET, server.options);
      const target = path.join(work.dir, "conflict");
      try {
        const summary = await bucket.download("c/", target, { concurrency: 1 });
        assert.equal(summary.failed, 1);
        assert.ok(isLocalWriteError(summary.failures[0].error), String(summary.failures[0].error));
        const ok = summary.files.find((f) => f.status !== "failed")!;
        assert.equal(fs.readFileSync(ok.path, "utf8"), ok.key === "c/a" ? "file a" : "file a/b");
      } finally {
        bucket.close();
        await server.close();
      }
    });
  });
});
