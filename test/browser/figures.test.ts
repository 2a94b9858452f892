import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { box, correlationHeatmap, histogram, scatter, scatterMatrix, threeView, violin, volumeSlice, type Figure } from "../../lib/display/index.js";
import { toHtmlTable } from "../../lib/display/table.js";
import { toPlotHtml, toStandalonePage, UNTRUSTED_CHART_NOTE } from "../../lib/display/plot.js";
import { codedVolume, NEO, neoFrame } from "../display/fixtures.js";
import { Chromium } from "./chromium.js";
import { renderFile } from "./render.js";

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a local file in a new tab; returns an evaluator for that tab and its closer. */
async function openFile(browser: Chromium, file: string): Promise<{ evaluate: <T>(expression: string) => Promise<T>; close: () => Promise<void> }> {
  const { sessionId, targetId } = await browser.newPage();
  await browser.send("Emulation.setDeviceMetricsOverride", { width: 1000, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
  await browser.send("Page.navigate", { url: pathToFileURL(file).href }, sessionId);
  const evaluate = async <T>(expression: string): Promise<T> =>
    ((await browser.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)) as { result: { value: T } }).result.value;
  return { evaluate, close: async () => void (await browser.send("Target.closeTarget", { targetId })) };
}

/** Polls an expression in a page until it is truthy or the time is up; returns its last value. */
async function poll<T>(evaluate: (expression: string) => Promise<T>, expression: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await evaluate(expression);
  while (!value && Date.now() < deadline) {
    await sleep(100);
    value = await evaluate(expression);
  }
  return value;
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

  it("a chart drawn in a hidden tab (display:none) fits its element once the tab is shown", async () => {
    const figure = histogram([1, 2, 2, 3, 3, 3], { title: "drawn while hidden" });
    const chart = toPlotHtml(figure, { id: "np-plot-1", includePlotly: true });
    const withoutObserver = toPlotHtml(figure, { id: "np-plot-2" }).replace(".then(function(){fit(e);})", "");
    assert.notEqual(withoutObserver, toPlotHtml(figure, { id: "np-plot-2" }), "the negative control removes the resize observer");
    const page = path.join(WORK, "hidden-tab.html");
    fs.writeFileSync(page, `<!DOCTYPE html><html><body style="margin:0"><div id="tab" style="display:none">${chart}${withoutObserver}</div></body></html>`);
    const tab = await openFile(browser, page);
    try {
      const size = (id: string) => `(() => { const e = document.getElementById("${id}"), s = e && e.querySelector(".main-svg"); return s ? { svg: Number(s.getAttribute("width")), element: e.clientWidth } : null; })()`;
      assert.ok(await poll(tab.evaluate, `Array.from(document.querySelectorAll(".np-plot.js-plotly-plot")).filter((e) => e.querySelector(".main-svg")).length === 2`), "both charts drew while hidden");
      const hidden = await tab.evaluate<{ svg: number; element: number }>(size("np-plot-1"));
      assert.equal(hidden.element, 0, "the element had no width while hidden");
      await tab.evaluate(`document.getElementById("tab").style.display = "block"`);
      const fitted = await poll(tab.evaluate, `(() => { const s = ${size("np-plot-1")}; return s.svg === s.element && s.element > 900 ? s : null; })()`);
      assert.ok(fitted, `the chart did not resize to its element: ${JSON.stringify(await tab.evaluate(size("np-plot-1")))}`);
      const control = await tab.evaluate<{ svg: number; element: number }>(size("np-plot-2"));
      assert.notEqual(control.svg, control.element, "control: without the observer the chart keeps the size it was drawn at");
    } finally {
      await tab.close();
    }
  });

  it("where a sanitiser strips the scripts, the chart is a visible sentence saying how to see it, not a blank box", async () => {
    const sanitised = toPlotHtml(histogram([1, 2, 3]), { id: "np-plot-1" }).replace(/<script[\s\S]*?<\/script>/g, "");
    const page = path.join(WORK, "sanitised.html");
    fs.writeFileSync(page, `<!DOCTYPE html><html><body style="margin:0;width:1000px"><div id="out">${sanitised}</div></body></html>`);
    const tab = await openFile(browser, page);
    try {
      await poll(tab.evaluate, `document.readyState === "complete"`);
      const state = await tab.evaluate<{ text: string; height: number }>(`(() => { const o = document.getElementById("out"); return { text: o.innerText.trim(), height: o.getBoundingClientRect().height }; })()`);
      assert.equal(state.text, UNTRUSTED_CHART_NOTE);
      assert.ok(state.height > 10 && state.height < 120, `the output is ${state.height} px tall: the sentence only, no empty chart box`);
    } finally {
      await tab.close();
    }
  });
});
