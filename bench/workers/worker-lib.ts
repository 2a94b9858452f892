/**
 * Shared helpers for the neuroportal side of each benchmark. A worker runs in its own Node
 * process (so its peak memory is its own), reads a JSON task from argv, times the work with a
 * monotonic clock and prints one JSON report line, the same shape as the Python anchors'.
 */

/** The task of the S3 download workers: which prefix of which bucket to copy where (keys come from the environment). */
export interface S3DownloadTask {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  dest: string;
  concurrency?: number;
}

/** The JSON task given as the only argument. */
export function task<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("usage: node --import tsx <worker>.ts '<json task>'");
  return JSON.parse(raw) as T;
}

/** Runs `work` and returns its result and the seconds it took. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * Calls `work` `times` times in this process: the first call is cold (what a fresh script
 * pays), the later ones warm (what a live notebook kernel pays the second time).
 */
export async function repeated<T>(work: () => Promise<T> | T, times = 1): Promise<{ value: T; seconds: number; warmSeconds: number | null }> {
  const durations: number[] = [];
  let value!: T;
  for (let i = 0; i < Math.max(1, times); i++) {
    const run = await timed(work);
    value = run.value;
    durations.push(run.seconds);
  }
  const later = durations.slice(1).sort((a, b) => a - b);
  return { value, seconds: durations[0], warmSeconds: later.length ? later[Math.floor(later.length / 2)] : null };
}

let startupSeconds: number | undefined;
let danfoSeconds: number | undefined;
let s3SdkSeconds: number | undefined;

/**
 * Loads danfojs-node (TensorFlow.js inside) before timing, the way a Python anchor imports
 * pandas before its timer starts, and remembers how long that took.
 */
export function preloadDanfo(): void {
  danfoSeconds = secondsToRequire("danfojs-node");
}

/**
 * Loads the AWS SDK's S3 client (which neuroportal loads on first use) before timing, the way
 * the boto anchor imports boto before its timer starts, and remembers how long that took.
 */
export function preloadS3Sdk(): void {
  s3SdkSeconds = secondsToRequire("@aws-sdk/client-s3");
}

/** Loads a module and returns how long that took. */
function secondsToRequire(module: string): number {
  const started = process.hrtime.bigint();
  require(module);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Loads Node's built-in fetch implementation (undici, loaded on first use) before timing, the
 * way a Python anchor imports urllib or requests before its timer starts. Connection set-up
 * stays inside the timed call on both sides.
 */
export function preloadFetch(): void {
  void new Response("").arrayBuffer();
}

/** Prints the report line: seconds, the process's peak RSS so far, start-up costs, and the checks. */
export function report(seconds: number, figures: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ seconds, peakRssKb: process.resourceUsage().maxRSS, startupSeconds, danfoSeconds, s3SdkSeconds, ...figures })}\n`);
}

/** Runs a worker's main function, printing failures on stderr with a non-zero exit. */
export function runWorkerMain(main: () => Promise<void>): void {
  startupSeconds = process.uptime();
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
