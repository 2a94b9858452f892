import * as assert from "node:assert/strict";
import { groupSummary, summarize } from "../../lib/display/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { neoFrame } from "./fixtures.js";
import { matchSnapshot } from "./snapshot.js";
import { summaryOf } from "../../lib/display/summary.js";
import { toHtmlTable } from "../../lib/display/table.js";

describe("display: NaN-aware summaries", () => {
  it("counts missing values instead of turning the statistics into NaN", () => {
    assert.deepEqual(summaryOf([4, NaN, 1, 3, 2]), { count: 4, missing: 1, mean: 2.5, std: 1.291, min: 1, "25%": 1.75, "50%": 2.5, "75%": 3.25, max: 4 });
    assert.deepEqual(summaryOf([NaN]), { count: 0, missing: 1, mean: NaN, std: NaN, min: NaN, "25%": NaN, "50%": NaN, "75%": NaN, max: NaN });
  });

  it("summarize() covers the numeric columns of a frame, NaN included (golden)", () => {
    const df = neoFrame();
    const summary = summarize(df);
    assert.deepEqual(summary.columns, ["neo_neofac_a", "neo_neofac_c", "neo_neofac_e", "neo_neofac_n", "neo_neofac_o"]);
    assert.deepEqual(summary.index, ["count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max"]);
    const n = summary.column("neo_neofac_n").values as number[];
    assert.equal(n[0], 39);
    assert.equal(n[1], 1);
    assert.ok(Number.isFinite(n[2]), "mean is computed despite the missing value");
    matchSnapshot("summarize.html", toHtmlTable(summary));
    assert.throws(() => summarize(df, []), isInvalidArgumentError);
  });

  it("groupSummary() gives one row per group", () => {
    const table = groupSummary(neoFrame(), "neo_neofac_e", "gender");
    assert.deepEqual(table.columns, ["gender", "count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max"]);
    assert.deepEqual(table.column("gender").values, ["F", "M"]);
    assert.deepEqual(table.column("count").values, [14, 26]);
  });
});
