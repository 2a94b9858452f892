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
  const phases = { read: 0n, parseXml: 0n, toDocumentFields: 0n, wideTable: 0n };
  const clock = process.hrtime.bigint;
  const { value: table, seconds } = await timed(() => {
    const builder = new xnat.WideTableBuilder();
    for (const name of names) {
      const t0 = clock();
      const text = fs.readFileSync(path.join(t.folder, name), "utf8");
      const t1 = clock();
      const document = xnat.parseXml(text);
      const t2 = clock();
      const fields = xnat.toDocumentFields(document);
      const t3 = clock();
      builder.add({}, fields);
      phases.read += t1 - t0;
      phases.parseXml += t2 - t1;
      phases.toDocumentFields += t3 - t2;
      phases.wideTable += clock() - t3;
    }
    const t4 = clock();
    const wide = builder.table();
    phases.wideTable += clock() - t4;
    return wide;
  });
  const afterTable = process.resourceUsage().maxRSS;
  let frameSeconds: number | null = null;
  if (t.frame) {
    preloadDanfo();
    frameSeconds = (await timed(() => xnat.toWideFrame(table))).seconds;
  }
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
