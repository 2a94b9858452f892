/** Column types neuroportal assigns explicitly (danfo's own inference is never trusted). */
export type ColumnType = "string" | "number" | "integer" | "boolean" | "date";

/** Column name → type. Columns not named are kept as strings. */
export type ColumnTypes = Record<string, ColumnType>;
