import { InvalidArgumentError } from "../errors.js";
import { escapeHtml, toScriptJson } from "./escape.js";
import type { Figure } from "./figures/figure.js";
import { displayMimeBundle, inKernel, type MimeBundle } from "./kernel.js";
import { plotlyBundleScript } from "./plotly-bundle.js";

/** Options of `plot` and `toPlotHtml`. */
export interface PlotOptions {
  /** Chart height in pixels (default: layout.height, else 420). */
  height?: number;
  /** Embed the plotly bundle in this output even if an earlier one did (e.g. after "Run All" in a live kernel). */
  includePlotly?: boolean;
}

/** Options of the pure renderer `toPlotHtml`. */
export interface PlotHtmlOptions extends PlotOptions {
  /** The chart element id; `plot` uses np-plot-1, np-plot-2, ... per process. */
  id: string;
}

const DEFAULT_CONFIG = { responsive: true, displaylogo: false };

/** The mime type that plotly's own renderers draw from (JupyterLab's plotly extension, VS Code). */
export const PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json";

/**
 * What a chart's HTML shows where its script cannot run: an untrusted notebook (opened by
 * someone who did not run it, a downloaded or shared copy, a GitHub preview) in a front end
 * without a plotly renderer. Plain text in a <p>, which every notebook sanitiser keeps.
 */
export const UNTRUSTED_CHART_NOTE =
  "This chart is drawn by a script, and scripts run only in trusted notebooks. To see it, run the cell, " +
  "or trust the notebook (Jupyter Notebook: File → Trust Notebook; JupyterLab: Trust Notebook in the command palette), " +
  "or install plotly 6 or later in JupyterLab's Python (pip install plotly): its renderer draws charts in untrusted notebooks too.";

