import * as fs from "node:fs";
import * as path from "node:path";
import { xnat } from "neuroportal";
import { preloadDanfo, report, runWorkerMain, task, timed } from "./worker-lib.js";

interface Task {
  folder: string;
  count: number;
  probeLabel: string;
  probeColumns: string[];
  /** Also build the DataFrame from the table (timed separately). */
  frame?: boolean;
}

runWorkerMain(async () => {
  const t = task<Task>();
  const names = fs.readdirSync(t.folder).sort().slice(0, t.count);
  preloadDanfo();
  const phases = { read: 0n, parseXml: 0n, toDocumentFields: 0n, toWideTable: 0n };
  const clock = process.hrtime.bigint;
  const { value: table, seconds } = await timed(() => {
    const documents = names.map((name) => {
      const t0 = clock();
      const text = fs.readFileSync(path.join(t.folder, name), "utf8");
      const t1 = clock();
      const document = xnat.parseXml(text);
      const t2 = clock();
      const fields = xnat.toDocumentFields(document);
      phases.read += t1 - t0;
      phases.parseXml += t2 - t1;
      phases.toDocumentFields += clock() - t2;
      return { leading: {}, fields };
    });
    const t3 = clock();
    const wide = xnat.toWideTable(documents);
    phases.toWideTable += clock() - t3;
    return wide;
  });
  const afterTable = process.resourceUsage().maxRSS;
  let frameSeconds: number | null = null;
  if (t.frame) frameSeconds = (await timed(() => xnat.toWideFrame(table))).seconds;
  const probe = table.rows.find((row) => row["@label"] === t.probeLabel) ?? {};
  report(seconds, {
    peakRssKbTable: afterTable,
    phases: Object.fromEntries(Object.entries(phases).map(([name, ns]) => [name, Number(ns) / 1e9])),
    frameSeconds,
    documents: table.rows.length,
    columns: table.columns.length,
    numericColumns: Object.values(table.types).filter((type) => type === "number").length,
    probe: Object.fromEntries(t.probeColumns.map((column) => [column, probe[column] ?? null])),
  });
});
