import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { box, heatmap, histogram, scatter, scatterMatrix, threeView, violin } from "../../lib/display/index.js";
import { toPlotlyJson } from "../../lib/display/plot.js";
import { toHtmlTable } from "../../lib/display/table.js";
import { tutorialNotebooks } from "../../lib/notebooks/toolchain.js";
import { formatList } from "../../lib/display/list.js";
import { chartProblems, figureProblems, htmlTitle, listProblems, solutionBlocks, structureProblems, tableProblems, withSolutionsRun, type NotebookJson } from "./teaching.js";

const figure = (f: Parameters<typeof toPlotlyJson>[0]) => toPlotlyJson(f) as unknown as Parameters<typeof figureProblems>[0];
const withOutputs = (data: Record<string, unknown>[]): NotebookJson => ({ metadata: {}, cells: [{ cell_type: "code", source: "", outputs: data.map((d) => ({ output_type: "display_data", data: d })) }] });

describe("tutorial notebooks teach: header, links, exercises, real service, no jargon", () => {
  const tutorials = tutorialNotebooks();

  for (const file of tutorials) {
    it(`${path.basename(file)}`, () => {
      assert.deepEqual(structureProblems(file, tutorials), []);
    });
  }

  describe("the checks find what they look for", () => {
    let folder: string;
    const write = (name: string, cells: [string, string][], metadata: Record<string, unknown> = {}) => {
      const file = path.join(folder, name);
      fs.writeFileSync(file, JSON.stringify({ metadata, cells: cells.map(([cell_type, source]) => ({ cell_type, source, metadata: {}, ...(cell_type === "code" ? { outputs: [] } : {}) })) }));
      return file;
    };
    before(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), "np-teaching-"))));
    after(() => fs.rmSync(folder, { recursive: true, force: true }));

    it("a bare notebook lacks every part, and jargon is named", () => {
      const a = write("a.ipynb", [["markdown", "# A\n\nThe seed says so."], ["code", "1"]]);
      const problems = structureProblems(a, [a]).join("\n");
      for (const part of ["metadata.title", "You will learn to", "Prerequisites", "Time", "Exercises", "Against the real service", "links to outside documentation", 'internal jargon "seed"']) {
        assert.ok(problems.includes(part), `no problem about ${part} in:\n${problems}`);
      }
    });

    it("links must name and point at the neighbours, which must link back", () => {
      const header = (title: string, nav: string) => `# ${title}\n\n**You will learn to**\n- a\n- b\n\n**Prerequisites:** none · **Time:** about 5 minutes\n\n${nav}`;
      const exercises = "## Exercises\n\n**Exercise 1.** x\n\n<details>\n<summary>Solution</summary>\n\n```ts\n1\n```\n</details>\n\n**Exercise 2.** y\n\n<details>\n<summary>Solution</summary>\n\n```ts\n2\n```\n</details>";
      const real = "## Against the real service\n\nSet NEUROPORTAL_MODE=real. [a](https://a.example/) [b](https://b.example/) [c](https://c.example/)";
      const one = path.join(folder, "01-x.ipynb");
      const two = path.join(folder, "02-y.ipynb");
      write("01-x.ipynb", [["markdown", header("01 · X", "**Next:** [02 · Y](02-y.ipynb)")], ["markdown", exercises], ["markdown", `${real}\n\n**Next:** [02 · Y](02-y.ipynb)`]], { title: "01 · X" });
      write("02-y.ipynb", [["markdown", header("02 · Y", "**Previous:** [01 · Z](01-x.ipynb)")], ["markdown", exercises], ["markdown", `${real}\n\n**Previous:** [01 · X](03-z.ipynb)`]], { title: "02 · Y" });
      assert.deepEqual(structureProblems(one, [one, two]), []);
      assert.deepEqual(structureProblems(two, [one, two]), [
        'the header\'s previous link reads "01 · Z", not the notebook\'s title "01 · X"',
        "the footer's previous link points at 03-z.ipynb, not 01-x.ipynb",
      ]);
      assert.ok(structureProblems(one, [one]).some((p) => p.includes("links a next notebook, but 01-x.ipynb is the last")));
      assert.deepEqual(solutionBlocks(exercises), ["1", "2"]);
      const run = withSolutionsRun({ metadata: {}, cells: [{ cell_type: "markdown", source: exercises }, { cell_type: "code", source: "3" }] });
      assert.deepEqual(run.cells.map((c) => c.source), [exercises, "1", "2", "3"]);
    });

    it("charts: untitled axes, axes without units, untitled colour bars, scores past their instrument's range", () => {
      assert.deepEqual(figureProblems(figure(scatter([1, 2], [3, 4], { title: "s", xTitle: "time (s)", yTitle: "translation (mm)" }))), []);
      assert.deepEqual(figureProblems(figure(scatter([1, 2], [3, 4], { title: "s" }))), ["s: xaxis has tick labels but no title", "s: yaxis has tick labels but no title"]);
      assert.deepEqual(figureProblems(figure(scatter([1, 2], [3, 4], { title: "s", xTitle: "time", yTitle: "mm" }))), ['s: xaxis title "time" gives no unit in parentheses', 's: yaxis title "mm" gives no unit in parentheses']);
      assert.deepEqual(figureProblems(figure(heatmap([[1]], { title: "h", xTitle: "x (voxel)", yTitle: "y (voxel)" }))), ["h: a heatmap has a colour bar without a title"]);
      assert.deepEqual(figureProblems(figure(threeView({ dims: [2, 2, 2], spacing: [1, 1, 1], data: new Float32Array(8) }, {}, { title: "t", colorbarTitle: "v (a.u.)" }))), []);

      const neo = [10, 20, 47];
      const ok = histogram(neo, { title: "h", xTitle: "Agreeableness (score, 0–48)", yTitle: "number of subjects", range: [0, 48], binWidth: 2 });
      assert.deepEqual(figureProblems(figure(ok)), []);
      assert.deepEqual(figureProblems(figure(histogram(neo, { title: "h", xTitle: "Agreeableness (score)", yTitle: "number of subjects" }))), ['h: histogram "": the value axis has no explicit range (the NEO-FFI factor score runs 0–48)']);
      assert.deepEqual(figureProblems(figure(histogram(neo, { title: "h", xTitle: "Agreeableness (score)", yTitle: "number of subjects", range: [0, 60] }))), ['h: histogram "": the value axis runs 0–60, beyond the NEO-FFI factor score range 0–48']);
      assert.deepEqual(figureProblems(figure(histogram([...neo, 52], { title: "h", xTitle: "Agreeableness (score)", yTitle: "number of subjects", range: [0, 48] }))), ['h: histogram "": 1 values outside the NEO-FFI factor score range 0–48']);
      assert.deepEqual(figureProblems(figure(histogram(neo, { title: "h", xTitle: "reaction time (ms)", yTitle: "number of subjects" }))), ['h: histogram "": no known instrument in ["reaction time (ms)","reaction time (ms)","h"]; add its range to INSTRUMENTS']);
      const v = violin({ Agreeableness: neo }, { title: "v", xTitle: "factor", yTitle: "score (0–48)", range: [0, 48] });
      assert.deepEqual(figureProblems(figure(v)), []);
      assert.deepEqual(figureProblems(figure({ ...v, data: v.data.map((t) => ({ ...t, spanmode: undefined })) })), ['v: violin "Agreeableness": the violin\'s density is drawn past the data (spanmode "soft")']);
      assert.deepEqual(figureProblems(figure(box({ "30-34 correct": [3, 20] }, { title: "PMAT24 by group", xTitle: "group", yTitle: "PMAT24 correct (of 24)", range: [0, 24] }))), []);
      const frame = { columns: ["neo_neofac_a", "neo_neofac_n"], index: [0, 1], values: [[10, 20], [30, 40]] };
      const labels = { neo_neofac_a: "A (score)", neo_neofac_n: "N (score)" };
      assert.deepEqual(figureProblems(figure(scatterMatrix(frame, ["neo_neofac_a", "neo_neofac_n"], { title: "m", labels, ranges: { neo_neofac_a: [0, 48], neo_neofac_n: [0, 48] } }))), []);
      assert.equal(figureProblems(figure(scatterMatrix(frame, ["neo_neofac_a", "neo_neofac_n"], { title: "m", labels }))).length, 2, "both diagonal histograms lack a range");
    });

    it("summary tables need units in their headers (or, with statistics as columns, in the caption)", () => {
      const stats = { columns: ["neo_neofac_a"], index: ["count", "mean", "std"], values: [[3], [20], [5]] };
      const html = (value: Parameters<typeof toHtmlTable>[0], options = {}) => ({ "text/html": toHtmlTable(value, options) });
      assert.deepEqual(tableProblems(withOutputs([html(stats)])), ['summary table "neo_neofac_a": header "neo_neofac_a" gives no unit in parentheses']);
      assert.deepEqual(tableProblems(withOutputs([html(stats, { labels: { neo_neofac_a: "Agreeableness (0–48)" } })])), []);
      const byGroup = [{ group: "a", count: 3, mean: 2, std: 1 }];
      assert.equal(tableProblems(withOutputs([html(byGroup, { caption: "PMAT24 by group" })])).length, 1);
      assert.deepEqual(tableProblems(withOutputs([html(byGroup, { caption: "PMAT24 correct (of 24) by group" })])), []);
      assert.deepEqual(chartProblems(withOutputs([{ "text/plain": "x" }])), []);
    });

    it("long lists must wrap between items, prose and short lists may run on", () => {
      const labels = Array.from({ length: 26 }, (_, i) => String(100307 + i * 1111));
      const stream = (text: string): NotebookJson => ({ metadata: {}, cells: [{ cell_type: "code", source: "", outputs: [{ output_type: "stream", text }] }] });
      assert.equal(listProblems(stream(`word memory 30-34: ${labels.join(" ")}\n`)).length, 1);
      assert.equal(listProblems(stream(`${JSON.stringify(labels)}\n`)).length, 1);
      assert.equal(listProblems(withOutputs([{ "text/plain": `[${labels.map((l) => `u'q1/${l}/'`).join(", ")}]` }])).length, 1);
      assert.deepEqual(listProblems(stream(`${formatList(labels)}\n${formatList(labels, { stringPrefix: "u" })}\n`)), []);
      assert.deepEqual(listProblems(stream(`${"An error message that runs on and on, naming \"one\" or \"two\" things, ".repeat(4)}\n[ '100307', '103515' ]\n`)), []);
    });

    it("reads an HTML report's title from its head only", () => {
      assert.equal(htmlTitle("<html><head><title>01 · A &amp; B</title></head><body><svg><title>logo</title></svg>"), "01 · A & B");
      assert.equal(htmlTitle("<html><head></head><body><title>x</title>"), undefined);
    });
  });
});
