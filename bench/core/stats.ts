import type { Measurement, ScalePoint, ScalingRow } from "./types.js";

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One run of a side: the figure compared, plus what the process reported about itself. */
export interface RunFigures {
  seconds: number;
  warmSeconds?: number | null;
  serverMs?: number;
  wallSeconds?: number;
  peakRssKb?: number | null;
  cpuSeconds?: number | null;
  requests?: number;
}

/** Runs `once` `times` times in a row and summarises the runs as a {@link Measurement}. */
export async function measure(tool: string, times: number, once: () => Promise<RunFigures>): Promise<Measurement> {
  const runs: RunFigures[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  return summarise(tool, runs);
}

/** Summarises runs: median time, median wall time, largest peak memory, requests of the first run. */
export function summarise(tool: string, runs: readonly RunFigures[]): Measurement {
  const seconds = runs.map((run) => run.seconds);
  const warm = runs.map((run) => run.warmSeconds).filter((v): v is number => typeof v === "number");
  const walls = runs.map((run) => run.wallSeconds).filter((v): v is number => v !== undefined);
  const cpu = runs.map((run) => run.cpuSeconds).filter((v): v is number => typeof v === "number");
  const memories = runs.map((run) => run.peakRssKb).filter((v): v is number => typeof v === "number");
  return {
    tool,
    seconds: median(seconds),
    runs: seconds,
    warmSeconds: warm.length ? median(warm) : undefined,
    wallSeconds: walls.length ? median(walls) : undefined,
    peakRssMb: memories.length ? Math.max(...memories) / 1024 : undefined,
    cpuSeconds: cpu.length ? median(cpu) : undefined,
    requests: runs[0]?.requests,
    serverMs: runs[0]?.serverMs,
  };
}

/** anchor / neuroportal, guarded against a zero denominator. */
export function ratioOf(anchorSeconds: number, neuroportalSeconds: number): number {
  return anchorSeconds / Math.max(neuroportalSeconds, 1e-9);
}

/**
 * Describes how time and memory grow over a series of sizes (factors 1/4, 1, 4): the time
 * exponent between the smallest and the largest size, and the memory growth over that span.
 */
export function scalingOf(benchmark: string, tool: string, points: ScalePoint[], memoryExpectation: ScalingRow["memoryExpectation"]): ScalingRow {
  const sorted = [...points].sort((a, b) => a.factor - b.factor);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const span = Math.log(last.factor / first.factor);
  const exponent = (a: ScalePoint, b: ScalePoint) => Math.log(b.seconds / Math.max(a.seconds, 1e-9)) / Math.log(b.factor / a.factor);
  const timeExponent = span > 0 ? exponent(first, last) : NaN;
  const segmentExponents = sorted.slice(1).map((point, i) => exponent(sorted[i], point));
  const memoryGrowth = first.peakRssMb && last.peakRssMb ? last.peakRssMb / first.peakRssMb : null;
  return {
    benchmark,
    tool,
    points: sorted,
    timeExponent,
    segmentExponents,
    linear: [timeExponent, ...segmentExponents].every((e) => e <= 1.15),
    memoryGrowth,
    memoryFlat: memoryGrowth === null ? null : memoryGrowth <= 1.5,
    memoryExpectation,
  };
}
