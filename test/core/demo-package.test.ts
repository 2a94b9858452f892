import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as demoSources from "../../demo/src/index.js";
import { DEMO_PACKAGE, DemoPackage, loadDemoPackage, parseDemoFaultFlags, startDemoServices } from "../../lib/config/demo-package.js";
import { isDemoNotInstalledError } from "../../lib/config/errors.js";
import { services } from "../../lib/config/services.js";
import { requestText } from "../../lib/http/request.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { redact } from "../../lib/core/redact.js";

const ROOT = path.resolve(__dirname, "..", "..");

/** The demo package's exports satisfy what the library declares it needs (checked by the compiler). */
const conforms: DemoPackage = demoSources;

/** A folder holding `node_modules/@neuroportal/demo` with the given files. */
function fakeInstall(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-demo-pkg-"));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, "node_modules", DEMO_PACKAGE, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

/**
 * A project where neuroportal is installed from its build but @neuroportal/demo is not: the
 * library's package.json, bin/ and dist/ copied, every other package linked from this checkout.
 */
function installWithoutDemo(): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "np-no-demo-"));
  const modules = path.join(project, "node_modules");
  const library = path.join(modules, "neuroportal");
  fs.mkdirSync(library, { recursive: true });
  for (const part of ["package.json", "bin", "dist"]) fs.cpSync(path.join(ROOT, part), path.join(library, part), { recursive: true });
  for (const name of fs.readdirSync(path.join(ROOT, "node_modules"))) {
    if (name === "@neuroportal" || name === "neuroportal" || name.startsWith(".")) continue;
    fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name));
  }
  return project;
}

function node(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe("config: the demo package, loaded by name at run time", function () {
  this.timeout(60_000);
  const scratch: string[] = [];
  after(() => {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds the installed, built @neuroportal/demo and starts it with its secrets registered for redaction", async () => {
    assert.equal(typeof conforms.startDemo, "function");
    const demo = loadDemoPackage();
    assert.match(demo.FAULT_FLAGS_USAGE, /--fault-seed/);
    const running = await startDemoServices({ services: ["xnat"] }, demo);
    try {
      assert.match(running.info.xnat!.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(running.info.allen, undefined);
      assert.equal(redact(`password ${running.info.xnat!.password}`), "password ***");
    } finally {
      await running.close();
    }
  });

  it("services() with nothing configured starts the embedded demo from the package; close() stops it", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "np-demo-state-"));
    scratch.push(stateDir);
    const previous = process.env.NEUROPORTAL_DEMO_FILE;
    process.env.NEUROPORTAL_DEMO_FILE = path.join(stateDir, "demo.json");
    try {
      const svc = await services({});
      assert.equal(svc.source, "embedded-demo");
      assert.match(await requestText(`${svc.allen!.url}api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]`), /"success":\s*true/);
      assert.equal(redact(svc.s3!.secretAccessKey), "***");
      await svc.close();
      await assert.rejects(requestText(svc.allen!.url, { retry: false }), "the embedded Allen service still answers after close()");
    } finally {
      if (previous === undefined) delete process.env.NEUROPORTAL_DEMO_FILE;
      else process.env.NEUROPORTAL_DEMO_FILE = previous;
    }
  });

  it("raises DemoNotInstalledError with the remedy when the package is not installed", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "np-demo-none-"));
    scratch.push(empty);
    assert.throws(
      () => loadDemoPackage(empty),
      (error: unknown) =>
        isDemoNotInstalledError(error) &&
        error.code === "E_DEMO_NOT_INSTALLED" &&
        error.problem === "missing" &&
        error.packageName === "@neuroportal/demo" &&
        /npm install @neuroportal\/demo/.test(error.hint!) &&
        /NEUROPORTAL_MODE=real/.test(error.hint!) &&
        /NEUROPORTAL_DEMO/.test(error.hint!),
    );
  });

  it("tells a package that is installed but not built from one that is missing", () => {
    const dir = fakeInstall({ "package.json": JSON.stringify({ name: DEMO_PACKAGE, main: "dist/index.js", exports: { ".": "./dist/index.js", "./package.json": "./package.json" } }) });
    scratch.push(dir);
    assert.throws(() => loadDemoPackage(dir), (error: unknown) => isDemoNotInstalledError(error) && error.problem === "not-built" && /npm run build/.test(error.message));
  });

  it("refuses a package that lacks what the library needs", () => {
    const dir = fakeInstall({ "package.json": JSON.stringify({ name: DEMO_PACKAGE, main: "index.js" }), "index.js": "exports.startDemo = async () => ({});" });
    scratch.push(dir);
    assert.throws(() => loadDemoPackage(dir), (error: unknown) => isDemoNotInstalledError(error) && error.problem === "incompatible");
  });

  it("turns the package's argument errors into InvalidArgumentError, hint kept", () => {
    const demo = loadDemoPackage();
    assert.throws(
      () => parseDemoFaultFlags(demo, { "fault-error-rate": "0.7", "fault-drop-rate": "0.7" }),
      (error: unknown) => isInvalidArgumentError(error) && /add up to/.test(error.message) && /lower the --fault-\*-rate values/.test(error.hint!),
    );
    assert.equal(parseDemoFaultFlags(demo, {}), undefined);
  });

  describe("a project with neuroportal but without @neuroportal/demo", () => {
    let project: string;
    let env: NodeJS.ProcessEnv;
    before(() => {
      project = installWithoutDemo();
      scratch.push(project);
      env = { ...process.env, NEUROPORTAL_DEMO_FILE: path.join(project, "demo.json") };
      delete env.NEUROPORTAL_DEMO;
      delete env.NEUROPORTAL_MODE;
      delete env.NODE_PATH;
    });

    it("`neuroportal demo` fails with exit code 1 and says how to get the demo", async () => {
      const run = await node([path.join(project, "node_modules", "neuroportal", "bin", "neuroportal.js"), "demo"], project, env);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^neuroportal demo: the demo services are not installed \(package @neuroportal\/demo\) — npm install @neuroportal\/demo, or set NEUROPORTAL_MODE=real/);
    });

    it("`neuroportal demo --help` still answers, with the fault flags summarised", async () => {
      const run = await node([path.join(project, "node_modules", "neuroportal", "bin", "neuroportal.js"), "demo", "--help"], project, env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /usage: neuroportal demo \[--allen-port N\].*\[--fault-\* \.\.\.\]/);
    });

    it("services() raises DemoNotInstalledError when nothing else is configured, and works with NEUROPORTAL_DEMO", async () => {
      const script = `const { services, isDemoNotInstalledError } = require("neuroportal");
services().then(() => console.log("started"), (e) => console.log(JSON.stringify({ guard: isDemoNotInstalledError(e), code: e.code, problem: e.problem, hint: e.hint })))
  .then(() => services({ NEUROPORTAL_DEMO: JSON.stringify({ allen: { url: "http://127.0.0.1:1/" } }) })).then((s) => console.log(s.source));`;
      const run = await node(["-e", script], project, env);
      assert.equal(run.code, 0, run.stderr);
      const [first, second] = run.stdout.trim().split("\n");
      const error = JSON.parse(first);
      assert.deepEqual([error.guard, error.code, error.problem], [true, "E_DEMO_NOT_INSTALLED", "missing"]);
      assert.match(error.hint, /npm install @neuroportal\/demo/);
      assert.equal(second, "env");
    });
  });
});
