import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { main } from "../../lib/cli/main.js";
import { captureIo } from "../helpers/capture-io.js";
import { PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { requestText } from "../../lib/http/request.js";

describe("cli: dispatch and argument errors", () => {
  it("prints help and exits 2 without a command", async () => {
    const c = captureIo();
    assert.equal(await main([], c.io), 2);
    assert.match(c.out(), /usage: neuroportal <command>/);
    assert.match(c.out(), /demo/);
  });

  it("names an unknown command", async () => {
    const c = captureIo();
    assert.equal(await main(["frobnicate"], c.io), 2);
    assert.match(c.err(), /unknown command "frobnicate"/);
  });

  it("rejects a bad port with the usage line", async () => {
    const c = captureIo();
    assert.equal(await main(["demo", "--xnat-port", "99999"], c.io), 2);
    assert.match(c.err(), /--xnat-port takes a port number/);
  });

  it("rejects an unknown flag", async () => {
    const c = captureIo();
    assert.equal(await main(["demo", "--bogus"], c.io), 2);
    assert.match(c.err(), /usage: neuroportal demo/);
  });
});

describe("cli: neuroportal demo", function () {
  this.timeout(60_000);

  it("prints one JSON line describing every service, serves them, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin", "neuroportal.js"), "demo"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEUROPORTAL_DEMO_FILE: path.join(PACKAGE_ROOT, "build", `demo-state-${process.pid}.json`) },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        stdout += c;
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
      });
      child.on("exit", (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)));
    });
    const info = JSON.parse(line);
    const base = /^http:\/\/127\.0\.0\.1:\d+\/$/;
    assert.match(info.allen.url, base);
    assert.match(info.xnat.url, base);
    assert.equal(typeof info.xnat.user, "string");
    assert.equal(typeof info.xnat.password, "string");
    assert.match(info.s3.endpoint, base);
    assert.equal(typeof info.s3.region, "string");
    assert.ok(Array.isArray(info.s3.buckets) && info.s3.buckets.length > 0);
    const reference = await requestText(`${info.allen.url}api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]`);
    assert.match(reference, /"success":\s*true/);
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exit, 0);
    assert.match(stderr, /stopped/);
    assert.ok(!stderr.includes(info.xnat.password), "the demo password leaked to stderr");
  });

  it("runs as `npx neuroportal demo` (the demo package found by name) and stops on SIGTERM to its process group, as a terminal or supervisor sends it", async () => {
    const child = spawn("npx", ["--no", "neuroportal", "demo"], {
      cwd: PACKAGE_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEUROPORTAL_DEMO_FILE: path.join(PACKAGE_ROOT, "build", `demo-state-npx-${process.pid}.json`) },
    });
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (c) => {
          stdout += c;
          if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
        });
        child.on("exit", (code) => reject(new Error(`npx neuroportal demo exited with ${code}: ${stderr}`)));
      });
      const info = JSON.parse(line);
      assert.match(await requestText(`${info.allen.url}api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]`), /"success":\s*true/);
      process.kill(-child.pid!, "SIGTERM");
      await closed;
      assert.match(stderr, /neuroportal demo: stopped/);
      await assert.rejects(requestText(info.allen.url, { retry: false }), "the Allen service still answers after the stop");
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group has already exited
      }
    }
  });
});
