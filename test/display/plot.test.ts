import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { histogram, plot, scatter } from "../../lib/display/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { matchSnapshot } from "./snapshot.js";
import { describeFigure, toPlotHtml, toStandalonePage } from "../../lib/display/plot.js";
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
    assert.ok(html.startsWith('<div id="np-plot-7" class="np-plot" style="width:100%;height:420px"></div><script type="text/javascript">'));
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
    const html = toPlotHtml({ data: [], layout: { height: 777 }, config: { displayModeBar: false } }, { id: "h" });
    assert.ok(html.includes("height:777px"));
    assert.ok(html.includes('"config":{"responsive":true,"displaylogo":false,"displayModeBar":false}'));
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
