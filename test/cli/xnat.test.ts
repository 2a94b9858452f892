import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../lib/cli/main.js";
import { serverFrom } from "../../lib/cli/xnat.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { captureIo } from "../helpers/capture-io.js";
import { filesUnder, tempDir } from "../helpers/files.js";
import { tamperProxy } from "../helpers/proxies.js";

const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");
const SESSION = "HCP_Q1/100307/100307_3T";

describe("cli: neuroportal xnat ls / get (demo ConnectomeDB)", function () {
  this.timeout(120_000);
  let demo: XnatDemo;
  let temp: ReturnType<typeof tempDir>;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (!(key in saved)) saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };

  before(async () => (demo = await startXnatDemo()));
  after(() => demo.close());
  beforeEach(() => {
    temp = tempDir("np-xnat-cli-");
    setEnv({ NEUROPORTAL_DEMO_FILE: path.join(temp.dir, "no-demo.json"), NEUROPORTAL_XNAT_URL: demo.info.url, NEUROPORTAL_XNAT_USER: demo.info.user, NEUROPORTAL_XNAT_PASSWORD: demo.info.password, HOME: temp.dir });
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
      delete saved[key];
    }
    temp.remove();
  });

  it("ls walks projects, a project's subjects and files, a session's scans and files (text and --json)", async () => {
    let c = captureIo();
    assert.equal(await main(["xnat", "ls"], c.io), 0);
    assert.match(c.out(), /^projects \(\d+\)\nID\s+name\n/);
    assert.match(c.out(), /HCP_Q1 /);
    c = captureIo();
    assert.equal(await main(["xnat", "ls", "HCP_Q1"], c.io), 0);
    assert.match(c.out(), /subjects \(76\)/);
    assert.match(c.out(), /files \(2\)\nresource\s+path\s+size\s+format\s+content\s+digest\nDOCS\s+README\.txt/);
    c = captureIo();
    assert.equal(await main(["xnat", "ls", SESSION, "--json"], c.io), 0);
    const listed = JSON.parse(c.out());
    assert.deepEqual(Object.keys(listed), ["scans", "files"]);
    assert.equal(listed.scans.length, 11);
    assert.deepEqual(listed.scans[8], { ID: "9", type: "tfMRI_MOTOR_LR", quality: listed.scans[8].quality, series_description: "tfMRI_MOTOR_LR" });
    assert.equal(listed.files.length, 80);
    assert.match(listed.files[0].digest, /^[0-9a-f]{32}$/);
  });

  it("get downloads a session's chosen files verified, shows progress on a terminal, and skips them on a second run", async () => {
    const c = captureIo(true);
    const dir = path.join(temp.dir, "data");
    assert.equal(await main(["xnat", "get", SESSION, dir, "--scan", "2", "--scan", "9", "--resource", "NIFTI", "--include", "*.nii"], c.io), 0, c.err());
    assert.deepEqual(filesUnder(dir), ["scans/2/NIFTI/100307_3T_T1w_MPR1.nii", "scans/9/NIFTI/100307_3T_tfMRI_MOTOR_LR.nii"]);
    assert.match(c.out(), /^2 downloaded, 0 resumed, 0 skipped \(already verified\), 0 failed; \d+ bytes received\n$/);
    assert.match(c.err(), /\rHCP_Q1\/100307\/100307_3T \[#+\] 100% 2\/2 0\.0\/0\.0 MB/);
    const again = captureIo();
    assert.equal(await main(["xnat", "get", SESSION, dir, "--scan", "2", "--scan", "9", "--resource", "NIFTI"], again.io), 0);
    assert.match(again.out(), /^0 downloaded, 0 resumed, 2 skipped/);
    assert.equal(again.err(), "", "no progress line off a terminal");
    const whole = captureIo();
    assert.equal(await main(["xnat", "get", SESSION, path.join(temp.dir, "all")], whole.io), 0, whole.err());
    assert.match(whole.out(), /^80 downloaded, .*; 1 resource\(s\) as one zip\n$/);
  });

  it("exits non-zero, naming each failed file, when a file never matches its digest", async () => {
    const proxy = await tamperProxy(demo.info.url, [{ match: (m, url) => m === "GET" && url.endsWith("/files/session_notes.txt"), rewrite: (e) => ({ body: Buffer.concat([e.body.subarray(1), Buffer.from("x")]) }) }]);
    try {
      const c = captureIo();
      assert.equal(await main(["xnat", "get", SESSION, temp.dir, "--resource", "NOTES", "--url", proxy.url], c.io), 1);
      assert.match(c.out(), /^1 downloaded, 0 resumed, 0 skipped \(already verified\), 1 failed/);
      assert.match(c.err(), /resources\/NOTES\/session_notes\.txt: .*failed verification twice/);
      assert.match(c.err(), /run the same command again/);
      assert.ok(!c.err().includes(demo.info.password));
    } finally {
      await proxy.close();
    }
  });

  it("takes credentials from ~/.netrc or a running demo, never from the command line", async () => {
    setEnv({ NEUROPORTAL_XNAT_USER: undefined, NEUROPORTAL_XNAT_PASSWORD: undefined });
    const missing = captureIo();
    assert.equal(await main(["xnat", "ls", "HCP_Q1/100307"], missing.io), 1);
    assert.match(missing.err(), /credentials|password/i);
    fs.writeFileSync(path.join(temp.dir, ".netrc"), `machine 127.0.0.1 login ${demo.info.user} password ${demo.info.password}\n`, { mode: 0o600 });
    const viaNetrc = captureIo();
    assert.equal(await main(["xnat", "ls", "HCP_Q1/100307"], viaNetrc.io), 0, viaNetrc.err());
    assert.match(viaNetrc.out(), /experiments \(3\)/);
    const flag = captureIo();
    assert.equal(await main(["xnat", "ls", "--password", demo.info.password], flag.io), 2);
    assert.ok(!flag.err().includes(demo.info.password), "the password given as a flag is not echoed");
    const demoInfo = { xnat: { url: demo.info.url, user: "demo-user", password: "demo-secret" } };
    assert.deepEqual(serverFrom(undefined, {}, demoInfo), { url: demo.info.url, user: "demo-user", password: "demo-secret" });
    assert.deepEqual(serverFrom("https://db.humanconnectome.org/", {}, demoInfo), { url: "https://db.humanconnectome.org/" });
    assert.deepEqual(serverFrom(undefined, {}, undefined), { url: "https://db.humanconnectome.org/" });
  });

  it("rejects bad arguments with the usage line and exit code 2", async () => {
    for (const argv of [["xnat"], ["xnat", "get", "HCP_Q1/100307", temp.dir], ["xnat", "get", SESSION], ["xnat", "ls", "a/b/c/d"], ["xnat", "ls", "HCP_Q1/../x"], ["xnat", "get", SESSION, temp.dir, "--zip", "maybe"], ["xnat", "get", SESSION, temp.dir, "--concurrency", "0"]]) {
      const c = captureIo();
      assert.equal(await main(argv, c.io), 2, argv.join(" "));
      assert.match(c.err(), /usage: neuroportal xnat|--zip|--concurrency/, argv.join(" "));
    }
  });

  it("takes --concurrency in the same range as s3 get and s3 get --plan (1 to 256), and says so", async () => {
    const plan = path.join(temp.dir, "no-plan.json");
    const before = filesUnder(temp.dir);
    for (const value of ["0", "257", "2.5", "", "x"]) {
      for (const argv of [["xnat", "get", SESSION, temp.dir], ["s3", "get", "q1/", temp.dir, "--bucket", "b"], ["s3", "get", "--plan", plan, temp.dir]]) {
        const c = captureIo();
        assert.equal(await main([...argv, "--concurrency", value], c.io), 2, `${argv.join(" ")} --concurrency ${JSON.stringify(value)}`);
        assert.match(c.err(), /--concurrency takes a whole number from 1 to 256/, `${argv.join(" ")} --concurrency ${JSON.stringify(value)}`);
      }
    }
    assert.deepEqual(filesUnder(temp.dir), before, "a refused flag writes nothing");
  });
});
