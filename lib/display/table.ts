import { escapeHtml } from "./escape.js";
import { formatCell, isMissing, toTableData, type ColumnKind, type TableData, type Tabular } from "./table-data.js";

/** Options of `show` and `toHtmlTable`. */
export interface TableOptions {
  /** Most rows shown; longer tables show the first and last half of that. Default 20. */
  maxRows?: number;
  /** Most columns shown; wider tables show the first and last half of that. Default 20. */
  maxColumns?: number;
  /** Decimals for non-integer numbers. Default 4. */
  digits?: number;
  /** A title shown above the table. */
  caption?: string;
  /** Show the row labels even when they are the default positions 0..n-1. */
  index?: boolean;
  /** Longest cell text shown; longer text is cut with "…" (the HTML keeps it in a tooltip). Default 60. */
  maxCellChars?: number;
  /** Headers to show instead of column names, e.g. with units: `{ cpw_iwrd_rtc: "IWRD_RTC (ms)" }` (the HTML keeps the name in a tooltip). */
  labels?: Readonly<Record<string, string>>;
}

function headerOf(data: TableData, column: number, options: TableOptions): string {
  return options.labels?.[data.columns[column]] ?? data.columns[column];
}

/** A header as HTML: a trailing unit in parentheses, e.g. "(score, 0–48)", never breaks across lines. */
function headerHtml(header: string): string {
  const unit = /^(.*\S)\s+(\([^()]*\))$/.exec(header);
  return unit ? `${escapeHtml(unit[1])} <span style="white-space:nowrap">${escapeHtml(unit[2])}</span>` : escapeHtml(header);
}

/** Cuts text longer than `max` characters, ending it with "…". */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(max - 1, 1))}…` : text;
}

const ELLIPSIS = "…";

interface Window {
  rowPositions: (number | null)[];
  columnPositions: (number | null)[];
}

/** Picks which rows and columns are drawn: head and tail with a gap marker (null) between. */
function windowOf(data: TableData, options: TableOptions): Window {
  return {
    rowPositions: headTail(data.rows.length, options.maxRows ?? 20),
    columnPositions: headTail(data.columns.length, options.maxColumns ?? 20),
  };
}

function headTail(length: number, max: number): (number | null)[] {
  const all = Array.from({ length }, (_, i) => i);
  if (length <= Math.max(max, 2)) return all;
  const head = Math.ceil(max / 2);
  const tail = Math.max(Math.floor(max / 2), 1);
  return [...all.slice(0, head), null, ...all.slice(length - tail)];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "76 rows × 6 columns". */
export function shapeCaption(data: TableData): string {
  return `${plural(data.rows.length, "row")} × ${plural(data.columns.length, "column")}`;
}

const STYLE = [
  ".np-frame{overflow-x:auto;max-width:100%}",
  ".np-frame table{border-collapse:collapse;font-size:12px;font-family:system-ui,sans-serif}",
  ".np-frame th,.np-frame td{padding:3px 8px;border-bottom:1px solid #e5e5e5;white-space:nowrap}",
  ".np-frame thead th{border-bottom:1px solid #888;background:#f7f7f7;white-space:normal;vertical-align:bottom;max-width:12em}",
  ".np-frame tbody tr:nth-child(even){background:#fafafa}",
  ".np-frame .np-missing{color:#aaa;font-style:italic}",
  ".np-frame .np-gap{color:#888;text-align:center}",
  ".np-frame .np-shape{color:#555;font-size:11px;margin:4px 0 0}",
].join("");

function alignOf(kind: ColumnKind): string {
  return kind === "number" ? "right" : kind === "boolean" ? "center" : "left";
}

/**
 * Renders a DataFrame, Series or array of records as a self-contained HTML table: shape caption,
 * head/tail rows and first/last columns for large tables, numbers right-aligned, NaN/null as a
 * greyed missing marker, every value HTML-escaped. Pure: the same input gives the same string.
 */
export function toHtmlTable(value: Tabular, options: TableOptions = {}): string {
  const data = toTableData(value);
  const digits = options.digits ?? 4;
  const maxCellChars = options.maxCellChars ?? 60;
  const { rowPositions, columnPositions } = windowOf(data, options);
  const index = data.index ?? (options.index ? data.rows.map((_, i) => i) : undefined);
  const out: string[] = [`<div class="np-frame"><style>${STYLE}</style><table>`];
  if (options.caption !== undefined) out.push(`<caption style="text-align:left;font-weight:600">${escapeHtml(options.caption)}</caption>`);
  out.push("<thead><tr>");
  if (index) out.push("<th></th>");
  for (const c of columnPositions) {
    if (c === null) {
      out.push(`<th class="np-gap">${ELLIPSIS}</th>`);
      continue;
    }
    const header = headerOf(data, c, options);
    const tooltip = header === data.columns[c] ? "" : ` title="${escapeHtml(data.columns[c])}"`;
    out.push(`<th style="text-align:${alignOf(data.kinds[c])}"${tooltip}>${headerHtml(header)}</th>`);
  }
  out.push("</tr></thead><tbody>");
  for (const r of rowPositions) {
    out.push("<tr>");
    if (r === null) {
      if (index) out.push(`<th class="np-gap">${ELLIPSIS}</th>`);
      for (let i = 0; i < columnPositions.length; i++) out.push(`<td class="np-gap">${ELLIPSIS}</td>`);
      out.push("</tr>");
      continue;
    }
    if (index) out.push(`<th style="text-align:left">${escapeHtml(String(index[r]))}</th>`);
    for (const c of columnPositions) {
      if (c === null) {
        out.push(`<td class="np-gap">${ELLIPSIS}</td>`);
        continue;
      }
      const cell = data.rows[r][c];
      const align = alignOf(data.kinds[c]);
      if (isMissing(cell)) out.push(`<td class="np-missing" style="text-align:${align}" title="missing">NaN</td>`);
      else {
        const text = formatCell(cell, digits);
        const shown = clip(text, maxCellChars);
        const title = shown === text ? "" : ` title="${escapeHtml(text)}"`;
        out.push(`<td style="text-align:${align}"${title}>${escapeHtml(shown)}</td>`);
      }
    }
    out.push("</tr>");
  }
  out.push(`</tbody></table><p class="np-shape">${escapeHtml(shapeCaption(data))}</p></div>`);
  return out.join("");
}

/**
 * Renders the same table as aligned plain text (the fallback outside a kernel and the
 * text/plain representation inside one), with the same truncation and shape caption.
 */
export function toTextTable(value: Tabular, options: TableOptions = {}): string {
  const data = toTableData(value);
  const digits = options.digits ?? 4;
  const { rowPositions, columnPositions } = windowOf(data, options);
  const index = data.index ?? (options.index ? data.rows.map((_, i) => i) : undefined);
  const header = [...(index ? [""] : []), ...columnPositions.map((c) => (c === null ? "..." : headerOf(data, c, options)))];
  const rightAligned = [...(index ? [false] : []), ...columnPositions.map((c) => c !== null && data.kinds[c] === "number")];
  const lines: string[][] = [header];
  for (const r of rowPositions) {
    const cells = columnPositions.map((c) => (r === null || c === null ? "..." : clip(formatCell(data.rows[r][c], digits), options.maxCellChars ?? 60)));
    lines.push([...(index ? [r === null ? "..." : String(index[r])] : []), ...cells]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  const text = lines.map((line) => line.map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd());
  return [...(options.caption !== undefined ? [options.caption] : []), ...text, `[${shapeCaption(data)}]`].join("\n");
}
