import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as s3 from "../../lib/s3/index";
import { demo, filesUnder, MOTOR_PREFIX, tempDir } from "./fixtures";

const run = promisify(execFile);
const RCLONE = "/usr/bin/rclone";

describe("s3: rclone's folder-by-folder walk against the demo bucket (Debian rclone)", function () {
  this.timeout(90_000);
  let service: Awaited<ReturnType<typeof demo>>;
  let temp: ReturnType<typeof tempDir>;

  before(async function () {
    if (!fs.existsSync(RCLONE)) this.skip();
    service = await demo({ layout: "q1" });
    temp = tempDir();
  });
  after(async () => {
    temp?.remove();
    await service?.close();
  });

  it("copies every file of the task folder without --fast-list (s3rver alone loses folders that hold only folders)", async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: temp.dir,
      RCLONE_CONFIG_DEMO_TYPE: "s3",
      RCLONE_CONFIG_DEMO_PROVIDER: "Other",
      RCLONE_CONFIG_DEMO_ENDPOINT: service.info.endpoint,
      RCLONE_CONFIG_DEMO_REGION: service.info.region,
      RCLONE_CONFIG_DEMO_ACCESS_KEY_ID: service.info.accessKeyId,
      RCLONE_CONFIG_DEMO_SECRET_ACCESS_KEY: service.info.secretAccessKey,
    };
    const subjects = await run(RCLONE, ["lsf", "--dirs-only", "demo:hcp.aws.amazon.com/q1/100307/"], { env });
    assert.deepEqual(subjects.stdout.trim().split("\n"), [".xdlm/", "Diffusion/", "MNINonLinear/", "T1w/", "release-notes/", "unprocessed/"]);
    await run(RCLONE, ["copy", `demo:hcp.aws.amazon.com/${MOTOR_PREFIX}`, path.join(temp.dir, "copy")], { env });
    const bucket = s3.fromServices({ s3: service.info }, "hcp.aws.amazon.com");
    try {
      const manifest = (await bucket.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR_PREFIX));
      assert.deepEqual(filesUnder(path.join(temp.dir, "copy")), manifest.map((entry) => entry.key.slice(MOTOR_PREFIX.length)).sort());
      for (const entry of manifest) {
        const file = path.join(temp.dir, "copy", entry.key.slice(MOTOR_PREFIX.length));
        assert.equal(createHash("md5").update(fs.readFileSync(file)).digest("hex"), entry.checksum, entry.key);
      }
    } finally {
      bucket.close();
    }
  });
});
