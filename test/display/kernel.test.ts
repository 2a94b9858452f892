import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runNotebook } from "../../lib/notebooks/index.js";
import { plotlyBundleSource } from "../../lib/display/plotly-bundle.js";
import { tslabJupyterFile, VERIFIED_TSLAB_VERSION } from "../../lib/display/kernel.js";
import { writeNotebook } from "../helpers/notebooks.js";
import { histogram, scatter } from "../../lib/display/index.js";
import { PLOTLY_MIME_TYPE, toPlotlyJson } from "../../lib/display/plot.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, "build", "test-display");

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[] | object>;
  transient?: unknown;
}

const joined = (value: string | string[] | object | undefined) => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");

/** Fails early, with what to run, when dist/ is older than the display sources the kernel would load. */
function assertBuilt(): void {
  const built = path.join(ROOT, "dist", "display", "plot.js");
  const sources = fs.readdirSync(path.join(ROOT, "lib", "display"), { recursive: true }).map((f) => path.join(ROOT, "lib", "display", String(f))).filter((f) => f.endsWith(".ts"));
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest) assert.fail("dist/ is missing or older than lib/display: run `npm run build` first (notebooks load the built package)");
}

/** A bundle with text, markup and a JSON mimetype, as plotly's renderer extension reads it. */
const BUNDLE = {
  "text/html": "<b>one output</b>",
  "text/plain": "one output",
  "text/markdown": "**one output**",
  "application/vnd.plotly.v1+json": { data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "bundle" } } },
};

const CELLS = [
  'import { show, plot, progress, histogram, scatter, frame, display } from "neuroportal";',
  'const df = frame.fromRecords([{ id: "100307", a: "33" }, { id: "<i>103515</i>", a: "" }], ["id", "a"], { a: "integer" });\nshow(df);',
  'plot(histogram([1, 2, 2, 3], { title: "first" }));',
  'plot(scatter([1, 2, 3], [3, 1, 2], { title: "second" }));',
  'const p = progress("steps", { intervalMs: 0 });\nasync function run() { for (let i = 1; i <= 4; i++) { p.update({ done: i, total: 4 }); await new Promise((r) => setTimeout(r, 20)); } p.done("all 4"); }\nawait run();',
  "display.inKernel()",
  'const path = require("node:path");\nconsole.log(typeof require(path.join(path.dirname(require.resolve("tslab/package.json")), "dist", "jupyter.js")).lastWriteDisplayData);',
  `display.displayMimeBundle(${JSON.stringify(BUNDLE)});`,
];

/** Loud checks that need no kernel: the hook in lib/display/kernel.ts reads tslab internals of one release. */
describe("display: the tslab hook is verified against the installed tslab", () => {
  it(`the installed tslab is ${VERIFIED_TSLAB_VERSION}, the release lib/display/kernel.ts was verified against`, () => {
    const installed = JSON.parse(fs.readFileSync(require.resolve("tslab/package.json"), "utf8")).version;
    assert.equal(installed, VERIFIED_TSLAB_VERSION, `tslab ${installed} is installed: check that dist/jupyter.js still exports lastWriteDisplayData(message, update) and run this suite's @notebook tests, then set VERIFIED_TSLAB_VERSION in lib/display/kernel.ts`);
  });

  it("tslab ships dist/jupyter.js exporting the display writer the hook uses", () => {
    const file = tslabJupyterFile();
    assert.ok(file && fs.existsSync(file), `tslab's internal module is gone: ${file}`);
    assert.match(fs.readFileSync(file!, "utf8"), /exports\.lastWriteDisplayData = /, "tslab no longer exports lastWriteDisplayData from dist/jupyter.js");
  });
});

