import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { tempDir } from "../helpers/files.js";

interface Run {
  code: number | null;
  stderr: string;
  /** What the Jupyter stand-in saw: its arguments and the variables that pick the services. */
  seen: { args: string[]; mode: string; demo: string };
}

/**
 * Runs `neuroportal jupyter` (what `npm run jupyter` runs) with a stand-in for the jupyter
 * executable (NEUROPORTAL_JUPYTER) that records what it was started with and exits.
 */
async function runJupyter(dir: string, env: Record<string, string>): Promise<Run> {
  const seenFile = path.join(dir, "seen.json");
  const standIn = path.join(dir, "jupyter");
  fs.writeFileSync(standIn, `#!${process.execPath}\nrequire("fs").writeFileSync(${JSON.stringify(seenFile)}, JSON.stringify({ args: process.argv.slice(2), mode: process.env.NEUROPORTAL_MODE ?? "", demo: process.env.NEUROPORTAL_DEMO ?? "" }));\n`, { mode: 0o755 });
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin", "neuroportal.js"), "jupyter", "--port", "0"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, NEUROPORTAL_JUPYTER: standIn, NEUROPORTAL_DEMO_FILE: path.join(dir, "demo.json"), ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stderr, seen: JSON.parse(fs.readFileSync(seenFile, "utf8")) };
}

describe("cli: neuroportal jupyter (npm run jupyter) and real mode", function () {
  this.timeout(120_000);
  let scratch: ReturnType<typeof tempDir>;
  beforeEach(() => (scratch = tempDir("np-jupyter-")));
  afterEach(() => scratch.remove());

  it("with NEUROPORTAL_MODE=real starts no demo: the server gets real mode and no demo line of its own, and no demo is recorded", async () => {
    const inherited = JSON.stringify({ allen: { url: "http://127.0.0.1:9/" } });
    const run = await runJupyter(scratch.dir, { NEUROPORTAL_MODE: "real", NEUROPORTAL_DEMO: inherited });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /NEUROPORTAL_MODE=real: no demo services; notebooks use https:\/\/api\.brain-map\.org\/, https:\/\/db\.humanconnectome\.org\/ and s3:\/\/hcp-openaccess/);
    assert.equal(run.seen.mode, "real");
    assert.equal(run.seen.demo, inherited, "only what the shell had; services() in the kernel lets real mode win over it");
    assert.equal(fs.existsSync(path.join(scratch.dir, "demo.json")), false);
    assert.equal(run.seen.args[0], "notebook");
  });

  it("without it starts the demo services and hands their line to the server", async () => {
    const run = await runJupyter(scratch.dir, {});
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /demo services running/);
    const info = JSON.parse(run.seen.demo);
    assert.match(info.xnat.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(fs.existsSync(path.join(scratch.dir, "demo.json")), false, "the record is removed when the server ends");
  });
});
