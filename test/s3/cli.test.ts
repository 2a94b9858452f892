import { strict as assert } from "node:assert";
import { runCli } from "../helpers/capture-io";
import { useDemoBucketForCli } from "../helpers/cli-bucket";
import { connectionFrom } from "../../lib/cli/s3";
import { faultProxy, filesUnder, MOTOR_PREFIX, SEED_Q1_LISTING, SEED_SUBJECT_LISTING, tempDir } from "./fixtures";

const cli = runCli;

describe("s3: neuroportal s3 ls / get (real s3rver)", function () {
  this.timeout(60_000);
  const bucket = useDemoBucketForCli({ layout: "q1" });
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir()));
  afterEach(() => temp.remove());

  it("ls prints the q1/ marker key and one PRE line per subject, like the seed's listing", async () => {
    const { code, stdout } = await cli(["s3", "ls", "s3://hcp.aws.amazon.com/q1/"]);
    assert.equal(code, 0);
    const lines = stdout.trim().split("\n");
    assert.equal(lines[0], `2013-04-17 14:02:11          0 q1/`);
    assert.deepEqual(lines.slice(1).map((line) => line.trim().replace(/^PRE /, "")), SEED_Q1_LISTING.slice(1));
  });

  it("ls --json lists a subject folder and --recursive lists every key", async () => {
    const json = await cli(["s3", "ls", "q1/100307/", "--bucket", "hcp.aws.amazon.com", "--json"]);
    assert.equal(json.code, 0);
    assert.deepEqual((JSON.parse(json.stdout) as { key: string }[]).map((e) => e.key), SEED_SUBJECT_LISTING);
    const recursive = await cli(["s3", "ls", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}`, "--recursive"]);
    assert.equal(recursive.stdout.trim().split("\n").length, 24);
  });

  it("get downloads and verifies a folder, then skips it on the second run", async () => {
    const first = await cli(["s3", "get", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}`, temp.dir, "--concurrency", "4"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^24 downloaded, 0 resumed, 0 skipped \(already verified\), 0 failed; \d+ bytes received\n$/);
    assert.equal(filesUnder(temp.dir).length, 24);
    assert.equal(first.stderr, "", "no progress bar when stderr is not a terminal");
    const second = await cli(["s3", "get", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}`, temp.dir], true);
    assert.match(second.stdout, /^0 downloaded, 0 resumed, 24 skipped/);
    assert.match(second.stderr, /\r.*\[#+\] 100% 24\/24/);
  });

  it("get treats a prefix without a trailing slash as a folder, and a full key as one file", async () => {
    const folder = await cli(["s3", "get", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}EVs`, temp.dir]);
    assert.match(folder.stdout, /^7 downloaded/);
    const one = await cli(["s3", "get", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}Movement_Regressors.txt`, temp.dir]);
    assert.match(one.stdout, /^1 downloaded/);
  });

  it("exits non-zero with a clear message when a file fails verification", async () => {
    const proxy = await faultProxy(bucket.service.info.endpoint, [{ match: (p) => p.endsWith("EVs/rh.txt"), corrupt: true, times: Infinity }]);
    try {
      const { code, stdout, stderr } = await cli(["s3", "get", `s3://hcp.aws.amazon.com/${MOTOR_PREFIX}EVs/`, temp.dir, "--endpoint", proxy.url]);
      assert.equal(code, 1);
      assert.match(stdout, /6 downloaded, 0 resumed, 0 skipped \(already verified\), 1 failed/);
      assert.match(stderr, /EVs\/rh\.txt: s3:\/\/hcp\.aws\.amazon\.com\/\S*EVs\/rh\.txt failed verification twice/);
      assert.match(stderr, /run the same command again/);
    } finally {
      await proxy.close();
    }
  });

  it("exits non-zero on AccessDenied for anonymous access, without printing any secret", async () => {
    const { code, stderr } = await cli(["s3", "ls", "s3://hcp.aws.amazon.com/q1/", "--anonymous"]);
    assert.equal(code, 1);
    assert.match(stderr, /^neuroportal s3: AccessDenied \(HTTP 403\)/);
    assert.ok(!stderr.includes(bucket.service.info.secretAccessKey));
  });

  it("rejects bad arguments with usage and exit code 2", async () => {
    assert.equal((await cli(["s3", "ls"])).code, 2);
    assert.equal((await cli(["s3", "get", "q1/", temp.dir, "--concurrency", "0", "--bucket", "b"])).code, 2);
    assert.equal((await cli(["s3", "copy"])).code, 2);
    const unknown = await cli(["s3", "ls", "q1/", "--bogus"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage: neuroportal s3 ls/);
  });

  it("takes the endpoint and keys from a running demo when no flag or variable names them", () => {
    const info = { s3: { endpoint: "http://127.0.0.1:9/", region: "us-east-1", accessKeyId: "AKIAX", secretAccessKey: "secret-x", buckets: ["hcp.aws.amazon.com", "hcp-openaccess"] } };
    const fromDemo = connectionFrom({}, {}, info);
    assert.equal(fromDemo.defaultBucket, "hcp.aws.amazon.com");
    assert.deepEqual(fromDemo.options.credentials, { accessKeyId: "AKIAX", secretAccessKey: "secret-x" });
    assert.equal(fromDemo.options.endpoint, "http://127.0.0.1:9/");
    const real = connectionFrom({}, {}, undefined);
    assert.deepEqual(real, { options: { region: "us-east-1" }, defaultBucket: "hcp-openaccess" });
    const anonymous = connectionFrom({ anonymous: true }, {}, info);
    assert.equal(anonymous.options.credentials, undefined);
    assert.equal(anonymous.options.anonymous, true);
  });
});

describe("s3: the built CLI against a running `neuroportal demo`", function () {
  this.timeout(90_000);
  const root = require("node:path").resolve(__dirname, "../..");
  const bin = require("node:path").join(root, "bin", "neuroportal.js");

  it("`neuroportal s3 ls` and `s3 get` find the running demo's endpoint and keys by themselves", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { spawn, execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    assert.ok(fs.existsSync(path.join(root, "dist", "cli", "s3.js")), "dist/ is missing: run `npm run build` first");
    const temp = tempDir();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: temp.dir, NEUROPORTAL_DEMO_FILE: path.join(temp.dir, "demo.json") };
    const server = spawn(process.execPath, [bin, "demo", "--only", "s3"], { env, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let text = "";
        server.stdout!.on("data", (chunk) => {
          text += chunk;
          if (text.includes("\n")) resolve(text.split("\n")[0]);
        });
        server.once("exit", (code) => reject(new Error(`neuroportal demo exited with ${code}`)));
      });
      const info = JSON.parse(line) as { s3: { endpoint: string; secretAccessKey: string } };
      const run = promisify(execFile);
      const ls = await run(process.execPath, [bin, "s3", "ls", "q1/100307/"], { env });
      assert.deepEqual(ls.stdout.trim().split("\n").map((l) => l.trim().replace(/^PRE /, "")), SEED_SUBJECT_LISTING);
      const get = await run(process.execPath, [bin, "s3", "get", `${MOTOR_PREFIX}EVs/`, path.join(temp.dir, "data")], { env });
      assert.match(get.stdout, /^7 downloaded/);
      assert.ok(!get.stdout.includes(info.s3.secretAccessKey) && !get.stderr.includes(info.s3.secretAccessKey));
      assert.equal(filesUnder(path.join(temp.dir, "data")).length, 7);
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
      temp.remove();
    }
  });
});
