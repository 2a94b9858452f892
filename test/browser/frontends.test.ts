import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PLOTLY_MIME_TYPE } from "../../lib/display/plot.js";
import { startDemo, type Demo } from "../../demo/src/index.js";
import { runNotebook } from "../../lib/notebooks/index.js";
import { jupyterEnv, PACKAGE_ROOT, tutorialNotebooks } from "../../lib/notebooks/toolchain.js";
import { Chromium } from "./chromium.js";
import { FrontendTabs, type Frontend, type NotebookPage } from "./jupyter-page.js";
import { FRONTENDS_VENV, JupyterServer } from "./jupyter-server.js";
import { renderFile } from "./render.js";

const WORK = path.join(PACKAGE_ROOT, "build", "test-frontends");
const SCREENSHOTS = path.join(PACKAGE_ROOT, "build", "screenshots", "frontends");
/** Executed copies the notebook tests leave; reused when newer than their source and the built display code. */
const NOTEBOOK_TEST_OUTPUT = path.join(PACKAGE_ROOT, "build", "test-notebooks");
const FRONTENDS: Frontend[] = ["JupyterLab 4", "Notebook 7"];

interface NotebookJson {
  cells: { cell_type: string; execution_count?: number | null; outputs?: { output_type: string; name?: string; data?: Record<string, unknown> }[] }[];
}

const readNotebook = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson;
const outputsOf = (nb: NotebookJson) => nb.cells.flatMap((cell) => cell.outputs ?? []);
const chartCount = (file: string) => outputsOf(readNotebook(file)).filter((o) => o.data?.[PLOTLY_MIME_TYPE] !== undefined).length;
const solutionCount = (file: string) => (fs.readFileSync(file, "utf8").match(/<summary>Solution<\/summary>/g) ?? []).length;
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const relative = (file: string) => path.relative(WORK, file).split(path.sep).join("/");

/**
 * Copies a notebook into the served folder under `folder`. A notebook's trust is its content's
 * signature, so a copy to be trusted gets its own metadata mark: trusting it then leaves
 * identical untrusted copies untrusted.
 */
function place(source: string, folder: string, mark?: string): string {
  const target = path.join(WORK, folder, path.basename(source));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (mark === undefined) {
    fs.copyFileSync(source, target);
  } else {
    const nb = JSON.parse(fs.readFileSync(source, "utf8")) as { metadata: Record<string, unknown> };
    nb.metadata.neuroportal_test_copy = mark;
    fs.writeFileSync(target, JSON.stringify(nb, null, 1));
  }
  return target;
}

const newer = (file: string, than: string[]) => fs.existsSync(file) && than.every((other) => fs.statSync(file).mtimeMs > fs.statSync(other).mtimeMs);

/**
 * Every tutorial as a user receives it executed elsewhere (nbclient, unsigned): the notebook
 * tests' copies when current, else executed here against the demo.
 */
async function executedTutorials(tutorials: string[], demo: Demo): Promise<Map<string, string>> {
  const built = path.join(PACKAGE_ROOT, "dist", "display", "plot.js");
  const executed = new Map<string, string>();
  for (const tutorial of tutorials) {
    const reused = path.join(NOTEBOOK_TEST_OUTPUT, path.basename(tutorial));
    if (newer(reused, [tutorial, built])) {
      executed.set(tutorial, reused);
      continue;
    }
    const run = await runNotebook(tutorial, { outDir: path.join(WORK, "executed"), html: false, env: { NEUROPORTAL_DEMO: JSON.stringify(demo.info) }, timeoutSeconds: 180 });
    assert.equal(run.status, "ok", `${path.basename(tutorial)} failed headless at cell ${run.failedCell}:\n${run.log.slice(-3000)}`);
    executed.set(tutorial, run.executed);
  }
  return executed;
}

/**
 * The tutorials in JupyterLab 4 and Notebook 7 (the front-ends venv, scripts/frontends-venv.js)
 * in headless Chromium, offline: Run All with every chart drawn, saved and reopened; and a
 * notebook executed elsewhere (unsigned, so untrusted) drawn by plotly's renderer where it is
 * installed, shown as the untrusted-chart sentence where it is not, and drawn from its HTML once
 * trusted. Every page's requests must stay on the loopback server.
 */
