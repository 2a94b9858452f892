import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { redact } from "../../lib/core/redact.js";
import { runBench } from "../../bench/run.js";
import { allBenchmarks } from "../../bench/benchmarks/index.js";
import type { BenchReport } from "../../bench/core/types.js";

/**
 * Proves that `npm run bench` still works end to end: the quick mode runs every benchmark at
 * tiny sizes against the real demo services and the real anchors, and writes both reports.
 * Timings are never asserted; answers are (each benchmark checks both sides agree).
 */
describe("benchmarks (quick mode) @bench", function () {
  this.timeout(600_000);
  let dir: string;
  let report: BenchReport;
  let markdown: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    report = await runBench({ mode: "quick", jsonFile: path.join(dir, "quick.json"), markdownFile: path.join(dir, "BENCHMARKS.md"), log: () => undefined });
    markdown = fs.readFileSync(path.join(dir, "BENCHMARKS.md"), "utf8");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs every benchmark without an error", () => {
    assert.deepEqual(report.benchmarks.map((b) => b.id), allBenchmarks.map((b) => b.id));
    for (const outcome of report.benchmarks) assert.equal(outcome.error, undefined, `${outcome.id}: ${outcome.error}`);
  });

  it("fills every row from the run: times, ratios and the goal verdict", () => {
    for (const outcome of report.benchmarks) {
      assert.ok(outcome.rows.length > 0, `${outcome.id} produced no row`);
      for (const row of outcome.rows) {
        assert.ok(Number.isFinite(row.neuroportal.seconds) && row.neuroportal.seconds > 0, `${row.benchmark}: neuroportal time`);
        if (row.anchor) {
          assert.ok(Number.isFinite(row.anchor.seconds) && row.anchor.seconds > 0, `${row.benchmark}: anchor time`);
          assert.ok(Number.isFinite(row.ratio), `${row.benchmark}: ratio`);
        }
        assert.ok(row.met === null || typeof row.met === "boolean");
        if (row.met === false) assert.ok(row.note && row.note.length > 0, `${row.benchmark}: a missed goal must say why`);
      }
    }
  });

  it("counts requests on the network benchmarks and the peak memory of every measured process", () => {
    const network = report.benchmarks.filter((b) => ["xnat-search", "xnat-walk", "allen-paging"].includes(b.id)).flatMap((b) => b.rows);
    for (const row of network) {
      assert.ok((row.anchor?.requests ?? 0) > 0 && (row.neuroportal.requests ?? 0) > 0, `${row.benchmark}: requests counted`);
    }
    const measuredInProcess = report.benchmarks.filter((b) => b.id !== "notebooks").flatMap((b) => b.rows);
    for (const row of measuredInProcess) assert.ok((row.neuroportal.peakRssMb ?? 0) > 0, `${row.benchmark}: peak memory`);
  });

  it("measures growth at 1/4, 1x and 4x size for the download and parsing benchmarks", () => {
    const scaled = new Set(report.benchmarks.filter((b) => b.scaling.length > 0).map((b) => b.id));
    for (const id of ["xml-parse", "search-frame", "s3-download"]) assert.ok(scaled.has(id), `${id} has no scaling series`);
    for (const row of report.benchmarks.flatMap((b) => b.scaling)) {
      assert.deepEqual(row.points.map((p) => p.factor), [0.25, 1, 4], `${row.benchmark} ${row.tool}`);
      assert.ok(Number.isFinite(row.timeExponent));
    }
  });

  it("writes BENCHMARKS.md with the machine, the results table and the growth table, and no secrets", () => {
    for (const heading of ["## Machine", "## Results", "## How cost grows"]) assert.ok(markdown.includes(heading), heading);
    assert.match(markdown, /\| CPUs \(`nproc`\) \| \d+/);
    assert.ok(markdown.includes("| Benchmark | Anchor | Anchor time | neuroportal time | Ratio | Goal | Met? |"));
    const json = fs.readFileSync(path.join(dir, "quick.json"), "utf8");
    assert.equal(JSON.parse(json).mode, "quick");
    for (const text of [markdown, json]) {
      assert.equal(redact(text), text, "a registered secret (demo password, S3 keys) or a session id appears in a report");
      assert.ok(!/secretAccessKey|"password"/.test(text), "a credential field appears in a report");
    }
  });
});
