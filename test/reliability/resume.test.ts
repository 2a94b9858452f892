import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as s3 from "../../lib/s3/index.js";
import { Q1_BUCKET } from "../../demo/src/s3/index.js";
import { S3_SERVER_KINDS, sharedS3Server, type S3TestServer } from "../helpers/s3-servers.js";
import { tamperProxy } from "../helpers/proxies.js";
import { filesUnder } from "../helpers/files.js";

const MOTOR = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/";

for (const kind of S3_SERVER_KINDS) {
  describe(`reliability: a download killed part-way resumes on the next run (${kind})`, function () {
    let service: S3TestServer;
    let out: string;
    before(async function () {
      this.timeout(240_000); // the first suite to use moto starts and seeds it
      service = await sharedS3Server(kind);
      out = fs.mkdtempSync(path.join(os.tmpdir(), "np-resume-"));
    });
    after(async () => {
      await service?.close();
      if (out) fs.rmSync(out, { recursive: true, force: true });
    });

    it("SIGKILL during the task-folder download leaves only .part files; the re-run resumes them and ends byte-identical", async () => {
      const bucket = s3.fromServices({ s3: service.info }, Q1_BUCKET);
      const manifest = (await bucket.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR));
      const biggest = [...manifest].sort((a, b) => b.size - a.size)[0];
      assert.ok(biggest.size > 256 * 1024, `${biggest.key} is ${biggest.size} bytes`);
      const escaped = biggest.key.split("/").map(encodeURIComponent).join("/").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const stalling = await tamperProxy(service.info.endpoint, [], { seed: 2, stallRate: 1, onlyPaths: new RegExp(`/${escaped}(\\?|$)`) });
      const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "fixtures", "download-child.ts"), Q1_BUCKET, MOTOR, out], {
        env: { ...process.env, NEUROPORTAL_TEST_S3: JSON.stringify({ ...service.info, endpoint: stalling.url }) },
        stdio: "ignore",
      });
      const part = path.join(out, `${biggest.key}.part`);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      const deadline = Date.now() + 60_000;
      while (!(fs.existsSync(part) && fs.statSync(part).size > 0 && stalling.faults!.stats().injected.stall > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill("SIGKILL");
      await exited;
      await stalling.close();
      const partial = fs.statSync(part).size;
      assert.ok(partial > 0 && partial < biggest.size, `partial ${partial} of ${biggest.size}`);
      assert.ok(!fs.existsSync(path.join(out, biggest.key)), "nothing under the final name");

      const summary = await bucket.download(MOTOR, out, { concurrency: 4 });
      bucket.close();
      assert.equal(summary.failed, 0);
      assert.ok(summary.resumed >= 1, JSON.stringify({ ...summary, files: undefined }));
      assert.equal(summary.files.find((file) => file.key === biggest.key)?.status, "resumed");
      assert.ok(summary.bytes <= manifest.reduce((sum, entry) => sum + entry.size, 0) - partial, "the resumed bytes were not fetched again");
      for (const entry of manifest) {
        assert.equal(createHash("md5").update(fs.readFileSync(path.join(out, entry.key))).digest("hex"), entry.checksum, entry.key);
      }
      assert.deepEqual(filesUnder(out), manifest.map((entry) => entry.key).sort(), "no .part files or sidecars left");
    });
  });
}

