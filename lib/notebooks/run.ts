import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError, NeuroportalError } from "../errors.js";
import { redact } from "../core/redact.js";
import { PACKAGE_ROOT, SYSTEM_PYTHON, jupyterEnv } from "./toolchain.js";

/** The outcome of executing one notebook. */
export interface NotebookRun {
  notebook: string;
  cells: number;
  status: "ok" | "error";
  seconds: number;
  failedCell: number | null;
  executed: string;
  html?: string;
  htmlBytes?: number;
  /** What the runner printed on stderr (cell timings, the failing cell's output). */
  log: string;
}

export interface RunNotebookOptions {
  /** Folder for the executed .ipynb and .html (created if needed). */
  outDir: string;
  /** Extra environment for the kernel, e.g. NEUROPORTAL_DEMO. */
  env?: Record<string, string>;
  /** Write an HTML report too (default true). */
  html?: boolean;
  /** Per-cell timeout in seconds (default 300). */
  timeoutSeconds?: number;
  /** Receives the runner's progress lines as they come. */
  onLog?: (line: string) => void;
}

/**
 * Executes a notebook under its kernel (tslab) with Debian's nbclient, never allowing
 * errors: the run fails on the first failing cell and the log holds that cell's output.
 */
export async function runNotebook(notebook: string, options: RunNotebookOptions): Promise<NotebookRun> {
  if (!fs.existsSync(notebook)) throw new InvalidArgumentError(`no notebook at ${notebook}`);
  if (!fs.existsSync(SYSTEM_PYTHON)) {
    throw new NeuroportalError("E_TOOLCHAIN", `${SYSTEM_PYTHON} is missing`, { hint: "install Debian's jupyter-notebook, jupyter-nbconvert and python3-nbclient (npm start does this when run as root)" });
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const base = path.basename(notebook, ".ipynb");
  const executed = path.join(options.outDir, `${base}.ipynb`);
  const html = options.html === false ? undefined : path.join(options.outDir, `${base}.html`);
  const args = [path.join(PACKAGE_ROOT, "scripts", "run_notebook.py"), notebook, executed, ...(html ? [html] : []), "--timeout", String(options.timeoutSeconds ?? 300)];
  const child = spawn(SYSTEM_PYTHON, args, { env: jupyterEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let log = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    const text = redact(String(chunk));
    log += text;
    for (const line of text.split("\n")) if (line.trim()) options.onLog?.(line);
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const summary = lastJsonLine(stdout);
  if (!summary) {
    throw new NeuroportalError("E_TOOLCHAIN", `the notebook runner failed (exit ${code}) on ${path.basename(notebook)}: ${log.slice(-2000)}`, {
      hint: "is Debian's python3-nbclient installed and the tslab kernel reachable (npm ci)?",
    });
  }
  return {
    notebook,
    cells: summary.cells,
    status: summary.status === "ok" && code === 0 ? "ok" : "error",
    seconds: summary.seconds,
    failedCell: summary.failed_cell,
    executed,
    html,
    htmlBytes: summary.html_bytes ?? undefined,
    log,
  };
}

function lastJsonLine(text: string): any {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line);
    } catch {
      /* not the summary */
    }
  }
  return undefined;
}

/** A plain-text table of runs: notebook, cells, status, seconds, HTML size. */
export function formatRunTable(runs: readonly NotebookRun[]): string {
  const rows = runs.map((r) => [path.basename(r.notebook), String(r.cells), r.status, r.seconds.toFixed(1), r.htmlBytes === undefined ? "-" : `${(r.htmlBytes / 1e6).toFixed(2)} MB`]);
  const header = ["notebook", "cells", "status", "seconds", "html"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
