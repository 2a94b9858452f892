/** DataFrames with explicit column types (danfo.js underneath). */
export { fromRecords, fromRows, toRecords } from "./from-rows.js";
export type { ColumnType, ColumnTypes } from "./types.js";
