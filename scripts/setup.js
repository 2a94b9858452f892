#!/usr/bin/env node
"use strict";
/**
 * Installs whatever a fresh clone lacks, so that `npm start` and `npm test` are the whole set-up:
 * node packages (npm ci), Debian packages (as root; otherwise a message naming them), the
 * compiled library and demo services, the tslab kernelspec and, for tests, the JupyterLab 4 /
 * Notebook 7 venv of the front-end browser tests (scripts/frontends-venv.js). Idempotent and quick
 * when nothing is missing.
 *
 * usage: node scripts/setup.js [--for=start|test|bench]
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DEMO = path.join(ROOT, "demo");
const purpose = (process.argv.find((a) => a.startsWith("--for=")) || "--for=start").slice(6);

const DEBIAN = {
  start: ["jupyter-notebook", "jupyter-nbconvert", "python3-nbclient", "jupyter-client", "jupyter-nbformat"],
  test: ["chromium", "python3-venv", "python3-pyxnat", "python3-boto", "python3-pandas", "awscli", "rclone", "time", "slurm-wlm", "munge"],
  bench: ["python3-pyxnat", "python3-boto", "python3-pandas", "awscli", "rclone", "time"],
};

function log(message) {
  process.stderr.write(`setup: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: ROOT, ...options });
  if (result.status !== 0) {
    log(`\`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function missingDebianPackages(names) {
  return names.filter((name) => {
    const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
    return result.status !== 0 || !result.stdout.includes("install ok installed");
  });
}

function ensureDebianPackages() {
  const wanted = [...DEBIAN.start, ...(purpose === "test" ? DEBIAN.test : []), ...(purpose === "bench" ? [...DEBIAN.test, ...DEBIAN.bench] : [])];
  if (!fs.existsSync("/usr/bin/dpkg-query")) {
    log(`not a Debian system: make sure Jupyter (notebook, nbconvert, nbclient) is available and set NEUROPORTAL_PYTHON / NEUROPORTAL_JUPYTER (see README, conda: environment.yml)`);
    return;
  }
  const missing = missingDebianPackages([...new Set(wanted)]);
  if (missing.length === 0) return;
  if (process.getuid && process.getuid() !== 0) {
    log(`missing Debian packages: ${missing.join(" ")}`);
    log(`install them with: sudo apt-get install -y ${missing.join(" ")}`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["-o", "DPkg::Lock::Timeout=600", "update", "-qq"], { env });
  run("apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
}

function ensureNodePackages() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000);
  const required = ["tslab", "danfojs-node", "typescript", "mocha", "tsx", "@aws-sdk/client-s3", "neuroportal", "@neuroportal/demo"];
  const demoRequired = ["s3rver", "fast-xml-parser"];
  const installed = (name, ...dirs) => dirs.some((dir) => fs.existsSync(path.join(dir, "node_modules", name, "package.json")));
  const absent = [
    ...required.filter((name) => !installed(name, ROOT)),
    ...demoRequired.filter((name) => !installed(name, DEMO, ROOT)),
  ];
  if (!stale && absent.length === 0) return;
  log(absent.length ? `installing node packages (missing: ${absent.join(", ")})` : "installing node packages (package-lock.json changed)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the library (lib/ → dist/), then the demo package (demo/src/ → demo/dist/, it uses the library's types), each when its output is older than its sources. */
function ensureBuilt() {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const builds = [
    { what: "the library (dist/)", sources: path.join(ROOT, "lib"), entry: path.join(ROOT, "dist", "index.js"), project: "tsconfig.json" },
    { what: "the demo services (demo/dist/)", sources: path.join(DEMO, "src"), entry: path.join(DEMO, "dist", "index.js"), project: path.join("demo", "tsconfig.json") },
  ];
  for (const build of builds) {
    if (fs.existsSync(build.entry) && fs.statSync(build.entry).mtimeMs >= newestMtime(build.sources)) continue;
    log(`building ${build.what}`);
    run(process.execPath, [tsc, "-p", build.project]);
  }
}

function ensureKernel() {
  const spec = path.join(ROOT, "jupyter", "kernels", "tslab", "kernel.json");
  if (!fs.existsSync(spec)) {
    log("jupyter/kernels/tslab/kernel.json is missing from the checkout");
    process.exit(1);
  }
  const jupyter = process.env.NEUROPORTAL_JUPYTER || "/usr/bin/jupyter";
  if (!fs.existsSync(jupyter)) return;
  const list = spawnSync(jupyter, ["kernelspec", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: "" } });
  if (list.status === 0 && JSON.parse(list.stdout).kernelspecs.tslab) return;
  log("registering the tslab kernel for this user (jupyter kernelspec install --user)");
  run(jupyter, ["kernelspec", "install", "--user", "--name", "tslab", path.dirname(spec)], { stdio: ["ignore", "ignore", "inherit"] });
}

function ensureFrontendsVenv() {
  const { ensureFrontendsVenv: ensure, VenvError } = require("./frontends-venv.js");
  try {
    ensure();
  } catch (error) {
    if (!(error instanceof VenvError)) throw error;
    log(error.message);
    process.exit(1);
  }
}

/**
 * moto's S3 server and boto3, for the S3 suite that runs against the demo and moto with boto3
 * as the reference client: found in the default python3 (or NEUROPORTAL_MOTO_PYTHON), else
 * installed with pip. Where pip cannot reach PyPI (and Debian has no python3-moto), setup says
 * so and goes on; the dual-server tests then fail with the same message instead of skipping.
 */
function ensureMoto() {
  const python = process.env.NEUROPORTAL_MOTO_PYTHON || "python3";
  const probe = () => spawnSync(python, ["-c", "import moto.server, boto3, flask_cors"], { stdio: "ignore" }).status === 0;
  if (probe()) return;
  log(`moto's S3 server is missing for ${python}: installing moto[server] and boto3 with pip`);
  const pip = spawnSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--timeout", "30", "moto[server]", "boto3"], { stdio: "inherit" });
  if (pip.status === 0 && probe()) return;
  log(
    `could not install moto for ${python} (pip exit ${pip.status ?? pip.signal}; PyPI unreachable?): the S3 tests against moto will fail. ` +
      "Install it (`python3 -m pip install 'moto[server]' boto3`) or set NEUROPORTAL_MOTO_PYTHON to a python that has it.",
  );
}

ensureDebianPackages();
ensureNodePackages();
ensureBuilt();
ensureKernel();
if (purpose === "test") ensureMoto();
if (purpose === "test") ensureFrontendsVenv();
