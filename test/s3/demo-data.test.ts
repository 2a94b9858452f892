import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { demoBuckets, Q1_S3_SUBJECTS } from "../../demo/src/s3/index";
import { listPage, listParamsFrom, ListedObject } from "../../demo/src/s3/listing";
import { authorize } from "../../demo/src/s3/auth";
import { fromManifestJson } from "../../lib/s3/manifest";
import { MOTOR_PREFIX } from "./fixtures";

const run = promisify(execFile);

describe("s3: demo bucket contents and listing layer", () => {
  const [q1, today] = demoBuckets("both");
  const object = (key: string) => q1.objects.find((o) => o.key === key)!;

  it("holds 71 subjects: the 76 HCP_Q1 labels minus the five never mirrored", () => {
    assert.equal(Q1_S3_SUBJECTS.length, 71);
    for (const missing of ["144428", "230926", "235128", "707244", "733548"]) assert.ok(!Q1_S3_SUBJECTS.includes(missing));
    assert.equal(q1.objects[0].key, "q1/");
    assert.equal(q1.objects[0].body.length, 0);
    assert.ok(q1.objects.length > 1000, "enough keys for a listing of several pages");
    assert.ok(!q1.objects.some((o) => o.key !== "q1/" && o.key.endsWith("/")), "no folder markers besides q1/");
    assert.equal(today.name, "hcp-openaccess");
    assert.ok(today.objects.every((o) => o.key.startsWith("HCP_1200/")));
  });

  it("serves valid NIfTI-1 volumes (348-byte header, n+1 magic, 4D run with 284 frames at TR 0.72)", () => {
    for (const name of ["tfMRI_MOTOR_LR.nii.gz", "tfMRI_MOTOR_LR_SBRef.nii.gz", "tfMRI_MOTOR_LR_Jacobian.nii.gz", "RibbonVolumeToSurfaceMapping/goodvoxels.nii.gz"]) {
      const nii = gunzipSync(object(`${MOTOR_PREFIX}${name}`).body);
      assert.equal(nii.readInt32LE(0), 348, name);
      assert.equal(nii.toString("latin1", 344, 348), "n+1\0", name);
      const rank = nii.readInt16LE(40);
      const dims = Array.from({ length: rank }, (_, i) => nii.readInt16LE(42 + 2 * i));
      const bytes = nii.readInt16LE(72) / 8;
      assert.equal(nii.length, nii.readFloatLE(108) + dims.reduce((a, b) => a * b, 1) * bytes, name);
    }
    const bold = gunzipSync(object(`${MOTOR_PREFIX}tfMRI_MOTOR_LR.nii.gz`).body);
    assert.equal(bold.readInt16LE(40), 4);
    assert.equal(bold.readInt16LE(48), 284);
    assert.ok(Math.abs(bold.readFloatLE(92) - 0.72) < 1e-6);
  });

  it("serves a well-formed CIFTI-2 dense time series and GIFTI functional files", () => {
    const { XMLParser } = require("fast-xml-parser") as typeof import("fast-xml-parser");
    const cifti = object(`${MOTOR_PREFIX}tfMRI_MOTOR_LR_Atlas.dtseries.nii`).body;
    assert.equal(cifti.readInt32LE(0), 540);
    assert.equal(cifti.toString("latin1", 4, 12), "n+2\0\r\n\x1a\n");
    assert.equal(cifti.readInt32LE(504), 3002);
    const dims = Array.from({ length: 8 }, (_, i) => Number(cifti.readBigInt64LE(16 + 8 * i)));
    assert.deepEqual(dims.slice(0, 6), [6, 1, 1, 1, 1, 284]);
    const extensionSize = cifti.readInt32LE(544);
    assert.equal(cifti.readInt32LE(548), 32);
    assert.equal(Number(cifti.readBigInt64LE(168)), 544 + extensionSize);
    const xml = cifti.toString("utf8", 552, 544 + extensionSize).replace(/\0+$/, "");
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const maps = doc.CIFTI.Matrix.MatrixIndicesMap;
    assert.equal(maps[0]["@_NumberOfSeriesPoints"], "284");
    assert.equal(maps[0]["@_SeriesStep"], "0.72");
    const models = maps[1].BrainModel;
    assert.equal(models.reduce((sum: number, m: Record<string, string>) => sum + Number(m["@_IndexCount"]), 0), dims[6]);
    assert.equal(cifti.length, 544 + extensionSize + dims[5] * dims[6] * 4);
    const gifti = new XMLParser({ ignoreAttributes: false }).parse(object(`${MOTOR_PREFIX}tfMRI_MOTOR_LR.L.native.func.gii`).body.toString("utf8"));
    assert.equal(gifti.GIFTI["@_NumberOfDataArrays"], "284");
    assert.equal(gifti.GIFTI.DataArray.length, 284);
    const first = gifti.GIFTI.DataArray[0];
    assert.equal(Buffer.from(first.Data, "base64").length, Number(first["@_Dim0"]) * 4);
  });

  it("has an EV file per movement, movement regressors of 284 x 12, and an fsf that names them", () => {
    const text = (name: string) => object(`${MOTOR_PREFIX}${name}`).body.toString("utf8");
    const regressors = text("Movement_Regressors.txt").trim().split("\n").map((line) => line.trim().split(/\s+/).map(Number));
    assert.equal(regressors.length, 284);
    assert.ok(regressors.every((row) => row.length === 12 && row.every(Number.isFinite)));
    for (const ev of ["lf", "lh", "rf", "rh", "t"]) {
      const rows = text(`EVs/${ev}.txt`).trim().split("\n").map((line) => line.split("\t").map(Number));
      assert.equal(rows.length, 2, ev);
      assert.ok(rows.every(([onset, duration, amplitude]) => onset > 0 && onset + duration < 284 * 0.72 && duration === 12 && amplitude === 1));
      assert.match(text("tfMRI_MOTOR_LR_hp200_s4_level1.fsf"), new RegExp(`"EVs/${ev}\\.txt"`));
    }
    assert.match(text("tfMRI_MOTOR_LR_hp200_s4_level1.fsf"), /set fmri\(npts\) 284/);
  });

  it("lists every file of every subject in a manifest with its size and MD5", () => {
    const files = q1.objects.filter((o) => o.key !== "q1/" && !o.key.includes("/.xdlm/"));
    const listed = new Map(
      q1.objects.filter((o) => o.key.includes("/.xdlm/")).flatMap((m) => fromManifestJson(m.body.toString("utf8"), m.key)).map((entry) => [entry.key, entry]),
    );
    assert.equal(listed.size, files.length);
    for (const file of files) {
      const entry = listed.get(file.key)!;
      assert.ok(entry, file.key);
      assert.equal(entry.size, file.body.length);
      assert.equal(entry.checksum, createHash("md5").update(file.body).digest("hex"));
      assert.ok(entry.uri.startsWith(file.key.split("/")[1] + "/"), "URIs start with the subject");
    }
  });

  it("is byte-for-byte deterministic across processes", async () => {
    const script = `const { demoBuckets } = require(${JSON.stringify(path.resolve(__dirname, "../../demo/src/s3/index.ts"))});
const h = require("crypto").createHash("md5"); for (const b of demoBuckets("both")) for (const o of b.objects) h.update(o.key).update(o.body).update(o.lastModified.toISOString()); console.log(h.digest("hex"));`;
    const { stdout } = await run(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script]);
    const here = createHash("md5");
    for (const b of demoBuckets("both")) for (const o of b.objects) here.update(o.key).update(o.body).update(o.lastModified.toISOString());
    assert.equal(stdout.trim(), here.digest("hex"));
  });

  it("pages delimiter listings with markers and tokens, MaxKeys counting prefixes", () => {
    const objects: ListedObject[] = ["a/", "a/1/x", "a/1/y", "a/2/x", "a/3", "a/4/z", "b"].map((key) => ({ key, size: 1, etag: '"e"', lastModified: "2013-04-17T00:00:00.000Z" }));
    const v1 = listParamsFrom(new URLSearchParams("prefix=a/&delimiter=/&max-keys=2"));
    const page1 = listPage(objects, v1);
    assert.deepEqual([page1.contents.map((c) => c.key), page1.prefixes, page1.truncated, page1.last], [["a/"], ["a/1/"], true, "a/1/"]);
    const page2 = listPage(objects, listParamsFrom(new URLSearchParams("prefix=a/&delimiter=/&max-keys=2&marker=a/1/")));
    assert.deepEqual([page2.contents.map((c) => c.key), page2.prefixes, page2.truncated, page2.last], [["a/3"], ["a/2/"], true, "a/3"]);
    const page3 = listPage(objects, listParamsFrom(new URLSearchParams("prefix=a/&delimiter=/&max-keys=2&marker=a/3")));
    assert.deepEqual([page3.contents.map((c) => c.key), page3.prefixes, page3.truncated], [[], ["a/4/"], false]);
    const token = Buffer.from("a/1/").toString("base64url");
    const v2 = listPage(objects, listParamsFrom(new URLSearchParams(`list-type=2&prefix=a/&delimiter=/&max-keys=5&continuation-token=${token}`)));
    assert.deepEqual([v2.contents.map((c) => c.key), v2.prefixes, v2.truncated], [["a/3"], ["a/2/", "a/4/"], false]);
  });

  it("accepts only requests signed with the demo keys unless anonymous access is allowed", () => {
    const keys = { accessKeyId: "AKIATEST", secretAccessKey: "secret" };
    const unsigned = { method: "GET", url: "/hcp.aws.amazon.com?prefix=q1/", headers: { host: "127.0.0.1:1" } };
    assert.deepEqual(authorize(unsigned, keys, false), { ok: false, status: 403, code: "AccessDenied", message: "Access Denied" });
    assert.deepEqual(authorize(unsigned, keys, true), { ok: true, signed: false });
    const wrongKey = { ...unsigned, headers: { ...unsigned.headers, authorization: "AWS AKIAOTHER:abc=" } };
    assert.equal((authorize(wrongKey, keys, true) as { code: string }).code, "InvalidAccessKeyId");
  });

  it("stops the s3rver child process when its parent dies", async function () {
    this.timeout(60_000);
    const script = `require(${JSON.stringify(path.resolve(__dirname, "../../demo/src/s3/index.ts"))}).startS3Demo({ layout: "hcp1200" }).then(() => console.log("ready"));`;
    const parent = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      parent.stdout!.on("data", (chunk) => String(chunk).includes("ready") && resolve());
      parent.once("exit", () => reject(new Error("parent exited early")));
    });
    const { stdout } = await run("ps", ["-o", "pid=", "--ppid", String(parent.pid)]);
    const children = stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    assert.equal(children.length, 1, "one s3rver child");
    parent.kill("SIGKILL");
    const deadline = Date.now() + 10_000;
    const alive = () => {
      try {
        process.kill(children[0], 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, "the s3rver child outlived its parent");
  });
});
