import { displayBundle, inKernel } from "./kernel.js";
import { toHtmlTable, toTextTable, type TableOptions } from "./table.js";
import type { Tabular } from "./table-data.js";

/**
 * Shows a DataFrame, Series or array of records: an HTML table (with a plain-text fallback
 * in the same output) inside a tslab kernel, an aligned text table on stdout elsewhere.
 */
export function show(value: Tabular, options: TableOptions = {}): void {
  const text = toTextTable(value, options);
  if (inKernel()) displayBundle({ "text/html": toHtmlTable(value, options), "text/plain": text });
  else process.stdout.write(`${text}\n`);
}
