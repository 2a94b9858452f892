import * as fs from "node:fs";
import * as path from "node:path";
import { UNTRUSTED_CHART_NOTE } from "../../lib/display/plot.js";
import type { Chromium } from "./chromium.js";
import type { JupyterServer } from "./jupyter-server.js";
import { detailsState, type DetailsState } from "./render.js";

/** The two front ends of the Jupyter server: JupyterLab 4 and Notebook 7. */
export type Frontend = "JupyterLab 4" | "Notebook 7";

/** What a notebook's model says after running or loading: counts, and the text of anything that went wrong. */
export interface ModelSummary {
  codeCells: number;
  executed: number;
  /** Code cells whose outputs are trusted (scripts run, HTML unsanitised). */
  trusted: number;
  /** Outputs carrying plotly's mime type: the charts the notebook holds. */
  charts: number;
  errors: string[];
}

/** What the page shows of the notebook's charts. */
export interface ChartView {
  /** Outputs drawn by plotly's JupyterLab renderer, and how many of them show a chart (drawn, or its saved PNG). */
  renderer: number;
  rendererShown: number;
  /** plot()'s HTML chart elements, and how many of them plotly.js drew from their script. */
  html: number;
  htmlDrawn: number;
  /** Visible untrusted-notebook sentences, and the tallest output holding one (px). */
  notes: number;
  tallestNoteOutput: number;
}

