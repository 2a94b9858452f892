import * as fs from "node:fs";
import { fromListingJson } from "neuroportal/dist/xnat/listing.js";
import { toColumnType } from "neuroportal/dist/xnat/fields.js";
import { SearchResult } from "neuroportal/dist/xnat/search-result.js";
import { preloadDanfo, report, runWorkerMain, task, timed } from "./worker-lib.js";

interface Task {
  file: string;
}

const phases = { fromListingJson: 0, frame: 0 };

/** The library's path from a search answer to a typed DataFrame: parse, column types from the metadata, frame. */
function toFrame(text: string) {
  const t0 = performance.now();
  const listing = fromListingJson(text, "search result");
  const t1 = performance.now();
  const columns = listing.columnInfo.map((info) => ({ key: info.key, field: `${info.element_name}/${info.id}`, type: toColumnType(info.type ?? "string") }));
  const frame = new SearchResult(String(listing.meta.rootElementName ?? ""), columns, listing.rows).frame;
  phases.fromListingJson += (t1 - t0) / 1000;
  phases.frame += (performance.now() - t1) / 1000;
  return frame;
}

runWorkerMain(async () => {
  const { file } = task<Task>();
  const text = fs.readFileSync(file, "utf8");
  preloadDanfo();
  const baselineRssKb = process.resourceUsage().maxRSS;
  const { value: frame, seconds } = await timed(() => toFrame(text));
  const [rows, columns] = frame.shape;
  const numericColumns = frame.dtypes.filter((dtype: string) => dtype === "float32" || dtype === "int32").length;
  report(seconds, { baselineRssKb, phases, rows, columns, numericColumns, probe: frame.iat(0, 0) });
});
