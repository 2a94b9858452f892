import { InvalidArgumentError } from "../http/errors.js";
import { escapeHtml, toScriptJson } from "./escape.js";
import type { Figure } from "./figures/figure.js";
import { displayBundle, inKernel } from "./kernel.js";
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

/**
 * Renders a figure as an HTML fragment: a div and a small script that draws it once
 * `window.Plotly` exists (waiting up to 10 s for a bundle emitted earlier on the page), plus the
 * bundle itself when `includePlotly` is set. Pure and deterministic for a given id.
 */
export function toPlotHtml(figure: Figure, options: PlotHtmlOptions): string {
  checkFigure(figure);
  const height = options.height ?? (typeof figure.layout?.height === "number" ? figure.layout.height : 420);
  const spec = toScriptJson({ data: figure.data, layout: figure.layout ?? {}, config: { ...DEFAULT_CONFIG, ...figure.config } });
  const id = escapeHtml(options.id);
  const idJson = toScriptJson(options.id);
  const draw =
    `(function(){var f=${spec},id=${idJson},t=0;` +
    `function el(){var all=document.querySelectorAll('[id="'+id+'"]'),i;for(i=all.length-1;i>=0;i--){if(!all[i].classList.contains("js-plotly-plot"))return all[i];}return all[all.length-1];}` +
    `function go(){var e=el();if(window.Plotly&&e){window.Plotly.newPlot(e,f.data,f.layout,f.config);}` +
    `else if(400>t++){setTimeout(go,25);}` +
    `else if(e){e.textContent="This chart needs plotly.js, which the first chart of the notebook embeds: run all cells from the top (or trust the notebook).";}}go();})();`;
  return (
    (options.includePlotly ? plotlyBundleScript() : "") +
    `<div id="${id}" class="np-plot" style="width:100%;height:${height}px"></div>` +
    `<script type="text/javascript">${draw}</script>`
  );
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
 * Shows a plotly figure in the notebook, offline: the first chart of the kernel process embeds
 * plotly.js once, later charts are a div and a small script. Element ids count up per process
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
  const html = toPlotHtml(figure, { ...options, id: `np-plot-${++chartCount}`, includePlotly });
  displayBundle({ "text/html": html, "text/plain": describeFigure(figure) });
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
