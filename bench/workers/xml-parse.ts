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
  const { value: table, seconds } = await timed(() => {
    const documents = names.map((name) => {
      const document = xnat.parseXml(fs.readFileSync(path.join(t.folder, name), "utf8"));
      return { leading: {}, fields: xnat.toDocumentFields(document) };
    });
    return xnat.toWideTable(documents);
  });
  const afterTable = process.resourceUsage().maxRSS;
  let frameSeconds: number | null = null;
  if (t.frame) frameSeconds = (await timed(() => xnat.toWideFrame(table))).seconds;
  const probe = table.rows.find((row) => row["@label"] === t.probeLabel) ?? {};
  report(seconds, {
    peakRssKbTable: afterTable,
    frameSeconds,
    documents: table.rows.length,
    columns: table.columns.length,
    numericColumns: Object.values(table.types).filter((type) => type === "number").length,
    probe: Object.fromEntries(t.probeColumns.map((column) => [column, probe[column] ?? null])),
  });
});
