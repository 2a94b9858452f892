import type { DataFrame } from "danfojs-node";
import { InvalidArgumentError } from "../errors.js";
import { loadDanfo } from "../frame/from-rows.js";
import { columnValues, finite, isFrame, numericColumn } from "./figures/columns.js";
import { round } from "./figures/statistics.js";
import type { FrameLike } from "./table-data.js";

/** The statistics `summarize` reports, in row order. */
export const SUMMARY_STATISTICS = ["count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max"] as const;

/** Quantile with linear interpolation between closest ranks (pandas' default). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position), hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

/** The summary statistics of one list of values; missing values are counted, not used. */
export function summaryOf(values: readonly number[], digits = 4): Record<(typeof SUMMARY_STATISTICS)[number], number> {
  const present = [...finite(values)].sort((a, b) => a - b);
  const n = present.length;
  const mean = n === 0 ? NaN : present.reduce((s, v) => s + v, 0) / n;
  const variance = n < 2 ? NaN : present.reduce((s, v) => s + (v - mean) * (v - mean), 0) / (n - 1);
  return {
    count: n,
    missing: values.length - n,
    mean: round(mean, digits),
    std: round(Math.sqrt(variance), digits),
    min: n === 0 ? NaN : present[0],
    "25%": round(quantile(present, 0.25), digits),
    "50%": round(quantile(present, 0.5), digits),
    "75%": round(quantile(present, 0.75), digits),
    max: n === 0 ? NaN : present[n - 1],
  };
}

function numericColumns(frame: FrameLike): string[] {
  if (!isFrame(frame)) throw new InvalidArgumentError("expected a DataFrame (columns and values)");
  const dtypes = frame.dtypes ?? [];
  return frame.columns.filter((_, i) => dtypes[i] === "float32" || dtypes[i] === "int32");
}

/**
 * Like `describe()`, but missing values (NaN) are counted and left out instead of turning every
 * statistic into NaN: count, missing, mean, std (n-1), min, quartiles, max per numeric column.
 */
export function summarize(frame: FrameLike, columns: readonly string[] = numericColumns(frame)): DataFrame {
  if (columns.length === 0) throw new InvalidArgumentError("summarize found no numeric columns", "name the columns to summarize, or build the frame with number/integer column types");
  const { DataFrame } = loadDanfo();
  const stats = columns.map((column) => summaryOf(numericColumn(frame, column)));
  const rows = SUMMARY_STATISTICS.map((stat) => stats.map((s) => s[stat]));
  return new DataFrame(rows, { columns: [...columns], index: [...SUMMARY_STATISTICS], dtypes: columns.map(() => "float32") });
}

/**
 * One row per group of `by` with the summary statistics of `value`: for comparing groups
 * (e.g. subjects inside and outside a score range). Groups keep their first-appearance order.
 */
export function groupSummary(frame: FrameLike, value: string, by: string): DataFrame {
  const values = numericColumn(frame, value);
  const labels = columnValues(frame, by);
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const key = String(label);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(values[i]);
  });
  const { DataFrame } = loadDanfo();
  const rows = [...groups.entries()].map(([group, v]) => {
    const s = summaryOf(v);
    return [group, ...SUMMARY_STATISTICS.map((stat) => s[stat])];
  });
  return new DataFrame(rows, { columns: [by, ...SUMMARY_STATISTICS], dtypes: ["string", ...SUMMARY_STATISTICS.map(() => "float32")] });
}
