import { InvalidArgumentError } from "../../errors.js";
import type { FrameLike } from "../table-data.js";
import { columnValues, finite, isFrame, numbersOf, numericColumn, type NumberSource } from "./columns.js";
import { axisTitle, baseLayout, checkRange, compact, type Figure, type TitleOptions, type Trace } from "./figure.js";

/** Options of `histogram`. */
export interface HistogramOptions extends TitleOptions {
  /** Approximate number of bins (plotly picks nice edges). */
  bins?: number;
  /** The measure's possible range, e.g. [0, 48] for a NEO-FFI factor: the x axis shows exactly this range (widened by half a bin with `binWidth`). */
  range?: readonly [number, number];
  /** Bin width; with `range`, bins are centred on range[0], range[0] + binWidth, ... (whole scores sit in the middle of their bars). */
  binWidth?: number;
  /** A column of the frame: one overlaid histogram per group. */
  by?: string;
  /** Trace name (legend entry) for a single histogram. */
  name?: string;
  color?: string;
}

/** Options of `box` and `violin`. */
export interface GroupPlotOptions extends TitleOptions {
  /** Group order; defaults to first appearance. */
  order?: string[];
  /** Draw every point beside the box (default: only outliers). */
  points?: boolean;
  /** The measure's possible range, e.g. [0, 48] for a NEO-FFI factor: the value axis shows exactly this range. */
  range?: readonly [number, number];
}

/** The x axis range and plotly `xbins` of a histogram over a known range. */
function binning(options: HistogramOptions): { axis?: [number, number]; xbins?: { start: number; end: number; size: number } } {
  const range = checkRange(options.range);
  if (options.binWidth !== undefined && !(options.binWidth > 0)) throw new InvalidArgumentError(`binWidth must be a positive number (got ${options.binWidth})`);
  if (range === undefined) return {};
  if (options.binWidth === undefined) return { axis: range };
  const half = options.binWidth / 2;
  const edges: [number, number] = [range[0] - half, range[1] + half];
  return { axis: edges, xbins: { start: edges[0], end: edges[1], size: options.binWidth } };
}

/**
 * A histogram of numbers (array, typed array or Series), or of a DataFrame column:
 * `histogram(values, opts)` or `histogram(frame, "neo_neofac_a", opts)`. Missing values are left out.
 */
export function histogram(source: NumberSource | FrameLike, columnOrOptions?: string | HistogramOptions, maybeOptions: HistogramOptions = {}): Figure {
  const options = typeof columnOrOptions === "object" ? columnOrOptions : maybeOptions;
  const column = typeof columnOrOptions === "string" ? columnOrOptions : undefined;
  const { axis, xbins } = binning(options);
  const layout = { ...baseLayout(options), xaxis: compact({ title: axisTitle(options.xTitle ?? column), range: axis }), yaxis: { title: { text: options.yTitle ?? "count" } }, bargap: 0.04 };
  const traceOf = (values: number[], name: string | undefined, overlay: boolean): Trace =>
    compact({
      type: "histogram",
      x: finite(values),
      name,
      nbinsx: xbins ? undefined : options.bins,
      xbins,
      opacity: overlay ? 0.6 : undefined,
      marker: options.color !== undefined && !overlay ? { color: options.color } : undefined,
    });
  if (isFrame(source)) {
    if (column === undefined) throw new InvalidArgumentError("histogram(frame, column) needs the name of the column to draw", `use one of: ${source.columns.join(", ")}`);
    const values = numericColumn(source, column);
    if (options.by === undefined) return { data: [traceOf(values, options.name ?? column, false)], layout };
    const groups = groupBy(values, columnValues(source, options.by), undefined);
    return { data: groups.map(([name, v]) => traceOf(v, name, true)), layout: { ...layout, barmode: "overlay", legend: { title: { text: options.by } } } };
  }
  return { data: [traceOf(numbersOf(source), options.name, false)], layout: { ...layout, showlegend: false } };
}

/** Box plots of a numeric column by group: `box(frame, "neo_neofac_n", "gender")`, or `box({A: [...], B: [...]})`. */
export function box(source: FrameLike | Record<string, NumberSource>, value?: string | GroupPlotOptions, by?: string, options: GroupPlotOptions = {}): Figure {
  return groupFigure("box", source, value, by, options);
}

/** Violin plots (with inner box and mean line) of a numeric column by group, drawn only over the values observed (never past the data); same arguments as `box`. */
export function violin(source: FrameLike | Record<string, NumberSource>, value?: string | GroupPlotOptions, by?: string, options: GroupPlotOptions = {}): Figure {
  return groupFigure("violin", source, value, by, options);
}

function groupFigure(type: "box" | "violin", source: FrameLike | Record<string, NumberSource>, value: string | GroupPlotOptions | undefined, by: string | undefined, maybeOptions: GroupPlotOptions): Figure {
  const options = typeof value === "object" ? value : maybeOptions;
  let groups: [string, number[]][];
  let valueName: string | undefined;
  if (isFrame(source)) {
    if (typeof value !== "string") throw new InvalidArgumentError(`${type}(frame, valueColumn, groupColumn?) needs the value column`, `use one of: ${source.columns.join(", ")}`);
    valueName = value;
    const values = numericColumn(source, value);
    groups = by === undefined ? [[value, finite(values)]] : groupBy(values, columnValues(source, by), options.order);
  } else {
    if (typeof source !== "object" || source === null || Array.isArray(source)) throw new InvalidArgumentError(`${type}() needs a DataFrame with column names, or an object of named number lists`);
    groups = Object.entries(source).map(([name, values]) => [name, finite(numbersOf(values))]);
    if (options.order) groups = orderGroups(groups, options.order);
  }
  const range = checkRange(options.range);
  const data = groups.map(([name, values]): Trace =>
    type === "box"
      ? { type: "box", name, y: values, boxmean: true, boxpoints: options.points ? "all" : "outliers", jitter: options.points ? 0.4 : undefined }
      : { type: "violin", name, y: values, box: { visible: true }, meanline: { visible: true }, points: options.points ? "all" : "outliers", spanmode: "hard" },
  ).map((trace) => compact(trace));
  return {
    data,
    layout: { ...baseLayout(options), showlegend: false, xaxis: compact({ title: axisTitle(options.xTitle ?? by) }), yaxis: compact({ title: axisTitle(options.yTitle ?? valueName), range }) },
  };
}

/** Splits values by the group label in the same row; missing values and missing labels are left out. */
function groupBy(values: number[], labels: unknown[], order: string[] | undefined): [string, number[]][] {
  const groups = new Map<string, number[]>();
  values.forEach((v, i) => {
    const label = labels[i];
    if (label === null || label === undefined || label === "" || (typeof label === "number" && Number.isNaN(label)) || !Number.isFinite(v)) return;
    const key = String(label);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(v);
  });
  const list = [...groups.entries()];
  return order ? orderGroups(list, order) : list;
}

function orderGroups(groups: [string, number[]][], order: string[]): [string, number[]][] {
  const rank = (name: string) => (order.indexOf(name) < 0 ? order.length : order.indexOf(name));
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]));
}
