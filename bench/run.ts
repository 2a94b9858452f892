/**
 * `npm run bench`: measures neuroportal against the anchors named in BENCHMARKS.md on the same
 * data in one run, then writes bench/results/latest.json and BENCHMARKS.md.
 *
 * usage: tsx bench/run.ts [--quick] [--only=id,id] [--json=FILE] [--markdown=FILE|--no-markdown]
 */
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BenchContext, Benchmark } from "./core/context.js";
import { describeMachine } from "./core/machine.js";
import { BENCH_ROOT, REPO_ROOT } from "./core/process.js";
import { writeReport } from "./core/report.js";
import type { BenchMode, BenchReport, BenchmarkOutcome } from "./core/types.js";
import { allBenchmarks } from "./benchmarks/index.js";

export interface RunBenchOptions {
  mode: BenchMode;
  only?: readonly string[];
  jsonFile: string;
  /** null: do not write Markdown. */
  markdownFile: string | null;
  log?: (line: string) => void;
}

/** Runs the selected benchmarks in order and writes the reports; returns what was written. */
export async function runBench(options: RunBenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const selected = selectBenchmarks(options.only);
  const context = new BenchContext(options.mode, options.log);
  const outcomes: BenchmarkOutcome[] = [];
  const interrupted = (signal: NodeJS.Signals) => {
    context.log(`${signal}: stopping the demo services and removing scratch files`);
    context.close().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    for (const benchmark of selected) {
      const begun = Date.now();
      const loadStart = os.loadavg()[0];
      context.log(`${benchmark.id}: start`);
      try {
        const result = await benchmark.run(context);
        outcomes.push({ id: benchmark.id, title: benchmark.title, ...result, seconds: (Date.now() - begun) / 1000, load: { start: loadStart, end: os.loadavg()[0] } });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log(`${benchmark.id}: FAILED: ${message}`);
        outcomes.push({ id: benchmark.id, title: benchmark.title, rows: [], scaling: [], notes: [], error: message.split("\n")[0].slice(0, 400), seconds: (Date.now() - begun) / 1000 });
      }
      context.log(`${benchmark.id}: done in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await context.close();
  }
  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    mode: options.mode,
    totalSeconds: (Date.now() - started) / 1000,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    machine: describeMachine(),
    benchmarks: outcomes,
  };
  writeReport(report, options.jsonFile, options.markdownFile);
  return report;
}

function selectBenchmarks(only: readonly string[] | undefined): Benchmark[] {
  if (!only || only.length === 0) return allBenchmarks;
  const unknown = only.filter((id) => !allBenchmarks.some((b) => b.id === id));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${allBenchmarks.map((b) => b.id).join(", ")}`);
  return allBenchmarks.filter((b) => only.includes(b.id));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "string" },
      markdown: { type: "string" },
      "no-markdown": { type: "boolean", default: false },
    },
    strict: true,
  });
  const mode: BenchMode = values.quick ? "quick" : "full";
  const jsonFile = path.resolve(values.json ?? path.join(BENCH_ROOT, "results", mode === "quick" ? "quick.json" : "latest.json"));
  const defaultMarkdown = mode === "quick" ? null : path.join(REPO_ROOT, "BENCHMARKS.md");
  const markdownFile = values["no-markdown"] ? null : values.markdown ? path.resolve(values.markdown) : defaultMarkdown;
  const report = await runBench({ mode, only: values.only?.split(",").filter(Boolean), jsonFile, markdownFile });
  const failed = report.benchmarks.filter((b) => b.error);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), jsonFile)}${markdownFile ? ` and ${path.relative(process.cwd(), markdownFile)}` : ""} in ${report.totalSeconds.toFixed(0)} s\n`);
  for (const outcome of report.benchmarks) {
    for (const row of outcome.rows) {
      const ratio = row.ratio === null ? "" : ` ratio ${row.ratio.toFixed(2)}x`;
      process.stderr.write(`  ${row.met === null ? "info" : row.met ? "met " : "MISS"} ${row.benchmark} vs ${row.anchor?.tool ?? "goal"}:${ratio} (${row.goal})\n`);
    }
  }
  if (failed.length) {
    process.stderr.write(`bench: ${failed.length} benchmark(s) could not run: ${failed.map((b) => b.id).join(", ")}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
