import { strict as assert } from "node:assert";
import { ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DemoInfo } from "../../lib/config/demo-info.js";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "neuroportal.js");

interface Run {
  argv: string[];
  code: number | null;
  output: string;
}

/** The real CLI (bin/neuroportal.js over dist/), run as a user would; stdout and stderr together. */
function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...argv], { cwd: ROOT, env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0;
      resolve({ argv, code, output: `${stdout}\n${stderr}` });
    });
  });
}

describe("reliability: secrets never appear in CLI output", function () {
  let demo: ChildProcess | undefined;
  let demoStderr = "";
  let info: DemoInfo;
  let scratch: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(180_000);
    if (!fs.existsSync(path.join(ROOT, "dist", "cli", "main.js"))) this.skip();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "np-secrets-"));
    env = { ...process.env, NEUROPORTAL_DEMO_FILE: path.join(scratch, "demo.json"), AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", NEUROPORTAL_S3_ENDPOINT: "" };
    delete env.AWS_PROFILE;
    demo = spawn(process.execPath, [BIN, "demo"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    demo.stderr!.on("data", (chunk) => (demoStderr += chunk));
    info = await new Promise<DemoInfo>((resolve, reject) => {
      let out = "";
      demo!.stdout!.on("data", (chunk) => {
        out += chunk;
        const newline = out.indexOf("\n");
        if (newline < 0) return;
        try {
          resolve(JSON.parse(out.slice(0, newline)));
        } catch {
          reject(new Error(`neuroportal demo printed ${JSON.stringify(out.slice(0, 200))} instead of its JSON line; stderr: ${demoStderr}`));
        }
      });
      demo!.once("exit", (code) => reject(new Error(`neuroportal demo exited with ${code}: ${demoStderr}`)));
      setTimeout(() => reject(new Error(`neuroportal demo printed nothing within 150 s; stderr: ${demoStderr}`)), 150_000).unref();
    });
  });

  after(async () => {
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      const exited = new Promise((resolve) => demo!.once("exit", resolve));
      demo.kill("SIGTERM");
      const forced = setTimeout(() => demo!.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(forced);
    }
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("bad input to the allen and s3 commands fails with a message and without any secret", async () => {
    const secrets = [info.xnat!.password, info.s3!.secretAccessKey, info.s3!.accessKeyId];
    const wrongSecret = "WrongSecret-0123456789abcdefXYZ";
    const urlPassword = "url-password-9876";
    const out = path.join(scratch, "out");
    const closedPort = "http://127.0.0.1:9/";
    const runs: Run[] = await Promise.all([
      cli(["s3", "ls", "q1/", "--bucket", "no-such-bucket"], env),
      cli(["s3", "get", "q1/../../escape.txt", out], env),
      cli(["s3", "ls", "q1/", "--anonymous"], env),
      cli(["s3", "ls", "s3://hcp.aws.amazon.com/q1/", "--endpoint", info.s3!.endpoint], { ...env, AWS_ACCESS_KEY_ID: info.s3!.accessKeyId, AWS_SECRET_ACCESS_KEY: wrongSecret }),
      cli(["allen", "download", "-d", "12345", "-o", out, "--api", info.allen!.url], env),
      cli(["allen", "query", `${info.allen!.url}api/v2/data/NoSuchModel/query.json`], env),
      cli(["allen", "download", "-o", out, "--api", `http://someone:${urlPassword}@127.0.0.1:9/`], env),
      cli(["demo", "--only", "nonsense"], env),
    ]);
    for (const run of runs) {
      assert.notEqual(run.code, 0, `${run.argv.join(" ")} should fail:\n${run.output}`);
      assert.match(run.output, /neuroportal [\w ]+: \S/, `${run.argv.join(" ")} explains the failure`);
      for (const secret of [...secrets, wrongSecret, urlPassword]) {
        assert.ok(!run.output.includes(secret), `${run.argv.join(" ")} printed a secret:\n${run.output}`);
      }
    }
  });

  it("successful commands print data, not secrets", async () => {
    const secrets = [info.xnat!.password, info.s3!.secretAccessKey, info.s3!.accessKeyId];
    const listing = await cli(["s3", "ls", "q1/"], env);
    assert.equal(listing.code, 0, listing.output);
    assert.match(listing.output, /PRE q1\/100307\//);
    for (const secret of secrets) assert.ok(!listing.output.includes(secret));
  });

  it("the demo's own log (stderr) holds no secret; its credentials are only in the JSON line scripts read", () => {
    for (const secret of [info.xnat!.password, info.s3!.secretAccessKey, info.s3!.accessKeyId]) {
      assert.ok(!demoStderr.includes(secret));
    }
  });
});
