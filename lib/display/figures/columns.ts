import { InvalidArgumentError } from "../../errors.js";
import type { FrameLike } from "../table-data.js";

/** Numbers as builders take them: an array, a typed array, or a danfo Series. */
export type NumberSource = ArrayLike<number> | { readonly $isSeries: boolean; readonly values: unknown };

/** True when the value looks like a danfo DataFrame (columns, index and row values). */
export function isFrame(value: unknown): value is FrameLike {
  const frame = value as FrameLike;
  return typeof value === "object" && value !== null && frame.$isSeries !== true && Array.isArray(frame.columns) && Array.isArray(frame.values);
}

/** The values of one DataFrame column, in row order; a clear error names the columns there are. */
export function columnValues(frame: FrameLike, column: string): unknown[] {
  if (!isFrame(frame)) throw new InvalidArgumentError("expected a DataFrame (columns and values)");
  const position = frame.columns.indexOf(column);
  if (position < 0) {
    throw new InvalidArgumentError(`the DataFrame has no column "${column}"`, `use one of: ${frame.columns.join(", ")}`);
  }
  return (frame.values as unknown[][]).map((row) => row[position]);
}

/** Converts one cell to a number: numbers pass, numeric strings parse, anything else is NaN. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return NaN;
}

/** Numbers (NaN where a value is missing or not numeric) from any number source. */
export function numbersOf(source: NumberSource): number[] {
  if (typeof source !== "object" || source === null || (typeof (source as ArrayLike<number>).length !== "number" && (source as { $isSeries?: unknown }).$isSeries !== true)) {
    throw new InvalidArgumentError("expected numbers: an array, a typed array, a danfo Series or a DataFrame with a column name");
  }
  const series = source as { $isSeries?: unknown; values?: unknown };
  const values: unknown[] = series.$isSeries === true && Array.isArray(series.values) ? series.values : Array.from(source as ArrayLike<number>);
  return values.map(toNumber);
}

/** Numeric column values of a DataFrame. */
export function numericColumn(frame: FrameLike, column: string): number[] {
  return columnValues(frame, column).map(toNumber);
}

/** The finite numbers only (missing values dropped), for histograms and summaries. */
export function finite(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/** Finite numbers, or null where a value is missing: plotly draws null as a gap. */
export function withGaps(values: readonly number[]): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) ? v : null));
}
