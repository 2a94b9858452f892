/** XNAT's table representations (XFTTable): the JSON ResultSet envelope, CSV and XML. */

/** A table of string cells with optional metadata and column properties (search results). */
export interface Table {
  columns: string[];
  rows: string[][];
  /** Written beside `Result` in JSON and as `ResultSet` attributes in XML; values become strings. */
  meta?: Record<string, string | number>;
  /** Per-column properties: the search service's `Columns` array. */
  columnProperties?: Array<Record<string, string>>;
  /** Per column: `bare` for numbers and dates, which XNAT's CSV writes unquoted (default: every column is text, quoted). */
  columnKinds?: Array<"text" | "bare">;
}

export type TableFormat = "json" | "csv" | "xml" | "html";

export interface Rendered {
  contentType: string;
  body: string;
}

/** Renders `table` in `format`. */
export function renderTable(table: Table, format: TableFormat): Rendered {
  switch (format) {
    case "csv":
      return { contentType: "text/csv; charset=UTF-8", body: toCsv(table) };
    case "xml":
      return { contentType: "text/xml; charset=UTF-8", body: toXml(table) };
    case "html":
      return { contentType: "text/html; charset=UTF-8", body: toHtml(table) };
    default:
      return { contentType: "application/json; charset=UTF-8", body: toJson(table) };
  }
}

function toJson(table: Table): string {
  const resultSet: Record<string, unknown> = {};
  if (table.columnProperties) resultSet.Columns = table.columnProperties;
  resultSet.Result = table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? ""])));
  for (const [key, value] of Object.entries(table.meta ?? {})) resultSet[key] = String(value);
  return JSON.stringify({ ResultSet: resultSet });
}

/**
 * One CSV cell as XNAT's XFTTable writes it (recorded: test/fixtures/real/xnat/search-result-pyxnat-nose.csv):
 * headers and text quoted, numbers and dates bare, NULL (here "") empty.
 */
function csvCell(value: string, kind: "text" | "bare"): string {
  const flat = value.replace(/\r\n|\r|\n/g, " ");
  if (flat === "" || (kind === "bare" && !/[",]/.test(flat))) return flat;
  return `"${flat.replace(/"/g, '""')}"`;
}

function toCsv(table: Table): string {
  const kindOf = (i: number) => table.columnKinds?.[i] ?? "text";
  const lines = [table.columns.map((column) => csvCell(column, "text")).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((_, i) => csvCell(row[i] ?? "", kindOf(i))).join(","));
  return `${lines.join("\n")}\n`;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Escapes element text (quotes stay as they are). */
export function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function toXml(table: Table): string {
  const attributes = Object.entries(table.meta ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  const columns = table.columns.map((column) => `<column>${escapeXml(column)}</column>`).join("");
  const rows = table.rows
    .map((row) => `<row>${table.columns.map((_, i) => `<cell>${escapeXml(row[i] ?? "")}</cell>`).join("")}</row>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ResultSet${attributes}><results><columns>${columns}</columns><rows>${rows}</rows></results></ResultSet>\n`;
}

function toHtml(table: Table): string {
  const head = table.columns.map((column) => `<th>${escapeXml(column)}</th>`).join("");
  const body = table.rows
    .map((row) => `<tr>${table.columns.map((_, i) => `<td>${escapeXml(row[i] ?? "")}</td>`).join("")}</tr>`)
    .join("\n");
  return `<html><body><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></body></html>\n`;
}
