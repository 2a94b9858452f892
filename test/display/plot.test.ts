import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { histogram, plot, scatter } from "../../lib/display/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { matchSnapshot } from "./snapshot.js";
import { describeFigure, PLOTLY_MIME_TYPE, toPlotBundle, toPlotHtml, toPlotlyJson, toStandalonePage, UNTRUSTED_CHART_NOTE } from "../../lib/display/plot.js";
import { PLOTLY_BUNDLE_FILE, plotlyBundleSource } from "../../lib/display/plotly-bundle.js";

/** Runs fn with process.stdout.write captured. */
function captureStdout(fn: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let out = "";
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => ((out += String(chunk)), true);
  try {
    fn();
  } finally {
    (process.stdout as { write: unknown }).write = original;
  }
  return out;
}

describe("display: plot renderer", () => {
  const figure = scatter([1, 2, 3], [2, 4, 7], { title: "a </script><!-- <b>", trendline: true });

  it("renders a div and a waiting script with a deterministic id (golden)", () => {
    const html = toPlotHtml(figure, { id: "np-plot-7" });
    matchSnapshot("plot-fragment.html", html);
    assert.equal(html, toPlotHtml(figure, { id: "np-plot-7" }), "same input, same output");
    assert.ok(html.startsWith('<div id="np-plot-7" class="np-plot" style="width:100%"><p class="np-plot-note">'));
    assert.ok(!html.includes("Date.now") && !html.includes("Math.random"));
  });

  it("escapes < inside the embedded figure so the title cannot end the script", () => {
    const html = toPlotHtml(figure, { id: "x" });
    const script = html.slice(html.indexOf("<script"), html.lastIndexOf("</script>"));
    assert.ok(!script.slice(8).includes("<"), "no raw < inside the script body");
    assert.ok(script.includes("a \\u003c/script>\\u003c!-- \\u003cb>"));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
  });

  it("embeds the cartesian bundle only when asked, with no </script inside it", () => {
    const source = plotlyBundleSource();
    assert.ok(require.resolve(PLOTLY_BUNDLE_FILE).endsWith("plotly-cartesian.min.js"));
    assert.ok(source.length > 1_000_000 && source.length < 2_000_000, `bundle is ${source.length} bytes`);
    assert.ok(!/<\/script/i.test(source));
    for (const trace of ["scatter", "histogram", "box", "violin", "heatmap"]) assert.ok(source.includes(`"${trace}"`), trace);
    const withBundle = toPlotHtml(figure, { id: "x", includePlotly: true });
    assert.ok(withBundle.startsWith('<script type="text/javascript">'));
    assert.ok(withBundle.length > source.length);
    assert.ok(toPlotHtml(figure, { id: "x" }).length < 5000);
  });

  it("uses the figure's height and keeps the config overridable", () => {
    const figure = { data: [], layout: { height: 777 }, config: { displayModeBar: false } };
    const html = toPlotHtml(figure, { id: "h" });
    assert.ok(html.includes('e.style.height="777px"'));
    assert.ok(html.includes('"config":{"responsive":true,"displaylogo":false,"displayModeBar":false}'));
    assert.equal(toPlotlyJson(figure).layout.height, 777);
    assert.equal(toPlotlyJson(figure, { height: 300 }).layout.height, 300);
    assert.ok(toPlotHtml(figure, { id: "h", height: 300 }).includes('e.style.height="300px"'));
  });

  it("the chart element holds, as plain text, the sentence a sanitised front end shows; only the script sets its height", () => {
    const html = toPlotHtml(figure, { id: "np-plot-1" });
    const element = html.slice(0, html.indexOf("<script"));
    assert.equal(element, `<div id="np-plot-1" class="np-plot" style="width:100%"><p class="np-plot-note">${UNTRUSTED_CHART_NOTE.replace("'", "&#39;")}</p></div>`);
    assert.match(UNTRUSTED_CHART_NOTE, /File → Trust Notebook/);
    assert.match(UNTRUSTED_CHART_NOTE, /command palette/);
    assert.match(UNTRUSTED_CHART_NOTE, /pip install plotly/);
  });

  it("a chart's mime bundle carries plotly's JSON, the HTML and the text (golden)", () => {
    const bundle = toPlotBundle(figure, { id: "np-plot-3" });
    assert.deepEqual(Object.keys(bundle), [PLOTLY_MIME_TYPE, "text/html", "text/plain"]);
    assert.equal(PLOTLY_MIME_TYPE, "application/vnd.plotly.v1+json");
    assert.equal(bundle["text/html"], toPlotHtml(figure, { id: "np-plot-3" }));
    assert.equal(bundle["text/plain"], describeFigure(figure));
    const json = bundle[PLOTLY_MIME_TYPE] as ReturnType<typeof toPlotlyJson>;
    assert.deepEqual(json, { data: figure.data, layout: { ...figure.layout, height: 420 }, config: { responsive: true, displaylogo: false } });
    matchSnapshot("plot-bundle.json", `${JSON.stringify(json, null, 1)}\n`);
  });

  it("plotly's JSON is plain JSON, with gaps (NaN, Infinity) as null as in the HTML", () => {
    const json = toPlotlyJson({ data: [{ type: "heatmap", z: [[1, NaN], [Infinity, 2]] }] });
    assert.deepEqual(json.data, [{ type: "heatmap", z: [[1, null], [null, 2]] }]);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });

  it("builds a standalone page with one bundle for several figures", () => {
    const page = toStandalonePage([figure, histogram([1, 2, 2, 3])], "t <1>");
    assert.equal(page.split(plotlyBundleSource()).length - 1, 1);
    assert.ok(page.includes('id="np-plot-1"') && page.includes('id="np-plot-2"'));
    assert.ok(page.includes("<title>t &lt;1&gt;</title>"));
  });

  it("outside a kernel, plot prints a one-line description instead", () => {
    assert.equal(describeFigure(figure), "[plotly figure: a </script><!-- <b> — 2 traces (scatter)]");
    assert.equal(captureStdout(() => plot(histogram([1, 2]))), "[plotly figure — 1 trace (histogram)]\n");
  });

  it("rejects what is not a figure with a typed error", () => {
    assert.throws(() => toPlotHtml({ traces: [] } as never, { id: "x" }), (e: unknown) => isInvalidArgumentError(e) && /plotly figure/.test((e as Error).message));
    assert.throws(() => plot(null as never), (e: unknown) => isInvalidArgumentError(e));
  });

  it("the committed bundle choice is in package.json dependencies", () => {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    assert.ok(pkg.dependencies["plotly.js-cartesian-dist-min"]);
  });
});
