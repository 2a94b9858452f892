import * as path from "node:path";

/** The part of tslab's internal Jupyter module used to send display data (tslab 1.0.22). */
interface TslabJupyter {
  lastWriteDisplayData: ((message: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

/**
 * One output's representations, by mime type: strings for text formats, JSON values for JSON
 * mime types (e.g. `application/vnd.plotly.v1+json`). Front ends show the richest one they can.
 */
export type MimeBundle = Readonly<Record<string, string | object>>;

/** The public tslab display API (tslab 1.0.22 `tslab.display` / `tslab.newDisplay()`). */
export interface KernelDisplay {
  html(s: string): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): unknown;
}

interface Tslab {
  display: KernelDisplay;
  newDisplay(): KernelDisplay;
}

function loadedJupyterModule(): TslabJupyter | undefined {
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve("tslab/package.json")), "dist", "jupyter.js");
  } catch {
    return undefined;
  }
  return require.cache[file]?.exports as TslabJupyter | undefined;
}

/**
 * True when this process is a tslab kernel executing a cell. Decided without loading tslab:
 * a kernel has already loaded tslab's Jupyter module and set its display writer.
 */
export function inKernel(): boolean {
  return typeof loadedJupyterModule()?.lastWriteDisplayData === "function";
}

/** tslab's public display API, loaded lazily (only ever called inside a kernel). */
export function tslab(): Tslab {
  return require("tslab") as Tslab;
}

/**
 * Sends one display_data message carrying every representation of the bundle (e.g. a plotly
 * figure as JSON, its HTML and a text/plain fallback) through the kernel. If tslab's internal
 * writer is missing, sends the bundle's text/html (else its text/plain) alone.
 */
export function displayBundle(bundle: MimeBundle): void {
  const writer = loadedJupyterModule()?.lastWriteDisplayData;
  if (typeof writer === "function") {
    writer({ data: bundle, metadata: {}, transient: {} }, false);
    return;
  }
  const html = bundle["text/html"];
  if (typeof html === "string") tslab().display.html(html);
  else if (typeof bundle["text/plain"] === "string") tslab().display.text(bundle["text/plain"]);
}
