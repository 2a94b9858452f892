import * as fs from "node:fs";
import { toInlineScript } from "./escape.js";

/**
 * The plotly.js bundle embedded in notebooks: plotly.js-cartesian-dist-min. It is the smallest
 * official distribution holding every trace the builders use (scatter, histogram, box, violin,
 * heatmap); plotly.js-basic-dist-min (scatter, bar, pie) lacks box, violin, histogram and heatmap.
 * About 1.5 MB minified, 0.5 MB gzipped.
 */
export const PLOTLY_BUNDLE_FILE = "plotly.js-cartesian-dist-min/plotly-cartesian.min.js";

let cached: string | undefined;

/** The bundle's source, made safe to inline in a `<script>` element (read once per process). */
export function plotlyBundleSource(): string {
  cached ??= toInlineScript(fs.readFileSync(require.resolve(PLOTLY_BUNDLE_FILE), "utf8"));
  return cached;
}

/** A `<script>` element that defines `window.Plotly`. */
export function plotlyBundleScript(): string {
  return `<script type="text/javascript">${plotlyBundleSource()}</script>`;
}
