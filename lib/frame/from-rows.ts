import { checkArgument, dataFrame, record, recordList, rowList, textList } from "../core/validate.js";
import type { DataFrame } from "danfojs-node";
import { parseCell, danfoDtype } from "./parse.js";
import type { ColumnType, ColumnTypes } from "./types.js";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | undefined;

/** Loads danfojs-node on first use (it takes over a second) with the tfjs banner silenced. */
export function loadDanfo(): Danfo {
  if (!danfo) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    danfo = require("danfojs-node") as Danfo;
    try {
      danfo.tensorflow.enableProdMode();
    } catch {
      /* already enabled */
    }
  }
  return danfo;
}

/**
 * Builds a DataFrame from records (objects keyed by column) with explicit column types.
 * Values are parsed before danfo sees them: numbers from strings, "" as NaN, IDs kept as
 * strings. Integer columns that hold a missing value are stored as float (NaN needs it).
 */
export function fromRecords(records: readonly Record<string, unknown>[], columns: readonly string[], types: ColumnTypes = {}): DataFrame {
  checkArgument(records, recordList, "records", "fromRecords()");
  checkArgument(columns, textList, "column names", "fromRecords()");
  checkArgument(types, record, "column types", "fromRecords()");
  const typeOf = (column: string): ColumnType => types[column] ?? "string";
  const rows = records.map((record) => columns.map((column) => parseCell(record[column], typeOf(column))));
  return fromTypedRows(rows, columns, columns.map(typeOf));
}

/** Builds a DataFrame from rows of cells (arrays in column order) with explicit column types. */
export function fromRows(rows: readonly (readonly unknown[])[], columns: readonly string[], types: ColumnTypes = {}): DataFrame {
  checkArgument(rows, rowList, "rows", "fromRows()");
  checkArgument(columns, textList, "column names", "fromRows()");
  checkArgument(types, record, "column types", "fromRows()");
  const columnTypes = columns.map((column) => types[column] ?? "string");
  const parsed = rows.map((row) => columnTypes.map((type, i) => parseCell(row[i], type)));
  return fromTypedRows(parsed, columns, columnTypes);
}

function fromTypedRows(rows: (string | number | boolean)[][], columns: readonly string[], columnTypes: ColumnType[]): DataFrame {
  const { DataFrame } = loadDanfo();
  const dtypes = columnTypes.map((type, i) => {
    if (type === "integer" && rows.some((row) => Number.isNaN(row[i] as number))) return "float32";
    return danfoDtype(type);
  });
  if (rows.length === 0) {
    return new DataFrame([], { columns: [...columns] });
  }
  return new DataFrame(rows, { columns: [...columns], dtypes });
}

/** The rows of a DataFrame as plain records (column → value). */
export function toRecords(frame: DataFrame): Record<string, unknown>[] {
  checkArgument(frame, dataFrame, "frame", "toRecords()");
  const columns = frame.columns;
  return (frame.values as unknown[][]).map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]])));
}
