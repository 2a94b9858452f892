import * as fs from "node:fs";
import { assertSameAnswer } from "../core/checks.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { fetchExperimentXml, formatBytes, writeXmlCorpus } from "../core/data.js";
import { runPythonAnchor, runWorker } from "../core/process.js";
import { timeSide } from "../core/sides.js";
import { ratioOf, scalingOf } from "../core/stats.js";
import type { ComparisonRow, ScalePoint } from "../core/types.js";

const PROBE_LABEL = "100307_NonToolbox";
/** A tool's 4x run projected (from its 1x time) to take longer than this is skipped, to keep the whole bench under 10 minutes. */
const MAX_PROJECTED_SECONDS = 45;
/** Repeated 1x runs stop once a side has spent this long. */
const REPEAT_BUDGET_SECONDS = 10;
const PROBE_COLUMNS = ["ER40/ER40_CR", "ER40/ER40_CRT", "ER40/ER40SAD"];

/** "parseXml 80%, toDocumentFields 10%, ..." from the worker's phase times. */
function phaseText(phases: Record<string, number> | undefined, total: number): string {
  if (!phases) return "(no phase times reported)";
  return Object.entries(phases)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${((seconds / total) * 100).toFixed(0)}% (${seconds.toFixed(2)} s)`)
    .join(", ");
}

export const xmlParse: Benchmark = {
  id: "xml-parse",
  title: "Experiment XML documents to one table",
  async run(context): Promise<BenchmarkResult> {
    const info = await context.service("xnat");
    const templates = await fetchExperimentXml(info, "HCP_Q1", (label) => `${label}_NonToolbox`);
    const base = context.quick ? 40 : 10_000;
    const points = { anchor: [] as ScalePoint[], neuroportal: [] as ScalePoint[] };
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];
    for (const factor of [1, 0.25, 4]) {
      const count = Math.round(base * factor);
      const projected = (series: ScalePoint[]) => (series.find((p) => p.factor === 1)?.seconds ?? 0) * factor;
      const skipAnchor = factor > 1 && projected(points.anchor) > MAX_PROJECTED_SECONDS;
      const skipOurs = factor > 1 && projected(points.neuroportal) > MAX_PROJECTED_SECONDS;
      for (const [skipped, tool, series] of [[skipAnchor, "ElementTree", points.anchor], [skipOurs, "neuroportal", points.neuroportal]] as const) {
        if (skipped) notes.push(`${tool} was not run at ${count} documents: at its 1x rate that would take about ${projected(series).toFixed(0)} s, over the ${MAX_PROJECTED_SECONDS} s allowed per run (whole bench under 10 minutes); its growth is judged from 1/4 to 1x.`);
      }
      if (skipAnchor && skipOurs) continue;
      const folder = context.folder(`xml-${count}`, true);
      const bytes = writeXmlCorpus(templates.map((t) => t.xml), folder, count);
      const task = { folder, count, probeLabel: PROBE_LABEL, probeColumns: PROBE_COLUMNS };
      const times = factor === 1 ? context.repeats(3) : 1;
      const size = `${count} documents, ${formatBytes(bytes)}`;
      const anchor = skipAnchor ? undefined : await timeSide("Python ElementTree, the seed's per-element walk", times, () => runPythonAnchor("etree_parse.py", task), { budgetSeconds: REPEAT_BUDGET_SECONDS });
      const ours = skipOurs ? undefined : await timeSide("neuroportal parseXml + toDocumentFields + WideTableBuilder, one document at a time", times, () => runWorker("xml-parse.ts", { ...task, frame: factor === 1 }), { budgetSeconds: REPEAT_BUDGET_SECONDS });
      fs.rmSync(folder, { recursive: true, force: true });
      if (anchor) points.anchor.push({ factor, size, seconds: anchor.measurement.seconds, peakRssMb: anchor.measurement.peakRssMb });
      if (ours) points.neuroportal.push({ factor, size, seconds: ours.measurement.seconds, peakRssMb: ours.measurement.peakRssMb });
      context.log(`xml-parse: ${count} documents: ElementTree ${anchor?.measurement.seconds.toFixed(2) ?? "skipped"} s, neuroportal ${ours?.measurement.seconds.toFixed(2) ?? "skipped"} s`);
      if (!anchor || !ours) continue;
      assertSameAnswer("documents and probe values", { documents: anchor.report.documents, probe: anchor.report.probe }, { documents: ours.report.documents, probe: ours.report.probe });
      if (factor !== 1) continue;
      const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
      const docsPerSecond = (s: number) => (count / s).toFixed(0);
      rows.push({
        benchmark: `Parse ${count} experiment XML documents into one table`,
        measured: `read ${count} NonToolbox documents, one file each (${formatBytes(bytes)}; the demo server's 76, copied with fresh IDs and labels), and build one row per experiment, one column per score; documents/s: ElementTree ${docsPerSecond(anchor.measurement.seconds)}, neuroportal ${docsPerSecond(ours.measurement.seconds)}`,
        anchor: anchor.measurement,
        neuroportal: ours.measurement,
        ratio,
        goal: ">= 1x",
        met: ratio >= 1,
        note: ratio >= 1 ? undefined : `neuroportal's time splits into ${phaseText(ours.report.phases, ours.measurement.seconds)}`,
      });
      notes.push(`Documents per second: ElementTree ${docsPerSecond(anchor.measurement.seconds)}, neuroportal ${docsPerSecond(ours.measurement.seconds)} (${count} documents, ${(bytes / count / 1024).toFixed(1)} KiB each).`);
      notes.push(`Columns: ElementTree walk ${anchor.report.columns} (root attributes, subject_ID, score groups), neuroportal ${ours.report.columns} (every attribute and leaf, sharing included; ${ours.report.numericColumns} typed as numbers).`);
      if (typeof ours.report.frameSeconds === "number") notes.push(`Turning neuroportal's table into a typed danfo DataFrame (toWideFrame) takes another ${ours.report.frameSeconds.toFixed(2)} s at ${count} documents; not included in the compared time (the anchor builds no DataFrame either). danfo is loaded only after the timed part, as the parse never uses it (loaded before, its ~60 MB heap made every major GC of the parse slower: 0.85-1.22 s instead of 0.88-0.95 s over four runs each).`);
    }
    return {
      rows,
      scaling: [scalingOf("XML documents to table", "ElementTree (Python)", points.anchor, "holds the result"), scalingOf("XML documents to table", "neuroportal", points.neuroportal, "holds the result")],
      notes,
    };
  },
};
