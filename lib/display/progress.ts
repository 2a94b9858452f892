import { checkArgument, checkOptions, integer, milliseconds, record, text } from "../core/validate.js";
import { inKernel, tslab, type KernelDisplay } from "./kernel.js";

/** One progress step: how much is done, of how much, and an optional note (e.g. a file name). */
export interface ProgressUpdate {
  done: number;
  total?: number;
  text?: string;
}

/** A single updating progress line. */
export interface Progress {
  /** Records progress; the line is redrawn at most every `intervalMs`. */
  update(step: ProgressUpdate): void;
  /** Draws the final line (always) and stops updating. */
  done(text?: string): void;
}

/** Options of `progress`. */
export interface ProgressOptions {
  /** Minimum time between redraws in milliseconds (default 200). */
  intervalMs?: number;
  /** Width of the bar in characters (default 20). */
  width?: number;
  /** Where the terminal line goes outside a kernel (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

/** Formats one progress line: `label [#######.............] 35% 7/20 note`. Pure. */
export function formatProgress(label: string, step: ProgressUpdate, width = 20): string {
  const parts = [label];
  if (step.total !== undefined && step.total > 0) {
    const fraction = Math.min(Math.max(step.done / step.total, 0), 1);
    const filled = Math.round(fraction * width);
    parts.push(`[${"#".repeat(filled)}${".".repeat(width - filled)}]`, `${Math.floor(fraction * 100)}%`, `${step.done}/${step.total}`);
  } else {
    parts.push(String(step.done));
  }
  if (step.text) parts.push(step.text);
  return parts.join(" ");
}

/**
 * A progress line: inside a tslab kernel one output that updates in place (tslab display ids);
 * on a terminal a line redrawn on stderr; elsewhere (logs, pipes) only the final line.
 */
export function progress(label: string, options: ProgressOptions = {}): Progress {
  checkArgument(label, text(), "label", "progress()");
  checkOptions(options, "progress()", { intervalMs: milliseconds(0, 3_600_000), width: integer(1, 200), stream: record });
  const intervalMs = options.intervalMs ?? 200;
  const width = options.width ?? 20;
  const stream = options.stream ?? process.stderr;
  const kernelDisplay: KernelDisplay | undefined = inKernel() ? tslab().newDisplay() : undefined;
  let last: ProgressUpdate = { done: 0 };
  let drawnAt = -Infinity;
  let finished = false;
  const draw = (line: string, final: boolean) => {
    if (kernelDisplay) kernelDisplay.text(line);
    else if (stream.isTTY) stream.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
    else if (final) stream.write(`${line}\n`);
  };
  return {
    update(step) {
      if (finished) return;
      last = step;
      const now = Date.now();
      if (now - drawnAt < intervalMs) return;
      drawnAt = now;
      draw(formatProgress(label, step, width), false);
    },
    done(text) {
      if (finished) return;
      finished = true;
      const total = last.total ?? last.done;
      draw(formatProgress(label, { done: last.total ?? last.done, total: total > 0 ? total : undefined, text: text ?? "done" }, width), true);
    },
  };
}