describe("display in the real tslab kernel @notebook", function () {
  this.timeout(180_000);
  let first: Output[][];
  let second: Output[][];
  let htmlFile: string | undefined;

  before(async () => {
    assertBuilt();
    const notebook = path.join(WORK, "display-kernel.ipynb");
    writeNotebook(notebook, CELLS);
    const runs = [];
    for (const outDir of [path.join(WORK, "run1"), path.join(WORK, "run2")]) {
      const run = await runNotebook(notebook, { outDir, timeoutSeconds: 120 });
      assert.equal(run.status, "ok", run.log);
      runs.push(JSON.parse(fs.readFileSync(run.executed, "utf8")).cells.map((c: { outputs: Output[] }) => c.outputs) as Output[][]);
      htmlFile = run.html;
    }
    [first, second] = runs;
  });

  it("show() sends one output with an HTML table and its text fallback", () => {
    const outputs = first[1];
    assert.equal(outputs.length, 1);
    const html = joined(outputs[0].data?.["text/html"]);
    const text = joined(outputs[0].data?.["text/plain"]);
    assert.ok(html.startsWith('<div class="np-frame">'), html.slice(0, 80));
    assert.ok(html.includes("&lt;i&gt;103515&lt;/i&gt;") && html.includes('title="missing">NaN</td>'));
    assert.ok(html.includes("2 rows × 2 columns"));
    assert.equal(text, "id               a\n100307          33\n<i>103515</i>  NaN\n[2 rows × 2 columns]");
  });

  it("plot() embeds plotly once (first chart), later charts are a div and a script", () => {
    const firstChart = joined(first[2][0].data?.["text/html"]);
    const secondChart = joined(first[3][0].data?.["text/html"]);
    const bundle = plotlyBundleSource();
    assert.equal(firstChart.split(bundle).length - 1, 1, "first chart carries the bundle");
    assert.ok(!secondChart.includes(bundle.slice(0, 2000)), "second chart does not");
    assert.ok(secondChart.length < 5000, `second chart is ${secondChart.length} bytes`);
    assert.ok(firstChart.includes('<div id="np-plot-1"') && secondChart.includes('<div id="np-plot-2"'));
    assert.equal(joined(first[3][0].data?.["text/plain"]), "[plotly figure: second — 1 trace (scatter)]");
  });

  it("plot() sends one output with plotly's JSON mime (stored as JSON), the HTML and the text", () => {
    assert.equal(first[3].length, 1);
    assert.deepEqual(Object.keys(first[3][0].data ?? {}).sort(), [PLOTLY_MIME_TYPE, "text/html", "text/plain"]);
    assert.deepEqual(first[2][0].data?.[PLOTLY_MIME_TYPE], toPlotlyJson(histogram([1, 2, 2, 3], { title: "first" })));
    assert.deepEqual(first[3][0].data?.[PLOTLY_MIME_TYPE], toPlotlyJson(scatter([1, 2, 3], [3, 1, 2], { title: "second" })));
    assert.deepEqual(Object.keys(first[1][0].data ?? {}).sort(), ["text/html", "text/plain"], "tables carry no plotly mime");
  });

  it("progress() leaves one output holding the final line", () => {
    assert.equal(first[4].length, 1, JSON.stringify(first[4]));
    assert.equal(joined(first[4][0].data?.["text/plain"]), "steps [####################] 100% 4/4 all 4");
  });

  it("knows it runs in a kernel", () => {
    assert.equal(joined(first[5].find((o) => o.output_type === "stream")?.text).trim(), "true");
  });

  it("the kernel exposes tslab's display writer to the hook", () => {
    assert.equal(joined(first[6].find((o) => o.output_type === "stream")?.text).trim(), "function");
  });

  it("displayMimeBundle sends one output carrying every mimetype of the bundle, JSON ones as JSON", () => {
    assert.equal(first[7].length, 1, JSON.stringify(first[7]));
    const [output] = first[7];
    assert.equal(output.output_type, "display_data");
    assert.deepEqual(Object.keys(output.data ?? {}).sort(), Object.keys(BUNDLE).sort());
    for (const mime of ["text/html", "text/plain", "text/markdown"] as const) assert.equal(joined(output.data?.[mime] as string | string[]), BUNDLE[mime]);
    assert.deepEqual(output.data?.["application/vnd.plotly.v1+json"], BUNDLE["application/vnd.plotly.v1+json"]);
  });

  it("executing the notebook twice gives identical outputs (golden-comparable)", () => {
    const strip = (cells: Output[][]) => JSON.stringify(cells.map((outputs) => outputs.map(({ output_type, name, text, data }) => ({ output_type, name, text, data }))));
    assert.equal(strip(second), strip(first));
  });

  it("the HTML report of a notebook with two charts stays well under the 3 MB budget", () => {
    assert.ok(htmlFile && fs.existsSync(htmlFile));
    const bytes = fs.statSync(htmlFile!).size;
    assert.ok(bytes < 3_000_000, `${bytes} bytes`);
  });
});
