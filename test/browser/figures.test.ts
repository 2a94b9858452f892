import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { box, correlationHeatmap, histogram, scatter, scatterMatrix, threeView, violin, volumeSlice, type Figure } from "../../lib/display/index.js";
import { codedVolume, NEO, neoFrame } from "../display/fixtures.js";
import { Chromium } from "./chromium.js";
import { renderFile } from "./render.js";
import { toPlotHtml, toStandalonePage } from "../../lib/display/plot.js";
import { toHtmlTable } from "../../lib/display/table.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, "build", "test-browser");
const SCREENSHOTS = path.join(ROOT, "build", "screenshots");

function bigVolume() {
  const dims: [number, number, number] = [67, 41, 58];
  const data = new Float32Array(67 * 41 * 58);
  for (let z = 0; z < 58; z++) for (let y = 0; y < 41; y++) for (let x = 0; x < 67; x++) {
    const r = Math.hypot((x - 33) / 30, (y - 20) / 18, (z - 29) / 26);
    data[x + 67 * (y + 41 * z)] = r > 1 ? -1 : 1 - r;
  }
  return { dims, spacing: [200, 200, 200] as [number, number, number], data };
}

describe("display charts in headless Chromium (no network) @browser", function () {
  this.timeout(120_000);
  let browser: Chromium;

  before(async () => {
    browser = await Chromium.launch();
    fs.mkdirSync(WORK, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  it("every builder's figure draws from a page plot() output would produce", async () => {
    const df = neoFrame();
    const figures: Figure[] = [
      histogram(df, "neo_neofac_n", { title: "histogram" }),
      box(df, "neo_neofac_e", "gender", { title: "box" }),
      violin(df, "neo_neofac_e", "gender", { title: "violin" }),
      scatter(df, "neo_neofac_a", "neo_neofac_c", { trendline: true, text: "subject_id", title: "scatter" }),
      scatterMatrix(df, NEO, { title: "scatter matrix" }),
      correlationHeatmap(df, NEO, { title: "correlation" }),
      volumeSlice(bigVolume(), "x", 33, { title: "coronal slice" }),
      threeView(bigVolume(), {}, { title: "three views" }),
      threeView(codedVolume()),
    ];
    const page = path.join(WORK, "figures.html");
    const html = toStandalonePage(figures, "neuroportal display figures").replace("<body>", `<body>${toHtmlTable(df, { maxRows: 6 })}`);
    fs.writeFileSync(page, html);
    const result = await renderFile(browser, page, path.join(SCREENSHOTS, "display-figures.png"));
    assert.equal(result.charts.length, figures.length);
    for (const chart of result.charts) {
      assert.ok(chart.drawn, `${chart.id} did not draw: ${chart.text}`);
      assert.ok(chart.svgElements > 20, `${chart.id} has an empty SVG`);
      assert.ok(chart.traces > 0, `${chart.id} has no traces`);
    }
    assert.equal(result.charts[4].traces >= 25, true, "the scatter matrix draws all 25 cells");
    assert.deepEqual(result.externalRequests, []);
    assert.deepEqual(result.exceptions, []);
    assert.ok(fs.statSync(result.screenshot).size > 10_000);
  });

  it("negative controls: a chart without the bundle does not draw, an outside request is caught", async () => {
    const page = path.join(WORK, "controls.html");
    const chart = toPlotHtml(histogram([1, 2, 3]), { id: "np-plot-1" }).replace("400>t++", "4>t++");
    fs.writeFileSync(page, `<!DOCTYPE html><html><body>${chart}<img src="http://example.com/pixel.png"></body></html>`);
    const result = await renderFile(browser, page, path.join(WORK, "controls.png"), 3000);
    assert.equal(result.charts.length, 1);
    assert.equal(result.charts[0].drawn, false);
    assert.match(result.charts[0].text, /needs plotly\.js/);
    assert.deepEqual(result.externalRequests, ["http://example.com/pixel.png"]);
  });
});
