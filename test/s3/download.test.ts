import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isUnsafePathError } from "../../lib/errors";
import * as s3 from "../../lib/s3/index";
import { S3_SERVER_KINDS, sharedS3Server, type S3TestServer } from "../helpers/s3-servers";
import { faultProxy, filesUnder, MOTOR_PREFIX, tempDir } from "./fixtures";
import { downloadObjects } from "../../lib/s3/download.js";
import type { ObjectGetter } from "../../lib/s3/download.js";
import { toBucketOptions } from "../../lib/s3/options.js";
import { localPathFor } from "../../lib/s3/paths.js";

const BUCKET = "hcp.aws.amazon.com";
const PHYSIO = `${MOTOR_PREFIX}tfMRI_MOTOR_LR_Physio_log.txt`;
const VOLUME = `${MOTOR_PREFIX}tfMRI_MOTOR_LR.nii.gz`;
const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");

for (const kind of S3_SERVER_KINDS) {
  describe(`s3 against ${kind}: verified downloads`, function () {
    this.timeout(60_000);
    let service: S3TestServer;
    let q1: s3.Bucket;
    let manifest: s3.ManifestEntry[];
    let temp: ReturnType<typeof tempDir>;

    before(async function () {
      this.timeout(240_000); // the first suite to use moto starts and seeds it
      service = await sharedS3Server(kind);
      q1 = s3.fromServices({ s3: service.info }, BUCKET);
      manifest = (await q1.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR_PREFIX));
    });
    after(async () => {
      q1?.close();
      await service?.close();
    });
    beforeEach(() => {
      temp = tempDir();
    });
    afterEach(() => temp.remove());

    const through = (proxyUrl: string) => s3.bucket(BUCKET, { ...toBucketOptions(service.info), endpoint: proxyUrl });

    it("downloads the task folder, verifies every file against the .xdlm MD5s, and skips it all on a re-run", async () => {
      const events: s3.DownloadProgress[] = [];
      const first = await q1.download(MOTOR_PREFIX, temp.dir, { concurrency: 4, onProgress: (p) => events.push(p) });
      assert.equal(first.downloaded, manifest.length);
      assert.equal(first.failed + first.skipped + first.resumed, 0);
      assert.ok(first.files.every((file) => file.verifiedBy === "md5-manifest"));
      assert.equal(first.bytes, manifest.reduce((sum, entry) => sum + entry.size, 0));
      for (const entry of manifest) assert.equal(md5(path.join(temp.dir, entry.key)), entry.checksum, entry.key);
      assert.equal(events[0].event, "start");
      assert.deepEqual(events[events.length - 1], { ...events[events.length - 1], event: "done", filesDone: manifest.length, bytesDone: first.bytes });
      assert.ok(events.filter((e) => e.event === "file").length === manifest.length);
      assert.deepEqual(filesUnder(temp.dir), manifest.map((entry) => entry.key).sort(), "no .part files or sidecars left");
      const report = await s3.verifyFolder(temp.dir, manifest);
      assert.ok(report.ok);
      const second = await q1.download(MOTOR_PREFIX, temp.dir);
      assert.deepEqual([second.downloaded, second.skipped, second.resumed, second.failed, second.bytes], [0, manifest.length, 0, 0, 0]);
    });

    it("re-fetches a local copy that no longer matches its MD5", async () => {
      await q1.download([`${MOTOR_PREFIX}EVs/lf.txt`, `${MOTOR_PREFIX}EVs/rf.txt`], temp.dir);
      const file = path.join(temp.dir, MOTOR_PREFIX, "EVs", "lf.txt");
      const original = fs.readFileSync(file);
      fs.writeFileSync(file, Buffer.from(original.toString().replace("1\n", "2\n")));
      const report = await s3.verifyFolder(temp.dir, manifest, { only: `${MOTOR_PREFIX}EVs/lf` });
      assert.deepEqual(report.mismatched, [`${MOTOR_PREFIX}EVs/lf.txt`]);
      const again = await q1.download([`${MOTOR_PREFIX}EVs/lf.txt`, `${MOTOR_PREFIX}EVs/rf.txt`], temp.dir);
      assert.deepEqual([again.downloaded, again.skipped], [1, 1]);
      assert.deepEqual(fs.readFileSync(file), original);
    });

    it("resumes with a range request after the connection drops mid-file", async () => {
      const proxy = await faultProxy(service.info.endpoint, [{ match: (p) => p.endsWith(PHYSIO), cutAfter: 300_000 }]);
      const bucket = through(proxy.url);
      try {
        const summary = await bucket.download([PHYSIO], temp.dir);
        assert.deepEqual([summary.resumed, summary.downloaded, summary.failed], [1, 0, 0]);
        const gets = proxy.requests.filter((r) => r.method === "GET" && r.path.endsWith(PHYSIO));
        assert.equal(gets.length, 2);
        assert.equal(gets[0].range, undefined);
        assert.match(gets[1].range ?? "", /^bytes=(\d+)-$/);
        assert.ok(Number(/\d+/.exec(gets[1].range!)![0]) > 0);
        const expected = manifest.find((entry) => entry.key === PHYSIO)!;
        assert.equal(md5(path.join(temp.dir, PHYSIO)), expected.checksum);
        assert.equal(summary.bytes, expected.size);
      } finally {
        bucket.close();
        await proxy.close();
      }
    });

    it("keeps the partial file with its sidecar when retries run out, never under the final name, and resumes it next time", async () => {
      const proxy = await faultProxy(service.info.endpoint, [{ match: (p) => p.endsWith(PHYSIO), cutAfter: 200_000, times: 1 }]);
      const bucket = through(proxy.url);
      try {
        const failed = await bucket.download([PHYSIO], temp.dir, { retries: 0 });
        assert.deepEqual([failed.failed, failed.ok], [1, false]);
        const final = path.join(temp.dir, PHYSIO);
        assert.equal(fs.existsSync(final), false, "a partial file sits under the final name");
        const partSize = fs.statSync(`${final}.part`).size;
        assert.ok(partSize > 0 && partSize <= 200_000);
        const sidecar = JSON.parse(fs.readFileSync(`${final}.part.json`, "utf8"));
        assert.equal(sidecar.key, PHYSIO);
        const resumed = await bucket.download([PHYSIO], temp.dir);
        assert.deepEqual([resumed.resumed, resumed.failed], [1, 0]);
        assert.equal(resumed.bytes, fs.statSync(final).size - partSize);
        assert.equal(md5(final), manifest.find((entry) => entry.key === PHYSIO)!.checksum);
        assert.deepEqual(filesUnder(path.dirname(final)).filter((name) => name.includes(".part")), []);
      } finally {
        bucket.close();
        await proxy.close();
      }
    });

    it("stops on an AbortSignal, keeps the partial file out of the final name, and resumes it later", async () => {
      const controller = new AbortController();
      await assert.rejects(
        q1.download([PHYSIO], temp.dir, { signal: controller.signal, onProgress: (p) => p.bytesDone > 300_000 && controller.abort() }),
        (error: Error) => error.name === "AbortError",
      );
      const final = path.join(temp.dir, PHYSIO);
      assert.equal(fs.existsSync(final), false);
      const partSize = fs.statSync(`${final}.part`).size;
      assert.ok(partSize > 300_000 && partSize < manifest.find((entry) => entry.key === PHYSIO)!.size, `part of ${partSize} bytes`);
      const resumed = await q1.download([PHYSIO], temp.dir);
      assert.deepEqual([resumed.resumed, resumed.failed], [1, 0]);
      assert.equal(md5(final), manifest.find((entry) => entry.key === PHYSIO)!.checksum);
    });

    it("detects a corrupted transfer by MD5, deletes it and fetches the file again", async () => {
      const proxy = await faultProxy(service.info.endpoint, [{ match: (p) => p.endsWith(VOLUME), corrupt: true, times: 1 }]);
      const bucket = through(proxy.url);
      try {
        const summary = await bucket.download([VOLUME], temp.dir);
        assert.deepEqual([summary.downloaded, summary.failed], [1, 0]);
        assert.equal(proxy.requests.filter((r) => r.method === "GET" && r.path.endsWith(VOLUME)).length, 2);
        assert.equal(md5(path.join(temp.dir, VOLUME)), manifest.find((entry) => entry.key === VOLUME)!.checksum);
      } finally {
        bucket.close();
        await proxy.close();
      }
    });

    it("reports a file that stays corrupt as failed and leaves no file under its name", async () => {
      const proxy = await faultProxy(service.info.endpoint, [{ match: (p) => p.endsWith(VOLUME), corrupt: true, times: Infinity }]);
      const bucket = through(proxy.url);
      try {
        const summary = await bucket.download([VOLUME, `${MOTOR_PREFIX}EVs/t.txt`], temp.dir);
        assert.deepEqual([summary.downloaded, summary.failed, summary.ok], [1, 1, false]);
        assert.equal(summary.failures[0].key, VOLUME);
        assert.equal((summary.failures[0].error as { code?: string }).code, "E_INTEGRITY");
        assert.deepEqual(filesUnder(temp.dir), [`${MOTOR_PREFIX}EVs/t.txt`]);
      } finally {
        bucket.close();
        await proxy.close();
      }
    });

    it("refuses keys that would escape the target folder before any request", async () => {
      for (const key of ["../evil.txt", "q1/../../evil.txt", "/etc/passwd", "q1/./x", "a\\..\\b"]) {
        await assert.rejects(q1.download([key], temp.dir), (error: unknown) => isUnsafePathError(error) && error.path === key, key);
      }
      assert.throws(() => localPathFor(temp.dir, "q1/../../../etc/passwd"), isUnsafePathError);
      assert.equal(localPathFor(temp.dir, "q1/100307/x.txt"), path.join(temp.dir, "q1", "100307", "x.txt"));
      assert.deepEqual(filesUnder(temp.dir), []);
    });

    it("reports an unsafe key found in a listing as failed and still downloads the others", async () => {
      const objects = [
        { key: "q1/../../escape.txt", size: 3, etag: undefined },
        { key: `${MOTOR_PREFIX}EVs/lh.txt`, size: manifest.find((e) => e.key.endsWith("EVs/lh.txt"))!.size },
      ];
      const get: ObjectGetter = async (key) => {
        const { Readable } = await import("node:stream");
        return { status: 200, body: Readable.from([Buffer.from(await q1.getText(key))]) };
      };
      const summary = await downloadObjects(objects, temp.dir, get, new Map(manifest.map((e) => [e.key, e.checksum])));
      assert.deepEqual([summary.downloaded, summary.failed], [1, 1]);
      assert.ok(isUnsafePathError(summary.failures[0].error));
      assert.equal(fs.existsSync(path.resolve(temp.dir, "..", "escape.txt")), false);
    });

    it("verifies by size when asked not to verify, and by single-part ETag when no manifest lists the key", async () => {
      const noVerify = await q1.download([`${MOTOR_PREFIX}EVs/cue.txt`], temp.dir, { verify: false });
      assert.equal(noVerify.files[0].verifiedBy, "size");
      const objects = [{ key: `${MOTOR_PREFIX}EVs/rh.txt`, size: manifest.find((e) => e.key.endsWith("EVs/rh.txt"))!.size, etag: manifest.find((e) => e.key.endsWith("EVs/rh.txt"))!.checksum }];
      const get: ObjectGetter = async (key) => {
        const { Readable } = await import("node:stream");
        return { status: 200, body: Readable.from([Buffer.from(await q1.getText(key))]) };
      };
      const byEtag = await downloadObjects(objects, temp.dir, get, new Map());
      assert.equal(byEtag.files[0].verifiedBy, "md5-etag");
    });
  });
}