/** A figure as plotly's mime type wants it: plain JSON of data, layout (with the chart's height) and config. */
export interface PlotlyJson {
  data: object[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

function chartHeight(figure: Figure, options: PlotOptions): number {
  return options.height ?? (typeof figure.layout?.height === "number" ? figure.layout.height : 420);
}

function figureConfig(figure: Figure): Record<string, unknown> {
  return { ...DEFAULT_CONFIG, ...figure.config };
}

/**
 * Renders a figure as an HTML fragment: a chart element holding the untrusted-notebook note,
 * and a small script that hides the note, draws the chart once `window.Plotly` exists (waiting
 * up to 10 s for a bundle emitted earlier on the page) and redraws it to its element's size
 * whenever that changes (e.g. drawn in a hidden tab, then shown); plus the bundle itself when
 * `includePlotly` is set. Pure and deterministic for a given id.
 */
export function toPlotHtml(figure: Figure, options: PlotHtmlOptions): string {
  checkFigure(figure);
  const height = chartHeight(figure, options);
  const spec = toScriptJson({ data: figure.data, layout: figure.layout ?? {}, config: figureConfig(figure) });
  const id = escapeHtml(options.id);
  const idJson = toScriptJson(options.id);
  const draw =
    `(function(){var f=${spec},id=${idJson},t=0;` +
    `function el(){var all=document.querySelectorAll('[id="'+id+'"]'),i;for(i=all.length-1;i>=0;i--){if(!all[i].classList.contains("js-plotly-plot"))return all[i];}return all[all.length-1];}` +
    `function fit(e){if(typeof ResizeObserver!=="function"||f.layout.width!=null)return;` +
    `new ResizeObserver(function(){var l=e._fullLayout;if(l&&e.clientWidth>0&&Math.abs(l.width-e.clientWidth)>1)window.Plotly.Plots.resize(e);}).observe(e);}` +
    `function go(){var e=el();if(window.Plotly&&e){window.Plotly.newPlot(e,f.data,f.layout,f.config).then(function(){fit(e);});}` +
    `else if(400>t++){setTimeout(go,25);}` +
    `else if(e){e.textContent="This chart needs plotly.js, which the first chart of the notebook embeds: run all cells from the top (or trust the notebook).";}}` +
    `var e=el();if(e){e.textContent="";e.style.height="${height}px";}go();})();`;
  return (
    (options.includePlotly ? plotlyBundleScript() : "") +
    `<div id="${id}" class="np-plot" style="width:100%"><p class="np-plot-note">${escapeHtml(UNTRUSTED_CHART_NOTE)}</p></div>` +
    `<script type="text/javascript">${draw}</script>`
  );
}

/**
 * The figure as `application/vnd.plotly.v1+json` wants it: plain JSON (non-finite numbers as
 * null, as in the HTML) with the chart's height in the layout, since plotly's renderers
 * otherwise pick their own (JupyterLab's: 360 px).
 */
export function toPlotlyJson(figure: Figure, options: PlotOptions = {}): PlotlyJson {
  checkFigure(figure);
  const layout = { ...figure.layout, height: chartHeight(figure, options) };
  return JSON.parse(JSON.stringify({ data: figure.data, layout, config: figureConfig(figure) })) as PlotlyJson;
}

/**
 * One chart output's mime bundle: the figure as `application/vnd.plotly.v1+json` (drawn by
 * plotly renderers even in untrusted notebooks), the self-contained HTML of `toPlotHtml`
 * (classic Notebook, JupyterLab and Notebook 7 without the renderer, exported HTML) and the
 * one-line text description. Pure and deterministic for a given id.
 */
export function toPlotBundle(figure: Figure, options: PlotHtmlOptions): MimeBundle {
  return { [PLOTLY_MIME_TYPE]: toPlotlyJson(figure, options), "text/html": toPlotHtml(figure, options), "text/plain": describeFigure(figure) };
}

/** A one-line text description of a figure: the text/plain fallback of a chart. */
export function describeFigure(figure: Figure): string {
  const types = [...new Set(figure.data.map((trace) => trace.type ?? "scatter"))].join(", ");
  const title = (figure.layout?.title as { text?: string } | undefined)?.text;
  return `[plotly figure${title ? `: ${title}` : ""} — ${figure.data.length} trace${figure.data.length === 1 ? "" : "s"} (${types})]`;
}

function checkFigure(figure: Figure): void {
  if (typeof figure !== "object" || figure === null || !Array.isArray(figure.data)) {
    throw new InvalidArgumentError("plot() takes a plotly figure { data: traces[], layout?, config? }", "build one with histogram(), scatter(), heatmap()... or write the traces yourself");
  }
}

let chartCount = 0;
let bundleEmitted = false;

/**
 * Shows a plotly figure in the notebook, offline, as one output carrying plotly's own mime type,
 * HTML and text (see `toPlotBundle`): the first chart of the kernel process embeds plotly.js in
 * its HTML once, later charts are a div and a small script. Element ids count up per process
 * (np-plot-1, np-plot-2, ...), so re-executing a notebook gives identical outputs.
 * Outside a kernel it prints the figure's one-line description.
 */
export function plot(figure: Figure, options: PlotOptions = {}): void {
  checkFigure(figure);
  if (!inKernel()) {
    process.stdout.write(`${describeFigure(figure)}\n`);
    return;
  }
  const includePlotly = options.includePlotly === true || !bundleEmitted;
  displayMimeBundle(toPlotBundle(figure, { ...options, id: `np-plot-${++chartCount}`, includePlotly }));
  bundleEmitted = true;
}

/**
 * A complete standalone HTML page (plotly embedded once) showing the figures: for saving a
 * report next to a notebook or checking charts in a browser.
 */
export function toStandalonePage(figures: readonly Figure[], title = "neuroportal figures"): string {
  const charts = figures.map((figure, i) => toPlotHtml(figure, { id: `np-plot-${i + 1}`, includePlotly: i === 0 })).join("\n");
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${charts}\n</body></html>\n`;
}
