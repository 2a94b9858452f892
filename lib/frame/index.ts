export { fromRecords, fromRows, toRecords, loadDanfo } from "./from-rows.js";
export { parseCell } from "./parse.js";
export type { ColumnType, ColumnTypes } from "./types.js";
