import { InvalidArgumentError } from "../../errors.js";
import type { FrameLike } from "../table-data.js";
import { numericColumn } from "./columns.js";
import { axisTitle, baseLayout, compact, type Figure, type TitleOptions } from "./figure.js";
import { pearson, round } from "./statistics.js";

/** Options of `heatmap`. */
export interface HeatmapOptions extends TitleOptions {
  /** Column labels (x) and row labels (y). */
  x?: (string | number)[];
  y?: (string | number)[];
  /** A plotly colorscale name (e.g. "Viridis", "RdBu") or [[0, color], [1, color]] stops. */
  colorscale?: string | [number, string][];
  reverseScale?: boolean;
  zmin?: number;
  zmax?: number;
  colorbarTitle?: string;
  /** Print each cell's value on it, with this many decimals. */
  showValues?: boolean | number;
  /** Draw row 0 at the top, as matrices are read (default true). */
  rowsTopDown?: boolean;
  /** Keep cells square. */
  square?: boolean;
}

/** A heatmap of a matrix (rows of numbers); NaN and missing cells are drawn as gaps. */
export function heatmap(matrix: readonly (ArrayLike<number>)[], options: HeatmapOptions = {}): Figure {
  if (!Array.isArray(matrix) || !matrix.every((row) => typeof row === "object" && row !== null && typeof row.length === "number")) throw new InvalidArgumentError("heatmap() needs a matrix: a list of rows of numbers");
  const z = matrix.map((row) => Array.from(row, (v) => (Number.isFinite(v) ? v : null)));
  const decimals = options.showValues === true ? 2 : typeof options.showValues === "number" ? options.showValues : undefined;
  return {
    data: [
      compact({
        type: "heatmap",
        z,
        x: options.x,
        y: options.y,
        colorscale: options.colorscale ?? "Viridis",
        reversescale: options.reverseScale,
        zmin: options.zmin,
        zmax: options.zmax,
        texttemplate: decimals === undefined ? undefined : `%{z:.${decimals}f}`,
        colorbar: options.colorbarTitle === undefined ? undefined : { title: { text: options.colorbarTitle } },
        hoverongaps: false,
      }),
    ],
    layout: {
      ...baseLayout(options),
      xaxis: compact({ title: axisTitle(options.xTitle), type: options.x ? "category" : undefined, constrain: options.square ? "domain" : undefined }),
      yaxis: compact({
        title: axisTitle(options.yTitle),
        type: options.y ? "category" : undefined,
        autorange: options.rowsTopDown === false ? undefined : "reversed",
        scaleanchor: options.square ? "x" : undefined,
        scaleratio: options.square ? 1 : undefined,
        constrain: options.square ? "domain" : undefined,
      }),
    },
  };
}

/** Pearson correlations between numeric columns (pairwise-complete), rounded to 4 decimals. */
export function correlationMatrix(frame: FrameLike, columns: readonly string[]): number[][] {
  if (columns.length === 0) throw new InvalidArgumentError("correlationMatrix needs at least one column", `use some of: ${frame.columns.join(", ")}`);
  const values = columns.map((column) => numericColumn(frame, column));
  return values.map((a, i) => values.map((b, j) => (i === j ? 1 : round(pearson(a, b), 4))));
}

/** A correlation heatmap of numeric columns: blue (-1) to white (0) to red (+1), values printed, square cells. */
export function correlationHeatmap(frame: FrameLike, columns: readonly string[], options: HeatmapOptions & { labels?: Record<string, string> } = {}): Figure {
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string")) throw new InvalidArgumentError("correlationHeatmap(frame, columns) needs a list of column names");
  const names = columns.map((column) => options.labels?.[column] ?? column);
  const figure = heatmap(correlationMatrix(frame, columns), {
    colorscale: [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]],
    zmin: -1,
    zmax: 1,
    showValues: 2,
    colorbarTitle: "r",
    square: true,
    ...options,
    x: names,
    y: names,
  });
  const longest = Math.max(...names.map((name) => name.length));
  const layout = figure.layout ?? {};
  return {
    ...figure,
    layout: { ...layout, margin: { ...(layout.margin as object), b: Math.min(40 + 6 * longest, 160), l: Math.min(40 + 7 * longest, 200) }, xaxis: { ...(layout.xaxis as object), tickangle: -35 } },
  };
}
