/** Sizes every benchmark runs at: quick mode for the smoke test, full for `npm run bench`. */
export type BenchMode = "quick" | "full";

/** One timed side of a comparison (an anchor or neuroportal). */
export interface Measurement {
  /** The tool, e.g. "pyxnat 1.5 (Debian)" or "neuroportal". */
  tool: string;
  /** The figure compared (median over runs), in seconds. */
  seconds: number;
  /** Every run's figure, in seconds. */
  runs: number[];
  /** The same work repeated in the same process (warm: connections, JIT and caches ready), median, in seconds. */
  warmSeconds?: number;
  /** Wall time of the whole process (start-up included), median, in seconds. */
  wallSeconds?: number;
  /** CPU seconds (user + system) of the whole process, median over runs. */
  cpuSeconds?: number;
  /** Peak resident set size of the process, in MiB (the largest over runs). */
  peakRssMb?: number;
  /** HTTP requests the tool made for one call (counted by the latency proxy). */
  requests?: number;
  /** Milliseconds the demo server spent answering one call's requests (summed over requests). */
  serverMs?: number;
}

/** One line of the main table: neuroportal against one anchor (or against a fixed goal). */
export interface ComparisonRow {
  benchmark: string;
  /** What was timed, in words (same data on both sides). */
  measured: string;
  anchor: Measurement | null;
  neuroportal: Measurement;
  /** anchor seconds / neuroportal seconds; null when there is no anchor. */
  ratio: number | null;
  /** The goal in words, e.g. ">= 10x" or "< 15 s". */
  goal: string;
  /** Whether the goal was met; null when the row is reported without a goal. */
  met: boolean | null;
  /** Why the goal was missed (measured, not guessed), or a remark. */
  note?: string;
}

/** One size of a scaling series. */
export interface ScalePoint {
  /** 0.25, 1 or 4. */
  factor: number;
  /** The size in words, e.g. "50 x 1 MiB". */
  size: string;
  seconds: number;
  peakRssMb?: number;
}

/** How cost grows with size for one tool on one benchmark. */
export interface ScalingRow {
  benchmark: string;
  tool: string;
  points: ScalePoint[];
  /** Exponent of time against size between the smallest and largest size (1 = linear). */
  timeExponent: number;
  /** The exponent between each pair of neighbouring sizes (1/4 to 1x, 1x to 4x). */
  segmentExponents: number[];
  /** True when time grows at most linearly overall and between neighbouring sizes (every exponent <= 1.15). */
  linear: boolean;
  /** Peak memory at the largest size divided by peak memory at the smallest. */
  memoryGrowth: number | null;
  /** True when memory stays within 1.5x of the smallest size's while size grows 16x. */
  memoryFlat: boolean | null;
  /** Whether flat memory is expected (streaming) or memory must hold the result (a table). */
  memoryExpectation: "flat" | "holds the result";
}

/** Everything one benchmark file reports. */
export interface BenchmarkOutcome {
  id: string;
  title: string;
  rows: ComparisonRow[];
  scaling: ScalingRow[];
  /** Extra figures (documents per second, requests made, ...) and observations. */
  notes: string[];
  /** The 1-minute load average when the benchmark started and ended (other work on the machine). */
  load?: { start: number; end: number };
  /** Set when the benchmark could not run; the table then says so. */
  error?: string;
  seconds: number;
}

/** The machine the run happened on. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  python: string;
  tools: Record<string, string>;
}

/** The machine-readable result file (bench/results/latest.json). */
export interface BenchReport {
  startedAt: string;
  mode: BenchMode;
  totalSeconds: number;
  /** os.loadavg() at the start and the end of the run. */
  loadAverage: { start: number[]; end: number[] };
  machine: MachineInfo;
  benchmarks: BenchmarkOutcome[];
}
