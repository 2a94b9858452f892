import * as assert from "node:assert/strict";
import { box, correlationHeatmap, heatmap, histogram, scatter, scatterMatrix, threeView, violin, volumeSlice, type Figure } from "../../lib/display/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { codedVolume, NEO, neoFrame } from "./fixtures.js";
import { figureJson, matchSnapshot } from "./snapshot.js";
import { correlationMatrix } from "../../lib/display/figures/heatmap.js";
import { leastSquares } from "../../lib/display/figures/statistics.js";

const isArgumentError = (pattern: RegExp) => (e: unknown) => isInvalidArgumentError(e) && pattern.test((e as Error).message);

function types(figure: Figure): string[] {
  return figure.data.map((trace) => String(trace.type));
}

describe("display: figure builders", () => {
  const df = neoFrame();

  it("histogram of a frame column leaves the missing value out (golden)", () => {
    const figure = histogram(df, "neo_neofac_n", { title: "Neuroticism", bins: 10 });
    matchSnapshot("histogram.json", figureJson(figure));
    assert.deepEqual(types(figure), ["histogram"]);
    assert.equal((figure.data[0].x as number[]).length, 39);
    assert.equal(figure.data[0].nbinsx, 10);
    assert.throws(() => histogram(df, "nope"), isArgumentError(/no column "nope".*neo_neofac_a/));
  });

  it("histogram of plain numbers and grouped overlays", () => {
    const plain = histogram([1, NaN, 2, 3], { xTitle: "v" });
    assert.deepEqual(plain.data[0].x, [1, 2, 3]);
    const grouped = histogram(df, "neo_neofac_a", { by: "gender" });
    assert.deepEqual(grouped.data.map((t) => t.name), ["F", "M"]);
    assert.equal(grouped.layout?.barmode, "overlay");
    assert.equal(grouped.data.reduce((n, t) => n + (t.x as number[]).length, 0), 40);
  });

  it("histogram over an instrument's range: exact axis, bins centred on whole scores", () => {
    const figure = histogram(df, "neo_neofac_a", { range: [0, 48], binWidth: 2 });
    assert.deepEqual((figure.layout?.xaxis as Record<string, unknown>).range, [-1, 49]);
    assert.deepEqual(figure.data[0].xbins, { start: -1, end: 49, size: 2 });
    assert.equal(figure.data[0].nbinsx, undefined);
    assert.deepEqual((histogram([1, 2], { range: [0, 24] }).layout?.xaxis as Record<string, unknown>).range, [0, 24]);
    assert.throws(() => histogram([1], { range: [5, 5] }), isArgumentError(/range must be \[min, max\] with min < max/));
    assert.throws(() => histogram([1], { range: [0, 1], binWidth: 0 }), isArgumentError(/binWidth must be a positive number/));
  });

  it("violins never extend past the data; box, violin, scatter and scatter matrix take ranges", () => {
    const v = violin(df, "neo_neofac_e", "gender", { range: [0, 48] });
    assert.ok(v.data.every((t) => t.spanmode === "hard"));
    assert.deepEqual((v.layout?.yaxis as Record<string, unknown>).range, [0, 48]);
    assert.deepEqual((box({ a: [1, 2] }, { range: [0, 24] }).layout?.yaxis as Record<string, unknown>).range, [0, 24]);
    const s = scatter(df, "neo_neofac_a", "neo_neofac_c", { xRange: [0, 48], yRange: [0, 48] });
    assert.deepEqual([(s.layout?.xaxis as Record<string, unknown>).range, (s.layout?.yaxis as Record<string, unknown>).range], [[0, 48], [0, 48]]);
    const m = scatterMatrix(df, NEO.slice(0, 2), { ranges: { [NEO[0]]: [0, 48], [NEO[1]]: [0, 40] } }).layout as Record<string, Record<string, unknown>>;
    assert.deepEqual([m.xaxis3.range, m.xaxis4.range, m.yaxis3.range, m.yaxis.range, m.yaxis4.range], [[0, 48], [0, 40], [0, 40], undefined, undefined], "value axes take the column's range; the diagonal's count axes do not");
    assert.deepEqual([m.yaxis.showticklabels, m.yaxis2.showticklabels, m.yaxis3.showticklabels], [false, true, true], "count axes carry no tick labels");
  });

  it("box and violin by group, in first-appearance or given order (golden)", () => {
    const b = box(df, "neo_neofac_e", "gender");
    const v = violin(df, "neo_neofac_e", "gender", { order: ["M", "F"], points: true });
    matchSnapshot("box.json", figureJson(b));
    matchSnapshot("violin.json", figureJson(v));
    assert.deepEqual(b.data.map((t) => t.name), ["F", "M"]);
    assert.deepEqual(v.data.map((t) => t.name), ["M", "F"]);
    assert.equal((b.data[0].y as number[]).length, 14);
    assert.equal((b.data[1].y as number[]).length, 26);
    assert.deepEqual(box({ A: [1, 2], B: new Float32Array([3]) }).data.map((t) => [t.name, t.y]), [["A", [1, 2]], ["B", [3]]]);
    const bySeries = violin({ a: df.column("neo_neofac_a"), n: df.column("neo_neofac_n") });
    assert.deepEqual(bySeries.data.map((t) => (t.y as number[]).length), [40, 39], "danfo Series are accepted, missing values dropped");
    assert.equal((histogram(df.column("neo_neofac_n")).data[0].x as number[]).length, 39);
  });

  it("scatter with a least-squares trend line (golden)", () => {
    const figure = scatter(df, "neo_neofac_a", "neo_neofac_c", { trendline: true, text: "subject_id" });
    matchSnapshot("scatter.json", figureJson(figure));
    const fit = leastSquares([1, 2, 3, 4], [3, 5, 7, 9]);
    assert.deepEqual([fit.slope, fit.intercept, fit.r, fit.n], [2, 1, 1, 4]);
    const line = scatter([1, 2, 3, 4, NaN], [3, 5, 7, 9, 1], { trendline: true }).data[1];
    assert.deepEqual(line.x, [1, 4]);
    assert.deepEqual(line.y, [3, 9]);
    assert.match(String(line.name), /y = 2·x \+ 1 \(r = 1, n = 4\)/);
    assert.throws(() => scatter([1, 2], [1]), isArgumentError(/as many x values as y values/));
  });

  it("scatter matrix of the five NEO factors uses cartesian subplots only (golden)", () => {
    const figure = scatterMatrix(df, NEO, { text: "subject_id" });
    matchSnapshot("scatter-matrix.json", figureJson(figure));
    assert.equal(figure.data.length, 25);
    assert.deepEqual([...new Set(types(figure))].sort(), ["histogram", "scatter"]);
    assert.ok(!JSON.stringify(figure).includes("splom") && !JSON.stringify(figure).includes("scattergl"));
    const layout = figure.layout as Record<string, Record<string, unknown>>;
    assert.deepEqual(layout.xaxis25.domain, [0.824, 1]);
    assert.equal(layout.xaxis.matches, "x21", "each column shares the bottom row's x axis");
    assert.equal(layout.xaxis21.matches, undefined);
    const cell = figure.data[1];
    assert.equal(cell.xaxis, "x2");
    assert.equal((cell.y as (number | null)[]).length, 40, "rows stay aligned (missing values as gaps)");
  });

  it("correlation matrix and heatmap (golden)", () => {
    const matrix = correlationMatrix(df, NEO);
    assert.equal(matrix.length, 5);
    for (let i = 0; i < 5; i++) {
      assert.equal(matrix[i][i], 1);
      for (let j = 0; j < 5; j++) assert.equal(matrix[i][j], matrix[j][i]);
    }
    const figure = correlationHeatmap(df, NEO, { title: "NEO correlations" });
    matchSnapshot("correlation-heatmap.json", figureJson(figure));
    assert.equal(figure.data[0].zmin, -1);
    assert.equal(figure.data[0].zmax, 1);
    assert.deepEqual(heatmap([[1, NaN]]).data[0].z, [[1, null]]);
  });

  it("volume slices: x-fastest indexing, physical aspect ratio, -1 as gaps (golden)", () => {
    const volume = codedVolume();
    const coronal = volumeSlice(volume, "x", 0);
    matchSnapshot("volume-slice.json", figureJson(coronal));
    const trace = coronal.data[0];
    assert.deepEqual(trace.z, [
      [null, 1],
      [10, 11],
      [20, 21],
      [30, 31],
    ], "coronal slice: rows y, columns z, voxel (0,0,0) at -1 is a gap");
    assert.deepEqual(trace.x, [0, 50]);
    assert.deepEqual(trace.y, [0, 100, 200, 300]);
    const yaxis = coronal.layout?.yaxis as Record<string, unknown>;
    assert.equal(yaxis.scaleanchor, "x");
    assert.equal(yaxis.scaleratio, 1);
    assert.deepEqual(volumeSlice(volume, 2, 1).data[0].z, [
      [1, 101, 201],
      [11, 111, 211],
      [21, 121, 221],
      [31, 131, 231],
    ]);
    assert.deepEqual(volumeSlice(volume, "y", 3).data[0].z, [
      [30, 130, 230],
      [31, 131, 231],
    ]);
    assert.throws(() => volumeSlice(volume, "x", 3), isArgumentError(/outside the volume's x axis \(0\.\.2\)/));
    assert.throws(() => volumeSlice({ ...volume, data: new Float32Array(5) }, "x", 0), isArgumentError(/holds 5 values but dims 3 × 4 × 2 need 24/));
  });

  it("three-view: sagittal, coronal, axial with one colour scale (golden)", () => {
    const figure = threeView(codedVolume(), { x: 1, y: 2, z: 0 }, { title: "coded" });
    matchSnapshot("three-view.json", figureJson(figure));
    assert.deepEqual(types(figure), ["heatmap", "heatmap", "heatmap"]);
    assert.deepEqual(figure.data.map((t) => [t.zmin, t.zmax, t.showscale]), [[1, 231, false], [1, 231, false], [1, 231, true]]);
    const annotations = (figure.layout?.annotations as { text: string }[]).map((a) => a.text);
    assert.deepEqual(annotations, ["sagittal (z = 0)", "coronal (x = 1)", "axial (y = 2)"]);
    const layout = figure.layout as Record<string, Record<string, unknown>>;
    for (const [x, y] of [["x", "yaxis"], ["x2", "yaxis2"], ["x3", "yaxis3"]]) assert.equal(layout[y].scaleanchor, x);
  });
});
