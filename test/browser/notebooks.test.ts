import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Chromium } from "./chromium.js";
import { renderFile } from "./render.js";

const ROOT = path.resolve(__dirname, "..", "..");
const HTML_DIR = path.resolve(ROOT, process.env.NEUROPORTAL_NOTEBOOK_HTML_DIR || path.join("build", "test-notebooks"));
const SCREENSHOTS = path.join(ROOT, "build", "screenshots");
/** Issue 5's budget for an executed tutorial notebook's HTML report. */
const HTML_BUDGET_BYTES = 3_000_000;

const reports = fs.existsSync(HTML_DIR) ? fs.readdirSync(HTML_DIR).filter((name) => name.endsWith(".html")).sort() : [];

/** The charts a report must show: every chart container plot() emitted into it. */
function expectedCharts(html: string): string[] {
  return [...html.matchAll(/<div id="(np-plot-\d+)" class="np-plot"/g)].map((m) => m[1]);
}

describe(`executed notebooks render in headless Chromium without network (${path.relative(ROOT, HTML_DIR) || "."}) @browser`, function () {
  this.timeout(180_000);
  let browser: Chromium | undefined;
  const sizes: string[] = [];

  before(async () => {
    if (reports.length > 0) browser = await Chromium.launch();
  });
  after(async () => {
    await browser?.close();
    if (sizes.length > 0) console.log(`      HTML report sizes:\n${sizes.map((line) => `        ${line}`).join("\n")}`);
  });

  if (reports.length === 0) {
    it("needs executed notebooks", function () {
      console.log(`      no executed notebook HTML in ${HTML_DIR}: run the notebook tests first (or set NEUROPORTAL_NOTEBOOK_HTML_DIR)`);
      this.skip();
    });
    return;
  }

  for (const name of reports) {
    it(`${name}: every chart draws, nothing leaves the machine, under 3 MB`, async () => {
      const file = path.join(HTML_DIR, name);
      const bytes = fs.statSync(file).size;
      sizes.push(`${name.padEnd(40)} ${(bytes / 1e6).toFixed(2)} MB`);
      const expected = expectedCharts(fs.readFileSync(file, "utf8"));
      const result = await renderFile(browser!, file, path.join(SCREENSHOTS, name.replace(/\.html$/, ".png")));
      assert.deepEqual(result.charts.map((chart) => chart.id), expected, "the page holds the charts the notebook emitted");
      for (const chart of result.charts) {
        assert.ok(chart.drawn, `${chart.id} did not draw: ${chart.text || "(empty)"}`);
        assert.ok(chart.svgElements > 20, `${chart.id} has an empty SVG (${chart.svgElements} elements)`);
        assert.ok(chart.traces > 0, `${chart.id} drew no traces`);
      }
      assert.deepEqual(result.externalRequests, [], "requests that would leave the machine");
      assert.deepEqual(result.exceptions, [], "uncaught exceptions in the page");
      assert.ok(bytes < HTML_BUDGET_BYTES, `${name} is ${(bytes / 1e6).toFixed(2)} MB, over the 3 MB budget`);
    });
  }
});
