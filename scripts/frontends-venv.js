#!/usr/bin/env node
"use strict";
/**
 * Builds the Python environment the front-end browser tests run JupyterLab 4 and Notebook 7 from:
 * a venv at build/frontends-venv (no system site packages, so Debian's notebook 6 and nbconvert 6
 * stay out of it) with jupyterlab, notebook and plotly installed offline (`pip --no-index`) from a
 * local folder of wheels. plotly 6 and later ship JupyterLab's plotly renderer (the prebuilt
 * labextension "jupyterlab-plotly") inside the plotly wheel; the build checks it is enabled.
 * The variant without the renderer needs no second venv: run Jupyter with its own
 * JUPYTER_CONFIG_DIR in which `jupyter labextension disable --level=user
 * @jupyterlab/plotly-extension:factory` was run (the renderer's plugin id: disabling the package
 * name jupyterlab-plotly only looks disabled in `jupyter labextension list`).
 *
 * Idempotent: a stamp in the venv records the requirements and the wheels they resolved to; the
 * venv is rebuilt only when that changes. Takes about 30 s and 330 MB when it builds.
 *
 * Needs: a Python 3 with the venv module (Debian: python3-venv) whose version matches the
 * wheels (NEUROPORTAL_VENV_PYTHON, default /usr/bin/python3), and the wheel folder
 * (NEUROPORTAL_WHEELS, default /opt/pypi/files).
 *
 * usage: node scripts/frontends-venv.js [--force]    prints the venv's folder on stdout
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const VENV = process.env.NEUROPORTAL_FRONTENDS_VENV || path.join(ROOT, "build", "frontends-venv");
const WHEELS = process.env.NEUROPORTAL_WHEELS || "/opt/pypi/files";
const PYTHON = process.env.NEUROPORTAL_VENV_PYTHON || "/usr/bin/python3";
const REQUIREMENTS = ["jupyterlab>=4,<5", "notebook>=7,<8", "plotly>=6"];
const STAMP = path.join(VENV, "neuroportal-frontends.json");

class VenvError extends Error {}

function log(message) {
  process.stderr.write(`frontends-venv: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new VenvError(`cannot run ${command}: ${result.error.message}`);
  return result;
}

/** The wheel file names in the folder, sorted (their hash decides whether the venv is current). */
function candidateWheels() {
  if (!fs.existsSync(WHEELS) || !fs.statSync(WHEELS).isDirectory()) {
    throw new VenvError(
      `no wheel folder at ${WHEELS}: the front-end tests install JupyterLab 4, Notebook 7 and plotly offline from a local folder of wheels. ` +
        "Set NEUROPORTAL_WHEELS to such a folder (e.g. made with `pip download -d DIR jupyterlab notebook plotly` on a machine with PyPI).",
    );
  }
  const names = fs.readdirSync(WHEELS).filter((name) => name.endsWith(".whl"));
  for (const wanted of ["jupyterlab-4", "notebook-7", "plotly-"]) {
    if (!names.some((name) => name.toLowerCase().startsWith(wanted))) throw new VenvError(`${WHEELS} holds no ${wanted.replace(/-$/, "")}* wheel`);
  }
  return names.sort();
}

function stampOf(python, wheels) {
  const folder = require("node:crypto").createHash("sha256").update(wheels.join("\n")).digest("hex");
  return { requirements: REQUIREMENTS, python, wheelFolder: WHEELS, wheelNames: folder };
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, "utf8"));
  } catch {
    return undefined;
  }
}

function pythonVersion() {
  if (!fs.existsSync(PYTHON)) throw new VenvError(`${PYTHON} is missing: install Debian's python3 and python3-venv, or set NEUROPORTAL_VENV_PYTHON`);
  const result = run(PYTHON, ["-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"]);
  if (result.status !== 0) {
    throw new VenvError(`${PYTHON} cannot create a venv (${result.stderr.trim().split("\n").pop()}): install Debian's python3-venv (apt-get install -y python3-venv)`);
  }
  return result.stdout.trim();
}

/** Lists the venv's labextensions and checks the plotly renderer is installed and enabled. */
function checkRenderer() {
  const env = { ...process.env, JUPYTER_CONFIG_DIR: path.join(VENV, "neuroportal-empty-config"), JUPYTER_PATH: "", PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const list = run(path.join(VENV, "bin", "jupyter"), ["labextension", "list"], { env });
  const text = `${list.stdout}\n${list.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  const line = text.split("\n").find((l) => l.includes("jupyterlab-plotly"));
  if (list.status !== 0 || !line || !/enabled\s+OK/.test(line)) {
    throw new VenvError(`JupyterLab's plotly renderer is not active in ${VENV} (jupyter labextension list said: ${line ? line.trim() : text.trim().slice(-500)})`);
  }
  return line.trim();
}

/** Creates or reuses the venv; returns its folder. Throws VenvError with what to do. */
function ensureFrontendsVenv({ force = false } = {}) {
  const wheels = candidateWheels();
  const version = pythonVersion();
  const wanted = stampOf(version, wheels);
  const jupyter = path.join(VENV, "bin", "jupyter");
  if (!force && fs.existsSync(jupyter) && JSON.stringify(readStamp()) === JSON.stringify(wanted)) return VENV;
  log(`building ${path.relative(ROOT, VENV) || VENV} (Python ${version}, ${REQUIREMENTS.join(" ")} from ${WHEELS}, offline)`);
  fs.rmSync(VENV, { recursive: true, force: true });
  const created = run(PYTHON, ["-m", "venv", VENV]);
  if (created.status !== 0) throw new VenvError(`${PYTHON} -m venv failed: ${created.stderr.trim().slice(-1000)}`);
  const pip = run(path.join(VENV, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-index", "--find-links", WHEELS, ...REQUIREMENTS], {
    env: { ...process.env, PIP_CONFIG_FILE: "/dev/null", PIP_NO_CACHE_DIR: "1" },
  });
  if (pip.status !== 0) {
    fs.rmSync(VENV, { recursive: true, force: true });
    throw new VenvError(`pip could not install ${REQUIREMENTS.join(" ")} from ${WHEELS} for Python ${version}: ${pip.stderr.trim().slice(-1500)}\nthe folder must hold every dependency as a wheel for this Python`);
  }
  const line = checkRenderer();
  fs.writeFileSync(STAMP, `${JSON.stringify(wanted, null, 1)}\n`);
  log(`ready: ${line.replace(/\s+/g, " ")}`);
  return VENV;
}

module.exports = { ensureFrontendsVenv, VenvError, FRONTENDS_VENV: VENV };

if (require.main === module) {
  try {
    process.stdout.write(`${ensureFrontendsVenv({ force: process.argv.includes("--force") })}\n`);
  } catch (error) {
    if (!(error instanceof VenvError)) throw error;
    log(error.message);
    process.exit(1);
  }
}
