import { InvalidArgumentError } from "../../errors.js";

/** One plotly trace (scatter, bar, histogram, box, violin, heatmap...): plain JSON. */
export type Trace = { type?: string } & Record<string, unknown>;

/** A plotly layout object: plain JSON. */
export type Layout = Record<string, unknown>;

/** A plotly figure as `plot` takes it and the builders return it: plain, serialisable JSON. */
export interface Figure {
  data: Trace[];
  layout?: Layout;
  config?: Record<string, unknown>;
}

/** Titles most builders accept. */
export interface TitleOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

/** A plotly axis title object, or undefined when there is no title. */
export function axisTitle(text: string | undefined): { text: string } | undefined {
  return text === undefined ? undefined : { text };
}

/** The layout fields shared by every builder: title and compact margins. */
export function baseLayout(options: TitleOptions): Layout {
  return {
    ...(options.title !== undefined ? { title: { text: options.title } } : {}),
    margin: { t: options.title !== undefined ? 48 : 24, r: 24, b: 56, l: 64 },
  };
}

/** Drops undefined fields so figures serialise the same way they compare in tests. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Checks a [min, max] range option; `what` names it in the error. */
export function checkRange(range: readonly [number, number] | undefined, what = "range"): [number, number] | undefined {
  if (range === undefined) return undefined;
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => Number.isFinite(v)) || !(range[0] < range[1])) {
    throw new InvalidArgumentError(`${what} must be [min, max] with min < max (got ${JSON.stringify(range)})`, "give the measure's possible range, e.g. [0, 48] for a NEO-FFI factor");
  }
  return [range[0], range[1]];
}
