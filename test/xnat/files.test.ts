import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as xnat from "../../lib/xnat/index.js";
import { isInvalidArgumentError, isIntegrityError } from "../../lib/errors.js";
import { isUnexpectedContentError } from "../../lib/http/errors.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { createZip } from "../../demo/src/zip.js";
import { filesUnder, tempDir } from "../helpers/files.js";
import { tamperProxy } from "../helpers/proxies.js";

const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");

/** Every file of a download summary checked against the listing's digest. */
function assertMatchesListing(dir: string, listed: readonly xnat.XnatFile[], keyOf: (file: xnat.XnatFile) => string): void {
  for (const file of listed) assert.equal(md5(path.join(dir, keyOf(file))), file.digest, keyOf(file));
  assert.deepEqual(filesUnder(dir), listed.map(keyOf).sort(), "no part files, sidecars, locks or zips left");
}

describe("xnat: scans, resources and files (demo ConnectomeDB)", function () {
  this.timeout(120_000);
  let demo: XnatDemo;
  let cdb: xnat.XnatConnection;
  let temp: ReturnType<typeof tempDir>;
  const session = () => cdb.project("HCP_Q1").subject("100307").experiment("100307_3T");

  before(async () => {
    demo = await startXnatDemo();
    cdb = await xnat.connect(demo.info.url, { user: demo.info.user, password: demo.info.password });
  });
  after(async () => {
    await cdb?.close();
    await demo?.close();
  });
  beforeEach(() => (temp = tempDir("np-xnat-files-")));
  afterEach(() => temp.remove());

  it("lists a session's scans, a scan's resources and every file as DataFrames with format, content, URI and digest", async () => {
    const scans = await session().scans();
    assert.deepEqual(scans.shape, [11, 8]);
    assert.deepEqual(scans.column("type").values.slice(0, 3), ["Localizer", "T1w_MPR1", "T2w_SPC1"]);
    const resources = await session().scan("2").resources();
    assert.deepEqual(resources.columns, ["label", "id", "format", "content", "tags", "category", "scan", "file_count", "file_size"]);
    assert.deepEqual(resources.column("label").values, ["DICOM", "NIFTI"]);
    assert.deepEqual(resources.column("file_count").values, [24, 1]);
    const files = await session().files();
    assert.deepEqual(files.columns, ["scan", "resource", "path", "name", "size", "format", "content", "tags", "digest", "uri"]);
    const rows = xnat.toFileFrame(await session().fileList());
    assert.equal(rows.shape[0], files.shape[0]);
    const list = await session().fileList();
    assert.ok(list.every((file) => /^[0-9a-f]{32}$/.test(file.digest ?? "")), "every file carries its MD5");
    const nested = list.find((file) => file.path === "physio/tfMRI_MOTOR_LR_Physio_log.txt")!;
    assert.deepEqual([nested.scan, nested.resource, nested.name, nested.tags], ["", "NOTES", "tfMRI_MOTOR_LR_Physio_log.txt", "physio"]);
    assert.match(nested.uri, /^\/data\/experiments\/ConnectomeDB_E\d+\/resources\/\d+\/files\/physio\/tfMRI_MOTOR_LR_Physio_log\.txt$/);
    const nifti = list.find((file) => file.scan === "2" && file.resource === "NIFTI")!;
    assert.deepEqual([nifti.format, nifti.content], ["NIFTI", "ANAT"]);
    assert.deepEqual((await cdb.project("HCP_Q1").resources()).column("label").values, ["DOCS"]);
    assert.deepEqual((await cdb.project("HCP_Q1").subject("100307").files()).column("path").values, ["subject_notes.txt"]);
    assert.deepEqual((await session().resource("NOTES").files()).column("path").values, ["session_notes.txt", "physio/tfMRI_MOTOR_LR_Physio_log.txt"]);
  });

  it("downloads a resource verified against the digests, then skips it all on a re-run", async () => {
    const resource = session().resource("NOTES");
    const listed = await resource.fileList();
    const summary = await resource.download(temp.dir);
    assert.deepEqual([summary.downloaded, summary.failed, summary.zips.length], [2, 0, 0]);
    assert.ok(summary.files.every((file) => file.verifiedBy === "md5-digest"));
    assertMatchesListing(temp.dir, listed, (file) => file.path);
    const again = await resource.download(temp.dir);
    assert.deepEqual([again.skipped, again.bytes], [2, 0]);
  });

  it("downloads a whole session to scans/<scan>/<resource>/<path> and resources/<resource>/<path>, the big DICOM resource as one zip", async () => {
    const listed = await session().fileList();
    const events: xnat.DownloadProgress[] = [];
    const summary = await session().download(temp.dir, { onProgress: (p) => events.push(p) });
    assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
    assert.equal(summary.downloaded, listed.length);
    assert.deepEqual(summary.zips.map((z) => [z.scan, z.resource, z.files, z.used]), [["2", "DICOM", 24, true]], "only the 24-file resource is worth a zip");
    assert.ok(summary.bytes < listed.reduce((sum, f) => sum + f.size, 0), "the zip is smaller than its files");
    assertMatchesListing(temp.dir, listed, (f) => (f.scan ? `scans/${f.scan}/${f.resource}/${f.path}` : `resources/${f.resource}/${f.path}`));
    const last = events.at(-1)!;
    assert.deepEqual([last.event, last.filesDone, last.filesTotal, last.bytesDone], ["done", listed.length, listed.length, last.bytesTotal]);
    assert.equal(demo.stats().zips, 1);
  });

  it("narrows a download by scans, resources and include globs, and zips per file count as asked", async () => {
    const niftiOnly = await session().download(temp.dir, { resources: ["NIFTI"], scans: ["2", "9"] });
    assert.deepEqual(filesUnder(temp.dir), ["scans/2/NIFTI/100307_3T_T1w_MPR1.nii", "scans/9/NIFTI/100307_3T_tfMRI_MOTOR_LR.nii"]);
    assert.equal(niftiOnly.downloaded, 2);
    const dicomOfTwo = await session().scan("2").download(temp.dir, { include: "DICOM/*.{0001,0002,0003}.dcm", zip: "never" });
    assert.deepEqual([dicomOfTwo.downloaded, dicomOfTwo.zips.length], [3, 0]);
    const always = await session().scan("3").download(path.join(temp.dir, "always"), { zip: "always" });
    assert.deepEqual(always.zips.map((z) => [z.resource, z.used]), [["DICOM", true], ["NIFTI", true]]);
    const low = await session().scan("4").download(path.join(temp.dir, "low"), { zipMinFiles: 2 });
    assert.deepEqual(low.zips.map((z) => z.resource), ["DICOM"], "4 DICOM files reach a threshold of 2; 1 NIfTI does not");
    await assert.rejects(session().download(temp.dir, { zip: "sometimes" as never }), isInvalidArgumentError);
    await assert.rejects(session().download(temp.dir, { include: "" }), isInvalidArgumentError);
  });

  it("refuses a zip with a member that escapes the folder, or one that claims more than deflate can give, and fetches those files one by one", async () => {
    const upstream = demo.info.url;
    const evil = createZip([
      { name: "100307_3T/scans/2/resources/DICOM/files/100307_3T.MR.T1w_MPR1.2.0001.dcm", data: Buffer.alloc(10) },
      { name: "../../../escaped.txt", data: Buffer.from("pwned") },
    ]);
    const bomb = createZip([{ name: "100307_3T/scans/2/resources/DICOM/files/100307_3T.MR.T1w_MPR1.2.0001.dcm", data: Buffer.alloc(4 << 20) }]);
    for (const [name, body, reason] of [["zip slip", evil, /outside/], ["bomb", bomb, /declares \d+ bytes for files listed with \d+/]] as const) {
      const proxy = await tamperProxy(upstream, [{ match: (_m, url) => url.includes("format=zip"), rewrite: () => ({ status: 200, body }) }]);
      const via = await xnat.connect(proxy.url, { user: demo.info.user, password: demo.info.password });
      const dir = path.join(temp.dir, name.replace(" ", "-"));
      try {
        const scan = via.project("HCP_Q1").subject("100307").experiment("100307_3T").scan("2");
        const summary = await scan.download(dir, { resources: ["DICOM"], zip: "always" });
        assert.equal(summary.failed, 0, `${name}: ${JSON.stringify(summary.failures)}`);
        assert.equal(summary.zips[0].used, false, name);
        assert.match(summary.zips[0].reason ?? "", reason, name);
        assertMatchesListing(dir, (await scan.fileList()).filter((f) => f.resource === "DICOM"), (f) => `${f.resource}/${f.path}`);
        assert.equal(fs.existsSync(path.join(temp.dir, "..", "escaped.txt")), false);
        assert.equal(fs.existsSync(path.resolve(dir, "../../../escaped.txt")), false);
      } finally {
        await via.close();
        await proxy.close();
      }
    }
  });

  it("refuses a file listing whose URI points outside a resource, before any download", async () => {
    const proxy = await tamperProxy(demo.info.url, [
      {
        match: (_m, url) => /resources\/NOTES\/files\?format=json/.test(url),
        rewrite: (exchange) => ({ body: Buffer.from(exchange.body.toString().replace(/\/files\/session_notes\.txt/, "/files/../../../../etc/passwd")) }),
      },
    ]);
    const via = await xnat.connect(proxy.url, { user: demo.info.user, password: demo.info.password });
    try {
      await assert.rejects(via.project("HCP_Q1").subject("100307").experiment("100307_3T").resource("NOTES").download(temp.dir), isUnexpectedContentError);
      assert.deepEqual(filesUnder(temp.dir), []);
    } finally {
      await via.close();
      await proxy.close();
    }
  });

  it("fails a file whose content never matches its digest with IntegrityError and keeps nothing under its name", async () => {
    const proxy = await tamperProxy(demo.info.url, [
      {
        match: (method, url) => method === "GET" && url.endsWith("/files/session_notes.txt"),
        rewrite: (exchange) => ({ body: Buffer.from(exchange.body.toString().replace("Session", "Sessi0n")) }),
      },
    ]);
    const via = await xnat.connect(proxy.url, { user: demo.info.user, password: demo.info.password });
    try {
      const summary = await via.project("HCP_Q1").subject("100307").experiment("100307_3T").resource("NOTES").download(temp.dir);
      assert.deepEqual([summary.downloaded, summary.failed], [1, 1]);
      assert.ok(isIntegrityError(summary.failures[0].error));
      assert.deepEqual(filesUnder(temp.dir), ["physio/tfMRI_MOTOR_LR_Physio_log.txt"]);
    } finally {
      await via.close();
      await proxy.close();
    }
  });
});
