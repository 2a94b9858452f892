import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { readZip } from "../../lib/zip/index.js";
import { startClient, type DemoClient } from "./helpers.js";

const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");
const SESSION = "data/projects/HCP_Q1/subjects/100307/experiments/100307_3T";

describe("xnat demo: scans, resources and files in XNAT's protocol", function () {
  this.timeout(60_000);
  let client: DemoClient;
  before(async () => (client = await startClient()));
  after(() => client.demo.close());

  const bytes = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(client.url + path.replace(/^\//, ""), { headers: { authorization: client.basic, ...headers } });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };

  it("lists a scan's resources with XNAT's columns (no URI, as XNAT) and their files with Name, Size, URI, collection, tags, format, content, cat_ID, digest", async () => {
    const resources = (await client.json(`${SESSION}/scans/2/resources?format=json`)).ResultSet.Result;
    assert.deepEqual(Object.keys(resources[0]), ["xnat_abstractresource_id", "label", "element_name", "category", "cat_id", "cat_desc", "file_count", "file_size", "tags", "content", "format"]);
    assert.deepEqual(resources.map((r: Record<string, string>) => [r.label, r.category, r.cat_id, r.file_count]), [["DICOM", "scans", "2", "24"], ["NIFTI", "scans", "2", "1"]]);
    const files = (await client.json(`${SESSION}/scans/2/resources/NIFTI/files?format=json`)).ResultSet.Result;
    assert.deepEqual(Object.keys(files[0]), ["Name", "Size", "URI", "collection", "file_tags", "file_format", "file_content", "cat_ID", "digest"]);
    assert.match(files[0].URI, new RegExp(`^/data/experiments/ConnectomeDB_E\\d+/scans/2/resources/${resources[1].xnat_abstractresource_id}/files/100307_3T_T1w_MPR1\\.nii$`));
    const csv = (await client.get(`${SESSION}/scans/2/resources/NIFTI/files?format=csv`)).text;
    assert.equal(csv.split("\n")[0].replace(/"/g, ""), "Name,Size,URI,collection,file_tags,file_format,file_content,cat_ID,digest");
    const byId = (await client.json(`${SESSION}/scans/2/resources/${resources[1].xnat_abstractresource_id}/files?format=json`)).ResultSet.Result;
    assert.deepEqual(byId, files, "a resource is found by ID as by label");
  });

  it("serves each file with the listed size and digest: a valid NIfTI-1, DICOM Part 10 files, text", async () => {
    const files = (await client.json(`${SESSION}/scans/9/files?format=json`)).ResultSet.Result as Record<string, string>[];
    for (const file of files) {
      const { status, body, headers } = await bytes(file.URI);
      assert.equal(status, 200);
      assert.equal(body.length, Number(file.Size), file.Name);
      assert.equal(md5(body), file.digest, file.Name);
      assert.equal(headers.get("etag"), `"${file.digest}"`);
      if (file.Name.endsWith(".nii")) {
        assert.equal(body.readInt32LE(0), 348);
        assert.equal(body.toString("latin1", 344, 348), "n+1\0");
        assert.deepEqual([1, 2, 3, 4, 5].map((i) => body.readInt16LE(40 + 2 * i)), [16, 16, 8, 4, 1], "4D functional volume");
        assert.equal(body.length, 352 + 16 * 16 * 8 * 4 * 2);
      } else {
        assert.equal(body.toString("latin1", 128, 132), "DICM");
        assert.equal(body.readUInt16LE(132), 0x0002, "file meta group first");
        assert.ok(body.includes(Buffer.from("tfMRI_MOTOR_LR")), "series description");
        assert.ok(body.includes(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57])), "pixel data element (7FE0,0010) OW");
      }
    }
    const notes = (await client.json(`${SESSION}/resources/NOTES/files?format=json`)).ResultSet.Result as Record<string, string>[];
    assert.deepEqual(notes.map((f) => f.URI.split("/files/")[1]), ["session_notes.txt", "physio/tfMRI_MOTOR_LR_Physio_log.txt"]);
    const text = await bytes(notes[0].URI);
    assert.match(text.body.toString(), /^Session 100307_3T \(ConnectomeDB_E\d+\)/);
    assert.equal(text.headers.get("content-type"), "text/plain");
  });

  it("answers ranges with 206, If-Range with another version with the whole file, past the end with 416, HEAD without a body", async () => {
    const [file] = (await client.json(`${SESSION}/scans/2/resources/NIFTI/files?format=json`)).ResultSet.Result;
    const whole = await bytes(file.URI);
    const part = await bytes(file.URI, { range: "bytes=1000-", "if-range": `"${file.digest}"` });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1000-${whole.body.length - 1}/${whole.body.length}`);
    assert.deepEqual(part.body, whole.body.subarray(1000));
    const changed = await bytes(file.URI, { range: "bytes=1000-", "if-range": '"0123456789abcdef0123456789abcdef"' });
    assert.deepEqual([changed.status, changed.body.length], [200, whole.body.length]);
    assert.equal((await bytes(file.URI, { range: `bytes=${whole.body.length}-` })).status, 416);
    const head = await fetch(client.url + file.URI.slice(1), { method: "HEAD", headers: { authorization: client.basic } });
    assert.deepEqual([head.status, head.headers.get("content-length")], [200, String(whole.body.length)]);
  });

  it("zips a resource, a scan, all scans and the session's resources in XNAT's default layout (streamed, no length)", async () => {
    const zip = await bytes(`${SESSION}/scans/2/resources/DICOM/files?format=zip`);
    assert.equal(zip.headers.get("content-type"), "application/zip");
    assert.equal(zip.headers.get("content-length"), null);
    const entries = readZip(zip.body);
    assert.equal(entries.length, 24);
    assert.match(entries[0].name, /^100307_3T\/scans\/2\/resources\/DICOM\/files\/100307_3T\.MR\.T1w_MPR1\.2\.0001\.dcm$/);
    const listed = (await client.json(`${SESSION}/scans/2/resources/DICOM/files?format=json`)).ResultSet.Result as Record<string, string>[];
    assert.deepEqual(entries.map((e) => md5(e.read())), listed.map((f) => f.digest));
    const all = readZip((await bytes(`data/experiments/${listed[0].URI.split("/")[3]}/scans/ALL/files?format=zip`)).body);
    assert.equal(all.length, (await client.json(`${SESSION}/scans/ALL/files?format=json`)).ResultSet.Result.length);
    assert.ok(all.some((e) => e.name.startsWith("100307_3T/scans/11/resources/NIFTI/files/")));
    const simplified = readZip((await bytes(`${SESSION}/resources/NOTES/files?format=zip&structure=simplified`)).body);
    assert.deepEqual(simplified.map((e) => e.name), ["100307_3T/NOTES/session_notes.txt", "100307_3T/NOTES/physio/tfMRI_MOTOR_LR_Physio_log.txt"]);
  });

  it("has project- and subject-level resources, and 404s for unknown scans, resources and files", async () => {
    const docs = (await client.json("data/projects/HCP_Q1/resources/DOCS/files?format=json")).ResultSet.Result;
    assert.deepEqual(docs.map((f: Record<string, string>) => f.URI), ["/data/projects/HCP_Q1/resources/9000011/files/README.txt", "/data/projects/HCP_Q1/resources/9000011/files/release/release_notes.txt"].map((u) => u.replace("9000011", docs[0].cat_ID)));
    const subject = (await client.json("data/projects/HCP_Q1/subjects/100307/resources?format=json")).ResultSet.Result;
    assert.deepEqual(subject.map((r: Record<string, string>) => r.label), ["NOTES"]);
    const viaSiteId = (await client.json(`data/subjects/ConnectomeDB_S00230/files?format=json`)).ResultSet.Result;
    assert.equal(viaSiteId[0].Name, "subject_notes.txt");
    assert.equal((await client.get(`${SESSION}/scans/99/files?format=json`)).status, 404);
    assert.equal((await client.get(`${SESSION}/resources/NOPE/files?format=json`)).status, 404);
    assert.equal((await client.get(`${SESSION}/resources/NOTES/files/nope.txt`)).status, 404);
    assert.deepEqual((await client.json("data/projects/HCP_Q1/subjects/100307/experiments/100307_NonToolbox/resources?format=json")).ResultSet.Result, [], "non-imaging sessions have no resources");
  });

  it("generates the same bytes in every process (deterministic, built on first use)", async () => {
    const listing = (await client.json(`${SESSION}/scans/ALL/files?format=json`)).ResultSet.Result.map((f: Record<string, string>) => `${f.URI} ${f.digest}`);
    const code = `
      const { generateCatalog } = require(${JSON.stringify(path.join(__dirname, "../../demo/src/xnat/generate.ts"))});
      const { scanResources } = require(${JSON.stringify(path.join(__dirname, "../../demo/src/xnat/files/resources.ts"))});
      const experiment = generateCatalog().experiments.find((e) => e.label === "100307_3T");
      const rows = experiment.mr.scans.flatMap((scan) => scanResources(experiment, scan).flatMap((r) => r.files.map((f) => "/data/experiments/" + experiment.id + "/scans/" + scan.id + "/resources/" + r.id + "/files/" + f.path + " " + f.md5)));
      process.stdout.write(JSON.stringify(rows));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", "-e", code]);
    assert.deepEqual(JSON.parse(stdout), listing);
  });
});