/** An open notebook in a front end, in its own Chromium tab. */
export interface NotebookPage {
  readonly frontend: Frontend;
  /** A page expression for the notebook's panel (a Lumino widget). */
  readonly panel: string;
  /** Requests that would leave the machine (anything but the server, data:, blob:, about:). */
  readonly external: string[];
  /** Uncaught exceptions in the page. */
  readonly exceptions: string[];
  evaluate<T>(expression: string, awaitPromise?: boolean): Promise<T>;
  /** Polls `check` on the page's state until it holds; fails with the last state and `what`. */
  waitFor<T>(state: () => Promise<T>, check: (value: T) => boolean, what: string, ms?: number): Promise<T>;
  model(): Promise<ModelSummary>;
  charts(): Promise<ChartView>;
  /** The collapsed sections (`<details>`) the notebook's rendered markdown shows. */
  details(): Promise<DetailsState>;
  /** Run All through the front end's own command; resolves true when every cell succeeded. */
  runAll(ms?: number): Promise<boolean>;
  /** Saves through the front end's own command and waits until the document is clean. */
  save(): Promise<void>;
  /** A screenshot of the tab, scrolled to the notebook's first chart if it has one. */
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

/** An expression for a notebook panel: JupyterLab's by widget id (several may be open), Notebook 7's only one. */
const panelById = (id: string) => `(window.jupyterapp && Array.from(window.jupyterapp.shell.widgets("main")).find((w) => w.id === ${JSON.stringify(id)}))`;
const CURRENT_PANEL = "(window.jupyterapp && window.jupyterapp.shell.currentWidget)";

const loaded = (panel: string) => `(() => { const p = ${panel}; return !!(p && p.context && p.context.isReady && p.content && p.content.widgets && p.content.widgets.length > 0); })()`;

const kernelIdle = (panel: string) => `(() => { const p = ${panel}; const k = p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel;
  return !!(k && k.connectionStatus === "connected" && k.status === "idle"); })()`;

const model = (panel: string) => `(() => {
  const p = ${panel}; const cells = p.content.model.toJSON().cells.filter((c) => c.cell_type === "code");
  const text = (v) => (Array.isArray(v) ? v.join("") : String(v || ""));
  const errors = [];
  let charts = 0;
  cells.forEach((c, i) => (c.outputs || []).forEach((o) => {
    if (o.output_type === "error") errors.push("cell " + i + ": " + o.ename + ": " + o.evalue);
    if (o.output_type === "stream" && o.name === "stderr") errors.push("cell " + i + " stderr: " + text(o.text).slice(0, 500));
    if (o.data && o.data["application/vnd.plotly.v1+json"]) charts++;
  }));
  return { codeCells: cells.length, executed: cells.filter((c) => c.execution_count !== null).length,
    trusted: p.content.widgets.filter((w) => w.model.type === "code" && w.model.trusted).length, charts, errors };
})()`;

const charts = (panel: string) => `(() => {
  const note = ${JSON.stringify(UNTRUSTED_CHART_NOTE)};
  const drawn = (el) => { const s = el.querySelector(".main-svg");
    return !!s && Number(s.getAttribute("width")) > 0 && Number(s.getAttribute("height")) > 0 && el.querySelectorAll(".main-svg .trace, .main-svg .hm, .main-svg .heatmaplayer image").length > 0; };
  const image = (el) => { const i = el.querySelector("img.plot-img"); return !!i && i.style.display !== "none" && i.naturalWidth > 0; };
  const root = ${panel}.content.node;
  const renderer = Array.from(root.querySelectorAll(".jp-RenderedPlotly"));
  const html = Array.from(root.querySelectorAll(".jp-OutputArea-output .np-plot"));
  const notes = Array.from(root.querySelectorAll(".jp-OutputArea-output .np-plot-note")).filter((n) => n.offsetHeight > 0 && n.textContent.replace(/\\s+/g, " ").trim() === note);
  return { renderer: renderer.length, rendererShown: renderer.filter((el) => drawn(el) || image(el)).length,
    html: html.length, htmlDrawn: html.filter((el) => el.classList.contains("js-plotly-plot") && drawn(el)).length,
    notes: notes.length, tallestNoteOutput: Math.max(0, ...notes.map((n) => n.closest(".jp-OutputArea-output").getBoundingClientRect().height)) };
})()`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A front end in a Chromium tab, opening notebooks (paths relative to the server's root) as a
 * user would: JupyterLab keeps one app page and opens each notebook in it with its own
 * docmanager:open command (closing it disposes the panel), Notebook 7 opens each notebook in
 * its own page. Requests that would leave the machine are recorded per notebook. The app page
 * is brought to the front before each notebook: a background tab gets no animation frames,
 * and Lumino renders on them.
 */
export class FrontendTabs {
  private lab: { sessionId: string; targetId: string; external: string[]; exceptions: string[]; unsubscribe: () => void } | undefined;

  constructor(
    private readonly browser: Chromium,
    private readonly server: JupyterServer,
    readonly frontend: Frontend,
  ) {}

  private watch(sessionId: string): { external: string[]; exceptions: string[]; unsubscribe: () => void } {
    const external: string[] = [];
    const exceptions: string[] = [];
    const http = `${this.server.base}/`;
    const ws = `${this.server.base.replace(/^http/, "ws")}/`;
    const unsubscribe = this.browser.on((event) => {
      if (event.sessionId !== sessionId) return;
      if (event.method === "Network.requestWillBeSent") {
        const url = String((event.params.request as { url: string }).url);
        if (!url.startsWith(http) && !url.startsWith(ws) && !/^(data|blob|about):/.test(url)) external.push(url);
      } else if (event.method === "Network.webSocketCreated") {
        const url = String(event.params.url);
        if (!url.startsWith(ws)) external.push(url);
      } else if (event.method === "Runtime.exceptionThrown") {
        const details = event.params.exceptionDetails as { text?: string; exception?: { description?: string } };
        exceptions.push((details.exception?.description ?? details.text ?? "exception").slice(0, 500));
      }
    });
    return { external, exceptions, unsubscribe };
  }

  private async newTab(url: string): Promise<{ sessionId: string; targetId: string; external: string[]; exceptions: string[]; unsubscribe: () => void }> {
    const { sessionId, targetId } = await this.browser.newPage();
    const watched = this.watch(sessionId);
    await this.browser.send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 1400, deviceScaleFactor: 1, mobile: false }, sessionId);
    await this.browser.send("Page.navigate", { url }, sessionId);
    return { sessionId, targetId, ...watched };
  }

