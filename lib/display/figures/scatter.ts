import { InvalidArgumentError } from "../../errors.js";
import type { FrameLike } from "../table-data.js";
import { columnValues, finite, isFrame, numbersOf, numericColumn, withGaps, type NumberSource } from "./columns.js";
import { axisTitle, baseLayout, checkRange, compact, type Figure, type Layout, type TitleOptions, type Trace } from "./figure.js";
import { leastSquares, round } from "./statistics.js";

/** Options of `scatter`. */
export interface ScatterOptions extends TitleOptions {
  /** Add the least-squares line, named with its equation, r and n. */
  trendline?: boolean;
  /** Hover label per point (e.g. subject IDs), or a frame column name when called with a frame. */
  text?: string[] | string;
  name?: string;
  color?: string;
  /** The possible ranges of the two measures (e.g. [0, 48]): the axes show exactly these. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** Options of `scatterMatrix`. */
export interface ScatterMatrixOptions {
  title?: string;
  /** Display names for columns (axis titles). */
  labels?: Record<string, string>;
  /** A frame column whose values label the points on hover (e.g. "subject_id"). */
  text?: string;
  /** Figure height in pixels (default 160 per column, at least 400). */
  height?: number;
  /** Possible range per column (e.g. `{ neo_neofac_a: [0, 48] }`): that column's axes show exactly this range. */
  ranges?: Readonly<Record<string, readonly [number, number]>>;
}

/**
 * A scatter plot of y against x, optionally with a least-squares trend line:
 * `scatter(xs, ys, opts)` or `scatter(frame, "neo_neofac_a", "neo_neofac_c", opts)`.
 */
export function scatter(
  xOrFrame: NumberSource | FrameLike,
  yOrColumn: NumberSource | string,
  optionsOrColumn?: ScatterOptions | string,
  maybeOptions: ScatterOptions = {},
): Figure {
  let x: number[], y: number[], text: string[] | undefined, options: ScatterOptions;
  if (isFrame(xOrFrame)) {
    if (typeof yOrColumn !== "string" || typeof optionsOrColumn !== "string") {
      throw new InvalidArgumentError("scatter(frame, xColumn, yColumn, options?) needs two column names", `use two of: ${xOrFrame.columns.join(", ")}`);
    }
    options = { xTitle: yOrColumn, yTitle: optionsOrColumn, ...maybeOptions };
    x = numericColumn(xOrFrame, yOrColumn);
    y = numericColumn(xOrFrame, optionsOrColumn);
    text = typeof options.text === "string" ? columnValues(xOrFrame, options.text).map(String) : options.text;
  } else {
    if (typeof yOrColumn === "string") throw new InvalidArgumentError("scatter(x, y) takes two arrays of numbers (or a DataFrame and two column names)");
    options = typeof optionsOrColumn === "object" ? optionsOrColumn : maybeOptions;
    x = numbersOf(xOrFrame);
    y = numbersOf(yOrColumn);
    text = typeof options.text === "string" ? undefined : options.text;
  }
  if (x.length !== y.length) throw new InvalidArgumentError(`scatter needs as many x values as y values (got ${x.length} and ${y.length})`);
  const points: Trace = compact({
    type: "scatter",
    mode: "markers",
    name: options.name ?? "data",
    x: withGaps(x),
    y: withGaps(y),
    text,
    marker: compact({ size: 7, opacity: 0.8, color: options.color }),
  });
  const data: Trace[] = [points];
  if (options.trendline) {
    const fit = leastSquares(x, y);
    if (Number.isFinite(fit.slope)) {
      const xs = finite(x);
      const lo = Math.min(...xs), hi = Math.max(...xs);
      data.push({
        type: "scatter",
        mode: "lines",
        name: `y = ${round(fit.slope, 3)}·x + ${round(fit.intercept, 3)} (r = ${round(fit.r, 3)}, n = ${fit.n})`,
        x: [lo, hi],
        y: [round(fit.slope * lo + fit.intercept, 6), round(fit.slope * hi + fit.intercept, 6)],
        line: { color: "#d62728", width: 2 },
      });
    }
  }
  return {
    data,
    layout: {
      ...baseLayout(options),
      showlegend: options.trendline === true,
      legend: { orientation: "h", y: -0.2 },
      xaxis: compact({ title: axisTitle(options.xTitle), range: checkRange(options.xRange, "xRange") }),
      yaxis: compact({ title: axisTitle(options.yTitle), range: checkRange(options.yRange, "yRange") }),
    },
  };
}

/**
 * A scatter matrix of several numeric columns (e.g. the five NEO factors) drawn with plain
 * cartesian subplots: histograms on the diagonal, scatter plots elsewhere, axes shared per
 * column and per row, each row and column labelled once (left and bottom); the diagonal's
 * count axes carry no tick labels. Uses no splom/WebGL trace, so it renders in any browser and bundle.
 */
export function scatterMatrix(frame: FrameLike, columns: readonly string[], options: ScatterMatrixOptions = {}): Figure {
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string")) throw new InvalidArgumentError("scatterMatrix(frame, columns) needs a list of column names");
  if (columns.length < 2) throw new InvalidArgumentError("scatterMatrix needs at least two columns");
  const n = columns.length;
  const values = columns.map((column) => numericColumn(frame, column));
  const text = options.text === undefined ? undefined : columnValues(frame, options.text).map(String);
  const label = (column: string) => options.labels?.[column] ?? column;
  const ranges = columns.map((column) => checkRange(options.ranges?.[column], `ranges.${column}`));
  const gap = 0.03;
  const size = (1 - gap * (n - 1)) / n;
  const domain = (i: number): [number, number] => [round(i * (size + gap), 6), round(i * (size + gap) + size, 6)];
  const data: Trace[] = [];
  const layout: Layout = {
    ...baseLayout({ title: options.title }),
    height: options.height ?? Math.max(400, 160 * n),
    showlegend: false,
    hovermode: "closest",
    margin: { t: options.title !== undefined ? 48 : 24, r: 24, b: 64, l: 72 },
  };
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const k = row * n + col + 1;
      const suffix = k === 1 ? "" : String(k);
      const firstOffDiagonalInRow = row === 0 ? 2 : row * n + 1;
      if (row === col) {
        data.push({ type: "histogram", x: finite(values[col]), xaxis: `x${suffix}`, yaxis: `y${suffix}`, name: columns[col], marker: { color: "#7f7f7f" } });
      } else {
        data.push(compact({
          type: "scatter",
          mode: "markers",
          x: withGaps(values[col]),
          y: withGaps(values[row]),
          text,
          xaxis: `x${suffix}`,
          yaxis: `y${suffix}`,
          name: `${columns[row]} vs ${columns[col]}`,
          marker: { size: 4, opacity: 0.7, color: "#1f77b4" },
          hovertemplate: `${label(columns[col])}: %{x}<br>${label(columns[row])}: %{y}${text ? "<br>%{text}" : ""}<extra></extra>`,
        }));
      }
      const sharedX = (n - 1) * n + col + 1;
      layout[`xaxis${suffix}`] = compact({
        domain: domain(col),
        anchor: `y${suffix}`,
        matches: k === sharedX ? undefined : `x${sharedX === 1 ? "" : sharedX}`,
        showticklabels: row === n - 1,
        title: row === n - 1 ? { text: label(columns[col]), font: { size: 12 } } : undefined,
        automargin: row === n - 1 ? true : undefined,
        range: ranges[col],
      });
      layout[`yaxis${suffix}`] = compact({
        domain: domain(n - 1 - row),
        anchor: `x${suffix}`,
        matches: row === col || k === firstOffDiagonalInRow ? undefined : `y${firstOffDiagonalInRow === 1 ? "" : firstOffDiagonalInRow}`,
        showticklabels: (col === 0 && row > 0) || (row === 0 && col === 1),
        title: col === 0 ? { text: label(columns[row]), font: { size: 12 } } : undefined,
        automargin: col === 0 ? true : undefined,
        range: row === col ? undefined : ranges[row],
      });
    }
  }
  return { data, layout };
}
