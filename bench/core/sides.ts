import type { LatencyProxy } from "./latency-proxy.js";
import type { ProgramRun } from "./process.js";
import { RunFigures, summarise } from "./stats.js";
import type { Measurement } from "./types.js";

/** A side's summary plus the report of its last run (for answer checks). */
export interface SideResult {
  measurement: Measurement;
  report: Record<string, any>;
}

export interface TimeSideOptions {
  /** Counts the requests of each run (reset before it). */
  proxy?: LatencyProxy;
  /** Compare whole-process wall time instead of the time the program reports for its work. */
  useWall?: boolean;
  /** Calls of the work per program run (the task's `repeat`); request counts are per call. */
  callsPerRun?: number;
  /** Stop repeating once the runs so far took this many seconds in all (at least one run is made). */
  budgetSeconds?: number;
  /** Runs before each run, untimed (e.g. emptying the download folder). */
  before?: () => Promise<void> | void;
}

/** Runs one side `times` times and summarises it; each run is a separate program run. */
export async function timeSide(tool: string, times: number, once: () => Promise<ProgramRun>, options: TimeSideOptions = {}): Promise<SideResult> {
  const figures: RunFigures[] = [];
  let last: Record<string, any> = {};
  const started = Date.now();
  for (let i = 0; i < times; i++) {
    if (i > 0 && options.budgetSeconds !== undefined && (Date.now() - started) / 1000 > options.budgetSeconds) break;
    await options.before?.();
    options.proxy?.reset();
    const run = await once();
    const reported = run.report ?? {};
    if (!options.useWall && typeof reported.seconds !== "number") throw new Error(`${tool} printed no report: ${run.stdout.slice(-500)} ${run.stderr.slice(-500)}`);
    const calls = options.callsPerRun ?? 1;
    const upstream = options.proxy?.upstreamMs ?? [];
    figures.push({
      seconds: options.useWall ? run.wallSeconds : reported.seconds,
      warmSeconds: typeof reported.warmSeconds === "number" ? reported.warmSeconds : null,
      serverMs: options.proxy ? upstream.reduce((a, b) => a + b, 0) / calls : undefined,
      wallSeconds: run.wallSeconds,
      peakRssKb: run.peakRssKb ?? reported.peakRssKb ?? null,
      cpuSeconds: run.cpuSeconds,
      requests: options.proxy ? options.proxy.requests / calls : undefined,
    });
    last = reported;
  }
  return { measurement: summarise(tool, figures), report: last };
}
