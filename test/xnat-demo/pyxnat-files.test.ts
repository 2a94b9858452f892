import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as xnat from "../../lib/xnat/index.js";
import { readZip } from "../../lib/zip/index.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(__dirname, "pyxnat_files.py");

describe("xnat demo files: pyxnat and an xnatpy-style client fetch the same bytes as neuroportal", function () {
  this.timeout(180_000);
  let demo: XnatDemo;
  let cdb: xnat.XnatConnection;
  let temp: ReturnType<typeof tempDir>;
  let py: Record<string, any>;
  const session = () => cdb.project("HCP_Q1").subject("100307").experiment("100307_3T");
  const ours = (...parts: string[]) => fs.readFileSync(path.join(temp.dir, "neuroportal", ...parts));
  const theirs = (...parts: string[]) => fs.readFileSync(path.join(temp.dir, "pyxnat", ...parts));

  before(async () => {
    temp = tempDir("np-pyxnat-files-");
    demo = await startXnatDemo();
    cdb = await xnat.connect(demo.info.url, { user: demo.info.user, password: demo.info.password });
    fs.mkdirSync(path.join(temp.dir, "pyxnat"));
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, demo.info.url.replace(/\/$/, ""), demo.info.user, demo.info.password, path.join(temp.dir, "pyxnat")], { maxBuffer: 16 << 20, timeout: 170_000 });
    py = JSON.parse(stdout);
    const summary = await session().download(path.join(temp.dir, "neuroportal"), { include: ["scans/2/**", "resources/**"] });
    assert.equal(summary.failed, 0);
  });
  after(async () => {
    await cdb?.close();
    await demo?.close();
    temp?.remove();
  });

  it("select.project().subject().experiment().resources().files() and File.get(): the same resources, files, formats and bytes", async () => {
    const resources = await session().resourceList();
    assert.deepEqual(py.session_resources, resources.map((r) => r.id), "pyxnat lists resources by xnat_abstractresource_id");
    const listed = await session().resource("NOTES").fileList();
    assert.deepEqual(Object.keys(py.session_files).sort(), listed.map((f) => `NOTES/${f.path}`).sort());
    for (const file of listed) {
      const seen = py.session_files[`NOTES/${file.path}`];
      assert.deepEqual([seen.md5, seen.size, seen.format, seen.content], [file.digest, file.size, file.format, file.content]);
      assert.deepEqual(theirs("session", "NOTES", file.path), ours("resources", "NOTES", file.path), file.path);
    }
  });

  it("scans: a scan's resources, File.get() of its NIfTI and Resource.get() of its DICOM zip give neuroportal's bytes", async () => {
    const resources = await session().scan("2").resourceList();
    assert.deepEqual(py.scan_resources, resources.map((r) => r.id));
    assert.deepEqual(py.nifti_files, ["100307_3T_T1w_MPR1.nii"]);
    const keys = Object.keys(py.scan_files).sort();
    assert.equal(keys.length, 25);
    for (const key of keys) {
      const [resource, name] = key.split("/");
      const from = resource === "NIFTI" ? ["scan2", "NIFTI", name] : ["zip", "DICOM", name];
      assert.deepEqual(theirs(...from), ours("scans", "2", resource, name), key);
    }
  });

  it("project- and subject-level resources list the same files", async () => {
    assert.deepEqual(py.project_resources, (await cdb.project("HCP_Q1").resourceList()).map((r) => r.id));
    assert.deepEqual(py.project_files, (await cdb.project("HCP_Q1").resource("DOCS").fileList()).map((f) => f.name));
    assert.deepEqual(py.subject_files, (await cdb.project("HCP_Q1").subject("100307").resource("NOTES").fileList()).map((f) => f.name));
  });

  it("xnatpy's REST calls (listings with columns=ID,URI,<key>, the resource-URI hack, file download, download_zip and scans/ALL/files) work and give the same bytes", async () => {
    // The requests xnatpy 0.5+ makes (xnat/core.py XNATListing.data_maps, xnat/xnatbases.py), replayed with its session's cookie.
    const login = await fetch(`${demo.info.url}data/JSESSION`, { headers: { authorization: `Basic ${Buffer.from(`${demo.info.user}:${demo.info.password}`).toString("base64")}` } });
    const cookie = `JSESSIONID=${(await login.text()).trim()}`;
    const get = async (uri: string, query: Record<string, string> = {}) => {
      const url = new URL(uri.replace(/^\//, ""), demo.info.url);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      const response = await fetch(url, { headers: { cookie } });
      assert.equal(response.status, 200, url.href);
      return Buffer.from(await response.arrayBuffer());
    };
    const json = async (uri: string, columns: string) => JSON.parse((await get(uri, { columns, format: "json" })).toString()).ResultSet.Result as Record<string, string>[];
    const experiments = await json("/data/projects/HCP_Q1/subjects/100307/experiments", "ID,URI,label");
    const experimentUri = experiments.find((e) => e.label === "100307_3T")!.URI;
    const scans = await json(`${experimentUri}/scans`, "ID,URI,type");
    assert.equal(scans.find((s) => s.ID === "2")!.type, "T1w_MPR1");
    const resourcesUri = `${experimentUri}/scans/2/resources`;
    const resources = (await json(resourcesUri, "ID,URI,label")).map((r): Record<string, string> => ({ ...r, ID: r.xnat_abstractresource_id, URI: `${resourcesUri}/${r.xnat_abstractresource_id}` }));
    const nifti = resources.find((r) => r.label === "NIFTI")!;
    const files = await json(`${nifti.URI}/files`, "ID,URI,name");
    assert.ok(files[0].URI.startsWith(nifti.URI), "a file's path is its URI after the resource's, as xnatpy derives it");
    assert.deepEqual(await get(files[0].URI), ours("scans", "2", "NIFTI", "100307_3T_T1w_MPR1.nii"));
    const dicom = resources.find((r) => r.label === "DICOM")!;
    const zip = readZip(await get(`${dicom.URI}/files`, { format: "zip" }));
    for (const entry of zip) assert.deepEqual(entry.read(), ours("scans", "2", "DICOM", entry.name.split("/files/")[1]), entry.name);
    const all = readZip(await get(`${experimentUri}/scans/ALL/files`, { format: "zip" }));
    assert.equal(all.length, (await session().fileList()).filter((f) => f.scan).length);
  });

  it("neuroportal wrote nothing but the files", () => {
    assert.ok(filesUnder(path.join(temp.dir, "neuroportal")).every((name) => !/\.part|\.zip$|\.lock/.test(name)));
  });
});
