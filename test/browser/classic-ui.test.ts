import * as assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { jupyterEnv } from "../../lib/notebooks/toolchain.js";
import { runNotebook } from "../../lib/notebooks/index.js";
import { Chromium } from "./chromium.js";
import { writeNotebook } from "../helpers/notebooks.js";
import { freePort } from "../helpers/free-port.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, "build", "test-browser", "classic");
const SCREENSHOTS = path.join(ROOT, "build", "screenshots");
const JUPYTER = process.env.NEUROPORTAL_JUPYTER || "/usr/bin/jupyter";

const CELLS = [
  'import { show, plot, histogram, scatter } from "neuroportal";',
  'show([{ subject: "100307", score: 33 }, { subject: "103515", score: NaN }]);',
  'plot(histogram([1, 2, 2, 3, 3, 3], { title: "first chart" }));',
  'plot(scatter([1, 2, 3], [3, 1, 2], { title: "second chart", trendline: true }));',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PageState {
  ready: boolean;
  plots: number;
  drawn: number;
  tables: number;
  busy: boolean;
}

const PAGE_STATE = `(() => {
  const nb = window.Jupyter && window.Jupyter.notebook;
  const plots = Array.from(document.querySelectorAll(".output_area .np-plot"));
  return {
    ready: !!(nb && nb.kernel && nb.kernel.is_connected && nb.kernel.is_connected() && nb.kernel.info_reply),
    plots: plots.length,
    drawn: plots.filter((el) => el.classList.contains("js-plotly-plot") && el.querySelectorAll(".main-svg .trace").length > 0).length,
    tables: document.querySelectorAll(".output_area .np-frame table").length,
    busy: !!document.querySelector(".kernel_busy_icon"),
  };
})()`;

/**
 * The live classic Notebook UI (Debian's notebook 6 on loopback) in headless Chromium: the
 * charts plot() emits must draw while the kernel runs, again when the saved notebook is
 * reopened, and in a notebook executed headless once it is trusted (untrusted: not drawn).
 */
describe("display in the live classic Notebook UI (jupyter notebook + Chromium) @browser @notebook", function () {
  this.timeout(240_000);
  let server: ChildProcess | undefined;
  let browser: Chromium | undefined;
  let base = "";
  let serverLog = "";
  let jupyterHome = "";
  /** Jupyter's data, config and runtime dirs in a temporary folder: the signing key never lands in ~. */
  const env = () => jupyterEnv({ JUPYTER_DATA_DIR: path.join(jupyterHome, "data"), JUPYTER_CONFIG_DIR: path.join(jupyterHome, "config"), JUPYTER_RUNTIME_DIR: path.join(jupyterHome, "runtime") });
  const notebook = path.join(WORK, "live.ipynb");
  const headless = path.join(WORK, "headless.ipynb");

  before(async function () {
    if (!fs.existsSync(JUPYTER)) this.skip();
    assert.ok(fs.existsSync(path.join(ROOT, "dist", "display", "plot.js")), "run `npm run build` first: notebooks load the built package");
    fs.rmSync(WORK, { recursive: true, force: true });
    writeNotebook(notebook, CELLS);
    writeNotebook(path.join(WORK, "source-headless.ipynb"), CELLS);
    const run = await runNotebook(path.join(WORK, "source-headless.ipynb"), { outDir: path.join(WORK, "executed"), html: false, timeoutSeconds: 120 });
    assert.equal(run.status, "ok", run.log);
    fs.copyFileSync(run.executed, headless);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    jupyterHome = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-jupyter-"));
    server = spawn(
      JUPYTER,
      ["notebook", "--allow-root", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", "--NotebookApp.token=", "--NotebookApp.password=",
        "--NotebookApp.disable_check_xsrf=True", `--notebook-dir=${ROOT}`],
      { env: env(), stdio: ["ignore", "pipe", "pipe"] },
    );
    server.stdout!.on("data", (chunk) => (serverLog += chunk));
    server.stderr!.on("data", (chunk) => (serverLog += chunk));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(`${base}/api`);
        if (response.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline || server.exitCode !== null) assert.fail(`jupyter notebook did not start: ${serverLog.slice(-2000)}`);
      await sleep(250);
    }
    browser = await Chromium.launch();
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      try {
        const sessions = (await (await fetch(`${base}/api/sessions`)).json()) as { id: string }[];
        await Promise.all(sessions.map((s) => fetch(`${base}/api/sessions/${s.id}`, { method: "DELETE" })));
      } catch {
        /* the server is already going */
      }
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server!.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (jupyterHome) fs.rmSync(jupyterHome, { recursive: true, force: true });
  });

  async function openNotebook(relative: string): Promise<{ sessionId: string; targetId: string; state: () => Promise<PageState>; external: string[] }> {
    const page = await browser!.newPage();
    const external: string[] = [];
    browser!.on((event) => {
      if (event.sessionId !== page.sessionId || event.method !== "Network.requestWillBeSent") return;
      const url = String((event.params.request as { url: string }).url);
      if (!url.startsWith(base) && !url.startsWith(base.replace("http", "ws")) && !/^(data|blob|about):/.test(url)) external.push(url);
    });
    await browser!.send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 1600, deviceScaleFactor: 1, mobile: false }, page.sessionId);
    await browser!.send("Page.navigate", { url: `${base}/notebooks/${relative}` }, page.sessionId);
    const state = async () => {
      const { result } = (await browser!.send("Runtime.evaluate", { expression: PAGE_STATE, returnByValue: true }, page.sessionId)) as { result: { value?: PageState } };
      return result.value ?? { ready: false, plots: 0, drawn: 0, tables: 0, busy: false };
    };
    return { ...page, state, external };
  }

  async function waitFor(state: () => Promise<PageState>, done: (s: PageState) => boolean, what: string, ms = 60_000): Promise<PageState> {
    const deadline = Date.now() + ms;
    let last = await state();
    while (!done(last)) {
      if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(last)}; server log: ${serverLog.slice(-1500)}`);
      await sleep(250);
      last = await state();
    }
    return last;
  }

  async function screenshot(sessionId: string, name: string): Promise<void> {
    const shot = (await browser!.send("Page.captureScreenshot", { format: "png" }, sessionId)) as { data: string };
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, name), Buffer.from(shot.data, "base64"));
  }

  const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

  it("Run All in the live UI draws every chart, with no request leaving the machine", async () => {
    const page = await openNotebook(relative(notebook));
    await waitFor(page.state, (s) => s.ready, "the kernel did not connect");
    await browser!.send("Runtime.evaluate", { expression: "Jupyter.notebook.execute_all_cells()" }, page.sessionId);
    const final = await waitFor(page.state, (s) => s.plots === 2 && s.drawn === 2 && s.tables === 1, "the charts did not draw live");
    assert.deepEqual(final, { ready: true, plots: 2, drawn: 2, tables: 1, busy: final.busy });
    await screenshot(page.sessionId, "classic-ui-live.png");
    await browser!.send("Runtime.evaluate", { expression: "Jupyter.notebook.save_notebook()", awaitPromise: true }, page.sessionId);
    await sleep(1000);
    assert.deepEqual(page.external, []);
    await browser!.send("Target.closeTarget", { targetId: page.targetId });
  });

  it("the saved notebook reopens with its charts drawn (saved from the UI, so trusted)", async () => {
    const saved = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: { outputs: unknown[] }[] };
    assert.ok(saved.cells[2].outputs.length > 0, "the UI saved the outputs");
    const page = await openNotebook(relative(notebook));
    const final = await waitFor(page.state, (s) => s.plots === 2 && s.drawn === 2, "the saved charts did not draw", 30_000);
    assert.equal(final.tables, 1);
    await screenshot(page.sessionId, "classic-ui-reopened.png");
    await browser!.send("Target.closeTarget", { targetId: page.targetId });
  });

  it("a notebook executed headless shows its charts once trusted, not before", async () => {
    const untrusted = await openNotebook(relative(headless));
    await waitFor(untrusted.state, (s) => s.tables === 1, "the untrusted notebook did not show its table", 30_000);
    await sleep(2000);
    const before = await untrusted.state();
    assert.equal(before.drawn, 0, "untrusted output must not run scripts");
    await browser!.send("Target.closeTarget", { targetId: untrusted.targetId });

    const trust = spawnSync(JUPYTER, ["trust", headless], { env: env(), encoding: "utf8" });
    assert.equal(trust.status, 0, trust.stderr);
    const trusted = await openNotebook(relative(headless));
    await waitFor(trusted.state, (s) => s.plots === 2 && s.drawn === 2, "the trusted notebook's charts did not draw", 30_000);
    await screenshot(trusted.sessionId, "classic-ui-trusted.png");
    await browser!.send("Target.closeTarget", { targetId: trusted.targetId });
  });
});
