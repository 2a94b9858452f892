import * as path from "node:path";

/** The part of tslab's internal Jupyter module used to send display data (tslab 1.0.22). */
interface TslabJupyter {
  lastWriteDisplayData: ((message: { data: Record<string, string>; metadata: object; transient: object }, update: boolean) => void) | null;
}

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
 * Sends one display_data message with several representations (e.g. text/html plus a
 * text/plain fallback) through the kernel. Falls back to html only if the writer is missing.
 */
export function displayBundle(bundle: { html: string; text?: string }): void {
  const writer = loadedJupyterModule()?.lastWriteDisplayData;
  if (typeof writer === "function" && bundle.text !== undefined) {
    writer({ data: { "text/html": bundle.html, "text/plain": bundle.text }, metadata: {}, transient: {} }, false);
    return;
  }
  tslab().display.html(bundle.html);
}
