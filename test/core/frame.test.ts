import { strict as assert } from "node:assert";
import { fromRecords, fromRows, toRecords } from "../../lib/frame/index.js";

describe("frame: typed DataFrames", function () {
  this.timeout(30_000);

  it("keeps IDs as strings and parses numbers, with '' as NaN", () => {
    const df = fromRows(
      [
        ["100307", "33", "1471.0"],
        ["103515", "", "x"],
      ],
      ["subject", "score", "rt"],
      { score: "integer", rt: "number" },
    );
    assert.deepEqual(df.columns, ["subject", "score", "rt"]);
    assert.deepEqual(df.dtypes, ["string", "float32", "float32"]);
    const values = df.values as unknown[][];
    assert.equal(values[0][0], "100307");
    assert.equal(values[0][1], 33);
    assert.equal(values[0][2], 1471);
    assert.ok(Number.isNaN(values[1][1] as number));
    assert.ok(Number.isNaN(values[1][2] as number));
  });

  it("builds from records and round-trips", () => {
    const df = fromRecords([{ id: "1", ok: "true", n: "2" }], ["id", "ok", "n"], { ok: "boolean", n: "integer" });
    assert.deepEqual(df.dtypes, ["string", "boolean", "int32"]);
    assert.deepEqual(toRecords(df), [{ id: "1", ok: true, n: 2 }]);
  });

  it("gives an empty frame with the requested columns", () => {
    const df = fromRecords([], ["a", "b"]);
    assert.deepEqual(df.columns, ["a", "b"]);
    assert.equal(df.shape[0], 0);
  });
});
