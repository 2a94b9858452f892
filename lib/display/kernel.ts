import { checkArgument, record } from "../core/validate.js";
import * as path from "node:path";

/**
 * The only module that touches tslab. Its public API (`tslab.display`, `newDisplay()`) sends
 * one mimetype per output, so an output with several representations (text/html with a
 * text/plain fallback, later application/vnd.plotly.v1+json) goes through tslab's internal
 * display writer. `test/display/kernel.test.ts` fails loudly when a tslab upgrade moves it.
 */

/** The tslab release this hook was verified against (the kernel test checks the installed one). */
export const VERIFIED_TSLAB_VERSION = "1.0.22";

/** One output's representations by mimetype: text (`text/html`, `text/plain`, ...) or JSON (`application/vnd.plotly.v1+json`). */
export type MimeBundle = Readonly<Record<string, string | object>>;

/** tslab's internal Jupyter module (`dist/jupyter.js`): the writer of the executing cell. */
interface TslabJupyter {
  lastWriteDisplayData: ((message: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

/** The public tslab display API (`tslab.display` / `tslab.newDisplay()`). */
export interface KernelDisplay {
  html(s: string): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): unknown;
}

interface Tslab {
  display: KernelDisplay;
  newDisplay(): KernelDisplay;
}

/** Where tslab's internal Jupyter module lives, or undefined when tslab is not installed. */
export function tslabJupyterFile(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve("tslab/package.json")), "dist", "jupyter.js");
  } catch {
    return undefined;
  }
}

function loadedJupyterModule(): TslabJupyter | undefined {
  const file = tslabJupyterFile();
  return file === undefined ? undefined : (require.cache[file]?.exports as TslabJupyter | undefined);
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
 * Sends one display_data message holding every representation of `bundle` (binary values are
 * sent base64-encoded, as tslab does). Outside a kernel, or should tslab's writer be gone, the
 * first text/html (else the first) representation goes through tslab's public API instead.
 */
export function displayMimeBundle(bundle: MimeBundle): void {
  checkArgument(bundle, record, "bundle", "displayMimeBundle()");
  const data: Record<string, string | object> = {};
  for (const [mime, value] of Object.entries(bundle)) data[mime] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
  const writer = loadedJupyterModule()?.lastWriteDisplayData;
  if (typeof writer === "function") {
    writer({ data, metadata: {}, transient: {} }, false);
    return;
  }
  const mime = "text/html" in data ? "text/html" : Object.keys(data)[0];
  if (mime === undefined) return;
  const value = data[mime];
  tslab().display.raw(mime, typeof value === "string" ? value : JSON.stringify(value));
}
