import { assertSameAnswer } from "../core/checks.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { fetchExperimentXml, writeXmlCorpus } from "../core/data.js";
import { runPythonAnchor, runWorker } from "../core/process.js";
import { timeSide } from "../core/sides.js";
import { ratioOf, scalingOf } from "../core/stats.js";
import type { ComparisonRow, ScalePoint } from "../core/types.js";

const PROBE_LABEL = "100307_NonToolbox";
const PROBE_COLUMNS = ["ER40/ER40_CR", "ER40/ER40_CRT", "ER40/ER40SAD"];

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
      const folder = context.folder(`xml-${count}`);
      const bytes = writeXmlCorpus(templates.map((t) => t.xml), folder, count);
      const task = { folder, count, probeLabel: PROBE_LABEL, probeColumns: PROBE_COLUMNS };
      const times = factor === 1 ? context.repeats(2) : 1;
      const anchor = await timeSide("Python ElementTree, the seed's per-element walk", times, () => runPythonAnchor("etree_parse.py", task));
      const ours = await timeSide("neuroportal parseXml + toDocumentFields + toWideTable", times, () => runWorker("xml-parse.ts", { ...task, frame: factor === 1 }));
      assertSameAnswer("documents and probe values", { documents: anchor.report.documents, probe: anchor.report.probe }, { documents: ours.report.documents, probe: ours.report.probe });
      const size = `${count} documents, ${(bytes / 2 ** 20).toFixed(0)} MiB`;
      points.anchor.push({ factor, size, seconds: anchor.measurement.seconds, peakRssMb: anchor.measurement.peakRssMb });
      points.neuroportal.push({ factor, size, seconds: ours.measurement.seconds, peakRssMb: ours.measurement.peakRssMb });
      context.folder(`xml-${count}`);
      if (factor !== 1) continue;
      const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
      const docsPerSecond = (s: number) => (count / s).toFixed(0);
      rows.push({
        benchmark: `Parse ${count} experiment XML documents into one table`,
        measured: `read ${count} NonToolbox documents (${(bytes / 2 ** 20).toFixed(1)} MiB; the demo server's 76, copied with fresh IDs and labels) from disk and build one row per experiment, one column per score; documents/s: ElementTree ${docsPerSecond(anchor.measurement.seconds)}, neuroportal ${docsPerSecond(ours.measurement.seconds)}`,
        anchor: anchor.measurement,
        neuroportal: ours.measurement,
        ratio,
        goal: ">= 1x",
        met: ratio >= 1,
        note: ratio >= 1 ? undefined : "see notes for where the time goes",
      });
      notes.push(`Documents per second: ElementTree ${docsPerSecond(anchor.measurement.seconds)}, neuroportal ${docsPerSecond(ours.measurement.seconds)} (${count} documents, ${(bytes / count / 1024).toFixed(1)} KiB each).`);
      notes.push(`Columns: ElementTree walk ${anchor.report.columns} (root attributes, subject_ID, score groups), neuroportal ${ours.report.columns} (every attribute and leaf, sharing included; ${ours.report.numericColumns} typed as numbers).`);
      if (typeof ours.report.frameSeconds === "number") notes.push(`Turning neuroportal's table into a typed danfo DataFrame (toWideFrame) takes another ${ours.report.frameSeconds.toFixed(2)} s at ${count} documents; not included in the compared time (the anchor builds no DataFrame either).`);
    }
    return {
      rows,
      scaling: [scalingOf("XML documents to table", "ElementTree (Python)", points.anchor, "holds the result"), scalingOf("XML documents to table", "neuroportal", points.neuroportal, "holds the result")],
      notes,
    };
  },
};