  private evaluator(sessionId: string) {
    return async <T>(expression: string, awaitPromise = false): Promise<T> => {
      const reply = (await this.browser.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise }, sessionId)) as {
        result: { value: T };
        exceptionDetails?: { text?: string; exception?: { description?: string } };
      };
      if (reply.exceptionDetails) throw new Error(`page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
      return reply.result.value;
    };
  }

  private waiter(what: string) {
    return async <T>(state: () => Promise<T>, check: (value: T) => boolean, failure: string, ms = 60_000): Promise<T> => {
      const deadline = Date.now() + ms;
      let last: T | string;
      for (;;) {
        try {
          last = await state();
          if (check(last)) return last;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`${this.frontend}, ${what}: ${failure} within ${ms} ms; last state ${JSON.stringify(last)}; server log: ${this.server.log().slice(-1500)}`);
        await sleep(250);
      }
    };
  }

  /**
   * Opens a notebook and waits until its document is loaded (and, with `kernel`, its kernel
   * idle). `background` (JupyterLab) opens it in a tab behind the current one, hidden.
   */
  async open(relative: string, options: { kernel?: boolean; timeoutMs?: number; background?: boolean } = {}): Promise<NotebookPage> {
    const ms = options.timeoutMs ?? 90_000;
    const encoded = relative.split("/").map(encodeURIComponent).join("/");
    let tab: { sessionId: string; targetId: string; external: string[]; exceptions: string[] };
    let panel: string;
    let closeView: () => Promise<void>;
    let firstRequest = 0;
    let firstException = 0;
    if (this.frontend === "JupyterLab 4") {
      if (!this.lab) {
        this.lab = await this.newTab(`${this.server.base}/lab?reset`);
        const evaluate = this.evaluator(this.lab.sessionId);
        await this.waiter("the app")(() => evaluate<boolean>("!!(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open'))"), Boolean, "JupyterLab did not start", ms);
        await evaluate("window.jupyterapp.restored.then(() => true)", true);
      }
      tab = this.lab;
      await this.browser.send("Page.bringToFront", {}, tab.sessionId);
      firstRequest = tab.external.length;
      firstException = tab.exceptions.length;
      const evaluate = this.evaluator(tab.sessionId);
      const openOptions = options.background ? `, options: { mode: "tab-after", activate: false }` : "";
      const id = await evaluate<string>(`window.jupyterapp.commands.execute("docmanager:open", { path: ${JSON.stringify(relative)}, factory: "Notebook"${openOptions} }).then((w) => w.id)`, true);
      panel = panelById(id);
      closeView = async () => void (await evaluate(`(() => { const p = ${panel}; if (p) p.dispose(); return true; })()`));
    } else {
      const own = await this.newTab(`${this.server.base}/notebooks/${encoded}`);
      tab = own;
      panel = CURRENT_PANEL;
      closeView = async () => {
        own.unsubscribe();
        await this.browser.send("Target.closeTarget", { targetId: own.targetId }).catch(() => undefined);
      };
    }
    const evaluate = this.evaluator(tab.sessionId);
    const waitFor = this.waiter(relative);
    const sessionId = tab.sessionId;
    const browser = this.browser;
    const page: NotebookPage = {
      frontend: this.frontend,
      panel,
      get external() {
        return tab.external.slice(firstRequest);
      },
      get exceptions() {
        return tab.exceptions.slice(firstException);
      },
      evaluate,
      waitFor,
      model: () => evaluate<ModelSummary>(model(panel)),
      charts: () => evaluate<ChartView>(charts(panel)),
      details: () => evaluate<DetailsState>(detailsState(`${panel}.content.node`)),
      async runAll(timeoutMs = 300_000) {
        const run = evaluate<boolean>(`(() => { window.jupyterapp.shell.activateById(${panel}.id); return window.jupyterapp.commands.execute("notebook:run-all-cells"); })()`, true);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Run All of ${relative} did not finish within ${timeoutMs} ms`)), timeoutMs)));
        try {
          return await Promise.race([run, timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
      async save() {
        await evaluate(`(() => { window.jupyterapp.shell.activateById(${panel}.id); return window.jupyterapp.commands.execute("docmanager:save").then(() => true); })()`, true);
        await waitFor(() => evaluate<boolean>(`!${panel}.context.model.dirty`), (clean) => clean, "the notebook did not save", 30_000);
      },
      async screenshot(file) {
        await evaluate(`(() => { const p = ${panel}; window.jupyterapp.shell.activateById(p.id);
          const chart = p.content.node.querySelector(".jp-RenderedPlotly, .jp-OutputArea-output .np-plot"); if (chart) chart.scrollIntoView({ block: "center" }); return true; })()`);
        await sleep(300);
        const shot = (await browser.send("Page.captureScreenshot", { format: "png" }, sessionId)) as { data: string };
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, Buffer.from(shot.data, "base64"));
      },
      close: closeView,
    };
    try {
      await waitFor(() => evaluate<boolean>(loaded(panel)), Boolean, "the notebook did not load", ms);
      if (options.kernel) await waitFor(() => evaluate<boolean>(kernelIdle(panel)), Boolean, "the kernel did not connect", ms);
    } catch (error) {
      await page.close();
      throw error;
    }
    return page;
  }

  /** Closes the JupyterLab app page, if one is open. */
  async close(): Promise<void> {
    if (!this.lab) return;
    this.lab.unsubscribe();
    await this.browser.send("Target.closeTarget", { targetId: this.lab.targetId }).catch(() => undefined);
    this.lab = undefined;
  }
}
