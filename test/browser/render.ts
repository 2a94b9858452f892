import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Chromium } from "./chromium.js";

/** What one chart container looked like after rendering. */
export interface ChartState {
  id: string;
  drawn: boolean;
  svgElements: number;
  traces: number;
  text: string;
}

/** Collapsed sections (`<details>`, e.g. exercise solutions) as rendered. */
export interface DetailsState {
  count: number;
  open: number;
  /** Sections whose code blocks are visible (open, or a renderer that ignores <details>). A closed section's content may keep its boxes (Chromium hides it with content-visibility), so visibility is asked with checkVisibility(). */
  codeShown: number;
  /** Sections with a <summary> line to click. */
  withSummary: number;
}

/** HTML tables (show()'s .np-frame outputs) as laid out. */
export interface TableLayout {
  count: number;
  /** Tables wider than their output that cannot scroll sideways (cut off or spilling over). */
  spilling: string[];
  /** The page itself scrolls sideways (something is wider than the window). */
  pageWiderThanWindow: boolean;
}

/** The result of rendering one HTML file. */
export interface RenderResult {
  charts: ChartState[];
  details: DetailsState;
  tables: TableLayout;
  /** Requests to anything but file:, data:, blob: and about: URLs. */
  externalRequests: string[];
  exceptions: string[];
  screenshot: string;
}

const LOCAL_SCHEMES = ["file:", "data:", "blob:", "about:"];

/** True for URLs that stay on this machine without any network (files, inline data). */
export function isLocalUrl(url: string): boolean {
  return LOCAL_SCHEMES.some((scheme) => url.startsWith(scheme));
}

const CHART_STATE = `(() => Array.from(document.querySelectorAll(".np-plot")).map((el) => ({
  id: el.id,
  drawn: el.classList.contains("js-plotly-plot"),
  svgElements: el.querySelectorAll(".main-svg *").length,
  traces: el.querySelectorAll(".main-svg .trace, .main-svg .hm, .main-svg .heatmaplayer image").length,
  text: (el.textContent || "").slice(0, 200),
})))()`;

/** Page expression: the state of every <details> under `root` (an expression for an element or document). */
export const detailsState = (root: string) => `(() => { const all = Array.from(${root}.querySelectorAll("details"));
  return { count: all.length, open: all.filter((d) => d.open).length,
    codeShown: all.filter((d) => Array.from(d.querySelectorAll("pre")).some((p) => (p.checkVisibility ? p.checkVisibility() : p.getClientRects().length > 0))).length,
    withSummary: all.filter((d) => d.querySelector("summary")).length }; })()`;

const TABLE_LAYOUT = `(() => { const frames = Array.from(document.querySelectorAll(".np-frame"));
  const spilling = frames.filter((f) => f.scrollWidth > f.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(f).overflowX))
    .map((f) => (f.querySelector("caption") || f.querySelector("th:not(:empty)") || f).textContent.slice(0, 80));
  return { count: frames.length, spilling, pageWiderThanWindow: document.documentElement.scrollWidth > window.innerWidth + 1 }; })()`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens an HTML file from file:// in a fresh tab, waits until every `.np-plot` chart has drawn
 * (or `timeoutMs` passes), records every request that would leave the machine and every
 * uncaught exception, how collapsed sections and tables are laid out, and saves a full-page
 * screenshot.
 */
export async function renderFile(browser: Chromium, file: string, screenshot: string, timeoutMs = 20_000): Promise<RenderResult> {
  const { sessionId, targetId } = await browser.newPage();
  const externalRequests: string[] = [];
  const exceptions: string[] = [];
  let loaded = false;
  const unsubscribe = browser.on((event) => {
    if (event.sessionId !== sessionId) return;
    if (event.method === "Network.requestWillBeSent") {
      const url = String((event.params.request as { url: string }).url);
      if (!isLocalUrl(url)) externalRequests.push(url);
    } else if (event.method === "Runtime.exceptionThrown") {
      const details = event.params.exceptionDetails as { text?: string; exception?: { description?: string } };
      exceptions.push(details.exception?.description ?? details.text ?? "exception");
    } else if (event.method === "Page.loadEventFired") {
      loaded = true;
    }
  });
  try {
    await browser.send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 1400, deviceScaleFactor: 1, mobile: false }, sessionId);
    await browser.send("Page.navigate", { url: pathToFileURL(path.resolve(file)).href }, sessionId);
    const deadline = Date.now() + timeoutMs;
    let charts: ChartState[] = [];
    while (Date.now() < deadline) {
      if (loaded) {
        const { result } = (await browser.send("Runtime.evaluate", { expression: CHART_STATE, returnByValue: true }, sessionId)) as { result: { value: ChartState[] } };
        charts = result.value;
        if (charts.every((chart) => chart.drawn && chart.traces > 0)) break;
      }
      await sleep(200);
    }
    if (!loaded) throw new Error(`${file} did not finish loading within ${timeoutMs} ms`);
    await sleep(300);
    const { result } = (await browser.send("Runtime.evaluate", { expression: CHART_STATE, returnByValue: true }, sessionId)) as { result: { value: ChartState[] } };
    charts = result.value;
    const evaluate = async <T>(expression: string) => ((await browser.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)) as { result: { value: T } }).result.value;
    const details = await evaluate<DetailsState>(detailsState("document"));
    const tables = await evaluate<TableLayout>(TABLE_LAYOUT);
    const metrics = (await browser.send("Page.getLayoutMetrics", {}, sessionId)) as { cssContentSize: { width: number; height: number } };
    const height = Math.min(Math.ceil(metrics.cssContentSize.height), 16_000);
    const shot = (await browser.send(
      "Page.captureScreenshot",
      { format: "png", captureBeyondViewport: true, clip: { x: 0, y: 0, width: 1200, height, scale: 1 } },
      sessionId,
    )) as { data: string };
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    fs.writeFileSync(screenshot, Buffer.from(shot.data, "base64"));
    return { charts, details, tables, externalRequests, exceptions, screenshot };
  } finally {
    unsubscribe();
    await browser.send("Target.closeTarget", { targetId }).catch(() => undefined);
  }
}
