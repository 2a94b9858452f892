import { InvalidArgumentError } from "../errors.js";

/** How a column's values are aligned and formatted. */
export type ColumnKind = "number" | "boolean" | "text";

/** A table reduced to plain arrays: what the HTML and text renderers draw. */
export interface TableData {
  columns: string[];
  kinds: ColumnKind[];
  /** Row labels; undefined when the rows carry the default 0..n-1 positions. */
  index?: (string | number)[];
  rows: unknown[][];
}

/** Anything `show` and `toHtmlTable` accept: a danfo DataFrame or Series, records, or a result holding a `frame` (e.g. a search result). */
export type Tabular = FrameLike | SeriesLike | readonly Record<string, unknown>[] | { readonly frame: FrameLike };

/** The structural shape of a danfo DataFrame that rendering needs. */
export interface FrameLike {
  columns: string[];
  index: (string | number)[];
  values: unknown[][] | unknown[];
  dtypes?: string[];
  $isSeries?: boolean;
}

/** The structural shape of a danfo Series that rendering needs. */
export interface SeriesLike {
  $isSeries: true;
  columns?: string[];
  index: (string | number)[];
  values: unknown[];
  dtype?: string;
}

const NUMERIC_DTYPES = new Set(["float32", "int32", "float64", "int64", "number"]);

/** Converts a DataFrame, Series or array of records to plain table data. */
export function toTableData(value: Tabular): TableData {
  if (Array.isArray(value)) return fromRecordArray(value as readonly Record<string, unknown>[]);
  if (isSeriesLike(value)) {
    const name = value.columns?.[0] ?? "value";
    const rows = value.values.map((v) => [v]);
    const kind = value.dtype ? kindOfDtype(value.dtype, rows, 0) : inferKind(rows, 0);
    return { columns: [String(name)], kinds: [kind], index: labelledIndex(value.index), rows };
  }
  if (isFrameLike(value)) {
    const columns = value.columns.map(String);
    const rows = (value.values as unknown[]).map((row) => (Array.isArray(row) ? row : [row]));
    const kinds = columns.map((_, i) => (value.dtypes?.[i] ? kindOfDtype(value.dtypes[i], rows, i) : inferKind(rows, i)));
    return { columns, kinds, index: labelledIndex(value.index), rows };
  }
  if (hasFrame(value)) return toTableData(value.frame);
  throw new InvalidArgumentError("show() takes a danfo DataFrame or Series, or an array of records", "build a DataFrame with frame.fromRecords(records, columns, types), or pass the records array itself");
}

function fromRecordArray(records: readonly Record<string, unknown>[]): TableData {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    if (record === null || typeof record !== "object") {
      throw new InvalidArgumentError("show() got an array whose items are not records (objects keyed by column)", "pass an array of objects, e.g. [{ subject: '100307', score: 33 }]");
    }
    for (const key of Object.keys(record)) if (!seen.has(key)) seen.add(key), columns.push(key);
  }
  const rows = records.map((record) => columns.map((column) => record[column]));
  return { columns, kinds: columns.map((_, i) => inferKind(rows, i)), rows };
}

function hasFrame(value: unknown): value is { frame: FrameLike } {
  return typeof value === "object" && value !== null && isFrameLike((value as { frame?: unknown }).frame);
}

function isSeriesLike(value: unknown): value is SeriesLike {
  return typeof value === "object" && value !== null && (value as SeriesLike).$isSeries === true && Array.isArray((value as SeriesLike).values);
}

function isFrameLike(value: unknown): value is FrameLike {
  const frame = value as FrameLike;
  return typeof value === "object" && value !== null && Array.isArray(frame.columns) && Array.isArray(frame.values) && Array.isArray(frame.index);
}

function labelledIndex(index: (string | number)[]): (string | number)[] | undefined {
  return index.every((label, i) => label === i) ? undefined : index;
}

function kindOfDtype(dtype: string, rows: unknown[][], column: number): ColumnKind {
  if (NUMERIC_DTYPES.has(dtype)) return inferKind(rows, column) === "text" ? "text" : "number";
  if (dtype === "boolean") return "boolean";
  return "text";
}

function inferKind(rows: unknown[][], column: number): ColumnKind {
  let kind: ColumnKind | undefined;
  for (const row of rows) {
    const v = row[column];
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    const k: ColumnKind = typeof v === "number" || typeof v === "bigint" ? "number" : typeof v === "boolean" ? "boolean" : "text";
    if (kind !== undefined && kind !== k) return "text";
    kind = k;
  }
  return kind ?? "number";
}

/** True for values shown as missing: NaN, null and undefined. */
export function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value));
}

/** Formats one cell: integers exactly, other numbers to `digits` decimals (trailing zeros dropped). */
export function formatCell(value: unknown, digits: number): string {
  if (isMissing(value)) return "NaN";
  if (typeof value === "number") return formatNumber(value, digits);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || magnitude < Math.pow(10, -digits)) return value.toExponential(Math.max(digits - 1, 1));
  return String(Number(value.toFixed(digits)));
}