describe("tutorial charts in JupyterLab 4 and Notebook 7 (Chromium, offline) @browser @notebook", function () {
  this.timeout(300_000);
  const tutorials = tutorialNotebooks();
  let demo: Demo | undefined;
  let browser: Chromium | undefined;
  let withRenderer: JupyterServer | undefined;
  let withoutRenderer: JupyterServer | undefined;
  const tabs = new Map<string, FrontendTabs>();
  let executed = new Map<string, string>();
  let started = Date.now();

  before(async function () {
    this.timeout(900_000);
    started = Date.now();
    assert.ok(JupyterServer.available(), "the front-ends venv is missing: run `node scripts/frontends-venv.js` (npm test does it through scripts/setup.js --for=test)");
    assert.ok(fs.existsSync(path.join(PACKAGE_ROOT, "dist", "display", "plot.js")), "run `npm run build` first: notebooks load the built package");
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    demo = await startDemo();
    executed = await executedTutorials(tutorials, demo);
    const env = { NEUROPORTAL_DEMO: JSON.stringify(demo.info) };
    withRenderer = await JupyterServer.start({ root: WORK, plotlyRenderer: true, env });
    withoutRenderer = await JupyterServer.start({ root: WORK, plotlyRenderer: false, env });
    browser = await Chromium.launch();
  });

  after(async function () {
    this.timeout(60_000);
    for (const frontendTabs of tabs.values()) await frontendTabs.close().catch(() => undefined);
    await browser?.close();
    await withRenderer?.stop();
    await withoutRenderer?.stop();
    await demo?.close();
    console.log(`      front-end suite: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });

  /** The front end's tab(s) on a server, opened on first use. */
  function frontendTabs(server: JupyterServer, frontend: Frontend): FrontendTabs {
    const key = `${server.base} ${frontend}`;
    if (!tabs.has(key)) tabs.set(key, new FrontendTabs(browser!, server, frontend));
    return tabs.get(key)!;
  }

  /** Closes the front end's tab(s) on a server once a block of tests is done with them. */
  async function closeTabs(server: JupyterServer | undefined, frontend: Frontend): Promise<void> {
    const key = `${server?.base} ${frontend}`;
    await tabs.get(key)?.close();
    tabs.delete(key);
  }

  /** Opens the notebook in the front end, runs `check`, asserts nothing left the machine, closes it. */
  async function withPage(server: () => JupyterServer, frontend: Frontend, file: string, options: { kernel?: boolean }, check: (page: NotebookPage) => Promise<void>): Promise<void> {
    const page = await frontendTabs(server(), frontend).open(relative(file), options);
    try {
      await check(page);
      assert.deepEqual(page.external, [], "requests that would leave the machine");
    } catch (error) {
      await page.screenshot(path.join(SCREENSHOTS, "failed", `${slug(frontend)}-${slug(relative(file))}.png`)).catch(() => undefined);
      throw error;
    } finally {
      await page.close();
    }
  }

  for (const frontend of FRONTENDS) {
    describe(`${frontend} with plotly's renderer (plotly ${"\u2265"} 6 installed)`, () => {
      afterEach(async () => withRenderer?.shutdownKernels());
      after(async () => closeTabs(withRenderer, frontend));

      for (const tutorial of tutorials) {
        const name = path.basename(tutorial, ".ipynb");
        it(`${name}: Run All with no error, every chart drawn, solutions collapsed; saved, reopened, still drawn`, async () => {
          const file = place(tutorial, path.join("run", slug(frontend)));
          const expected = chartCount(executed.get(tutorial)!);
          await withPage(() => withRenderer!, frontend, file, { kernel: true }, async (page) => {
            assert.equal(await page.runAll(), true, `Run All reported a failing cell: ${JSON.stringify((await page.model()).errors)}`);
            const model = await page.model();
            assert.deepEqual(model.errors, [], "error outputs");
            assert.equal(model.executed, model.codeCells, "every code cell ran");
            assert.equal(model.charts, expected, "the run holds as many charts as the notebook executed headless");
            await page.waitFor(page.charts, (v) => v.renderer === expected && v.rendererShown === expected, `not every chart drew (${expected} expected)`);
            const solutions = solutionCount(tutorial);
            const details = await page.waitFor(page.details, (v) => v.count === solutions, `the exercises' ${solutions} solutions are not rendered as collapsed sections`);
            assert.deepEqual(details, { count: solutions, open: 0, codeShown: 0, withSummary: solutions }, "solutions stay collapsed behind their summary line");
            await page.screenshot(path.join(SCREENSHOTS, `${slug(frontend)}-${name}-run.png`));
            await page.save();
          });
          const raw = fs.readFileSync(file, "utf8");
          for (const secret of [demo!.info.xnat?.password, demo!.info.s3?.secretAccessKey].filter(Boolean)) assert.ok(!raw.includes(secret!), "a demo secret in the saved notebook");
          const saved = readNotebook(file);
          assert.equal(outputsOf(saved).filter((o) => o.data?.[PLOTLY_MIME_TYPE] !== undefined).length, expected, "the saved file holds every chart");
          assert.deepEqual(outputsOf(saved).filter((o) => o.output_type === "error" || o.name === "stderr"), []);
          await withPage(() => withRenderer!, frontend, file, {}, async (page) => {
            const model = await page.model();
            assert.equal(model.trusted, model.codeCells, "a notebook saved from the front end reopens trusted");
            await page.waitFor(page.charts, (v) => v.renderer === expected && v.rendererShown === expected, `the reopened notebook does not show every chart (${expected})`);
            await page.screenshot(path.join(SCREENSHOTS, `${slug(frontend)}-${name}-reopened.png`));
          });
        });

        it(`${name} executed elsewhere, opened untrusted: the renderer draws every chart`, async () => {
          const file = place(executed.get(tutorial)!, path.join("untrusted-renderer", slug(frontend)));
          const expected = chartCount(file);
          await withPage(() => withRenderer!, frontend, file, {}, async (page) => {
            assert.equal((await page.model()).trusted, 0, "the copy opens untrusted");
            const view = await page.waitFor(page.charts, (v) => v.renderer === expected && v.rendererShown === expected, `not every chart drew (${expected} expected)`);
            assert.equal(view.notes, 0, "no untrusted-chart sentence where the renderer draws");
            await page.screenshot(path.join(SCREENSHOTS, `${slug(frontend)}-${name}-untrusted-renderer.png`));
          });
        });
      }
    });

    describe(`${frontend} without plotly's renderer (labextension disabled)`, () => {
      afterEach(async () => withoutRenderer?.shutdownKernels());
      after(async () => closeTabs(withoutRenderer, frontend));

      for (const tutorial of tutorials) {
        const name = path.basename(tutorial, ".ipynb");
        it(`${name} executed elsewhere, opened untrusted: each chart is the sentence saying how to see it, not a blank box`, async () => {
          const file = place(executed.get(tutorial)!, path.join("untrusted-plain", slug(frontend)));
          const expected = chartCount(file);
          await withPage(() => withoutRenderer!, frontend, file, {}, async (page) => {
            assert.equal((await page.model()).trusted, 0, "the copy opens untrusted");
            const view = await page.waitFor(page.charts, (v) => v.notes === expected && v.html === expected, `not every chart shows the sentence (${expected} expected)`);
            assert.equal(view.renderer, 0, "plotly's renderer is disabled on this server");
            assert.equal(view.htmlDrawn, 0, "no script ran in the untrusted notebook");
            assert.ok(view.tallestNoteOutput < 150, `an output holding the sentence is ${view.tallestNoteOutput} px tall: a blank chart box`);
            await page.screenshot(path.join(SCREENSHOTS, `${slug(frontend)}-${name}-untrusted-plain.png`));
          });
        });

        it(`${name} executed elsewhere, trusted: every chart draws from its HTML`, async () => {
          const file = place(executed.get(tutorial)!, path.join("trusted-plain", slug(frontend)), "trusted");
          withoutRenderer!.trust(file);
          const expected = chartCount(file);
          await withPage(() => withoutRenderer!, frontend, file, {}, async (page) => {
            const model = await page.model();
            assert.equal(model.trusted, model.codeCells, "jupyter trust made it trusted");
            const view = await page.waitFor(page.charts, (v) => v.html === expected && v.htmlDrawn === expected, `not every chart drew (${expected} expected)`);
            assert.equal(view.notes, 0, "the sentence is hidden once the chart draws");
            assert.equal(view.renderer, 0);
            await page.screenshot(path.join(SCREENSHOTS, `${slug(frontend)}-${name}-trusted-plain.png`));
            assert.deepEqual(page.exceptions.filter((e) => !e.includes(`${withoutRenderer!.base}/static/`)), [], "page exceptions outside the front end's own code");
          });
        });
      }
    });
  }

  it("JupyterLab 4: charts drawn in a background tab (hidden) fit their outputs once the tab is shown", async () => {
    const tutorial = tutorials.find((t) => chartCount(executed.get(t)!) > 0);
    assert.ok(tutorial, "a tutorial with charts");
    const front = place(executed.get(tutorials[0])!, "hidden-tab", "front");
    const behind = place(executed.get(tutorial)!, path.join("hidden-tab", "behind"), "behind");
    withoutRenderer!.trust(behind);
    const expected = chartCount(behind);
    const lab = frontendTabs(withoutRenderer!, "JupyterLab 4");
    const frontTab = await lab.open(relative(front));
    const page = await lab.open(relative(behind), { background: true });
    try {
      const sizes = `Array.from(${page.panel}.content.node.querySelectorAll(".jp-OutputArea-output .np-plot")).map((e) => { const s = e.querySelector(".main-svg"); return { svg: s ? Number(s.getAttribute("width")) : 0, element: e.clientWidth }; })`;
      await page.waitFor(page.charts, (v) => v.htmlDrawn === expected, `the background tab's charts did not draw (${expected} expected)`);
      assert.equal(await page.evaluate<boolean>(`${page.panel}.isVisible`), false, "the tab was hidden while its charts drew");
      const hidden = await page.evaluate<{ svg: number; element: number }[]>(sizes);
      assert.ok(hidden.every((s) => s.element === 0 && s.svg > 0), `drawn at a fallback size while hidden: ${JSON.stringify(hidden)}`);
      await page.evaluate(`(() => { window.jupyterapp.shell.activateById(${page.panel}.id); return true; })()`);
      const shown = await page.waitFor(() => page.evaluate<{ svg: number; element: number }[]>(sizes), (all) => all.every((s) => s.element > 0 && s.svg === s.element), "the charts did not resize to their outputs once shown", 20_000);
      assert.ok(shown.some((s) => !hidden.some((h) => h.svg === s.svg)), `the charts changed size: ${JSON.stringify({ hidden, shown })}`);
      await page.screenshot(path.join(SCREENSHOTS, "jupyterlab-4-hidden-tab-shown.png"));
      assert.deepEqual(page.external, []);
    } finally {
      await page.close();
      await frontTab.close();
      await withoutRenderer!.shutdownKernels();
      await closeTabs(withoutRenderer, "JupyterLab 4");
    }
  });

  it("nbconvert 7's HTML export (the venv's) draws every chart with the network blocked", async () => {
    const files = tutorials.filter((t) => chartCount(executed.get(t)!) > 0).map((t) => place(executed.get(t)!, "nbconvert"));
    const out = path.join(WORK, "nbconvert-html");
    const convert = spawnSync(path.join(FRONTENDS_VENV, "bin", "jupyter"), ["nbconvert", "--to", "html", "--output-dir", out, ...files], { env: jupyterEnv(), encoding: "utf8", timeout: 120_000 });
    assert.equal(convert.status, 0, convert.stderr);
    /** nbconvert 7's own template asks cdnjs for require.js and MathJax (Debian's nbconvert 6 points them at local files); charts need neither. */
    const templateAssets = [/^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/require\.js\//, /^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/mathjax\//];
    for (const file of files) {
      const html = path.join(out, `${path.basename(file, ".ipynb")}.html`);
      const result = await renderFile(browser!, html, path.join(SCREENSHOTS, `nbconvert7-${path.basename(html, ".html")}.png`));
      assert.equal(result.charts.length, chartCount(file), `${path.basename(html)}: the page holds every chart`);
      for (const chart of result.charts) assert.ok(chart.drawn && chart.traces > 0, `${path.basename(html)}: ${chart.id} did not draw: ${chart.text.slice(0, 120)}`);
      assert.deepEqual(result.externalRequests.filter((url) => !templateAssets.some((asset) => asset.test(url))), [], "requests other than nbconvert's template assets");
      assert.deepEqual(result.exceptions, []);
    }
  });
});
