import * as path from "node:path";
import { assertEqual } from "../core/checks.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { formatBytes, writeSearchResultJson } from "../core/data.js";
import { runPythonAnchor, runWorker } from "../core/process.js";
import { timeSide } from "../core/sides.js";
import { ratioOf, scalingOf } from "../core/stats.js";
import type { ComparisonRow, ScalePoint } from "../core/types.js";

export const searchFrame: Benchmark = {
  id: "search-frame",
  title: "Typed DataFrame from a search result",
  async run(context): Promise<BenchmarkResult> {
    const [baseRows, columns] = context.quick ? [60, 40] : [1206, 580];
    const points = { anchor: [] as ScalePoint[], neuroportal: [] as ScalePoint[] };
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];
    const folder = context.folder("search-frame");
    for (const factor of [1, 0.25, 4]) {
      const count = Math.round(baseRows * factor);
      const file = path.join(folder, `result-${count}.json`);
      const bytes = writeSearchResultJson(file, count, columns);
      const times = factor === 1 ? context.repeats(3) : 1;
      const anchor = await timeSide("pandas (Debian python3-pandas)", times, () => runPythonAnchor("pandas_frame.py", { file }));
      const ours = await timeSide("neuroportal SearchResult.frame (danfo)", times, () => runWorker("search-frame.ts", { file }));
      for (const key of ["rows", "columns", "numericColumns", "probe"]) assertEqual(`${key} of the frame`, ours.report[key], anchor.report[key]);
      const size = `${count} x ${columns}, ${formatBytes(bytes)} JSON`;
      points.anchor.push({ factor, size, seconds: anchor.measurement.seconds, peakRssMb: anchor.measurement.peakRssMb });
      points.neuroportal.push({ factor, size, seconds: ours.measurement.seconds, peakRssMb: ours.measurement.peakRssMb });
      if (factor !== 1) continue;
      const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
      const met = ratio >= 0.5;
      rows.push({
        benchmark: `Typed DataFrame from a ${count} x ${columns} search result`,
        measured: `JSON text (${formatBytes(bytes)}, XNAT's envelope, string cells) parsed and turned into a DataFrame typed from the Columns metadata (${anchor.report.numericColumns} numeric columns, blanks as NaN); same shape checked`,
        anchor: anchor.measurement,
        neuroportal: ours.measurement,
        ratio,
        goal: "within 2x of pandas (>= 0.5x)",
        met,
        note: met ? undefined : `neuroportal's time: parsing the JSON envelope into string records (fromListingJson) ${ours.report.phases?.fromListingJson?.toFixed(2) ?? "?"} s, typing the cells and building the danfo frame ${ours.report.phases?.frame?.toFixed(2) ?? "?"} s`,
      });
      const mb = (kb: unknown) => (typeof kb === "number" ? (kb / 1024).toFixed(0) : "?");
      notes.push(`neuroportal's ${ours.measurement.seconds.toFixed(2)} s: fromListingJson (JSON.parse plus string records) ${ours.report.phases?.fromListingJson?.toFixed(2) ?? "?"} s, SearchResult.frame (typed cells, danfo DataFrame) ${ours.report.phases?.frame?.toFixed(2) ?? "?"} s.`);
      notes.push(`Peak memory at ${count} x ${columns}: pandas ${anchor.measurement.peakRssMb?.toFixed(0)} MiB (${mb(anchor.report.baselineRssKb)} MiB after importing pandas), neuroportal ${ours.measurement.peakRssMb?.toFixed(0)} MiB (${mb(ours.report.baselineRssKb)} MiB after loading danfojs-node, which takes ${typeof ours.report.danfoSeconds === "number" ? ours.report.danfoSeconds.toFixed(2) : "?"} s and is not timed, as pandas' import is not).`);
    }
    return {
      rows,
      scaling: [scalingOf("Search result to DataFrame", "pandas", points.anchor, "holds the result"), scalingOf("Search result to DataFrame", "neuroportal", points.neuroportal, "holds the result")],
      notes,
    };
  },
};
