import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { redact } from "../../lib/core/redact.js";

/** The Debian Python that has pyxnat, boto and pandas (never the pyenv `python3`). */
export const SYSTEM_PYTHON = process.env.NEUROPORTAL_PYTHON || "/usr/bin/python3";

/** What one program run produced: exit code, wall time, peak memory and its JSON report. */
export interface ProgramRun {
  code: number;
  /** Wall time of the whole process, start-up included. */
  wallSeconds: number;
  /** Peak resident set size of the process in KiB, from GNU time. */
  peakRssKb: number | null;
  /** CPU seconds (user + system) the process used, from GNU time; less sensitive to a busy machine than wall time. */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout that parses as a JSON object, if any. */
  report: Record<string, any> | null;
}

export interface RunProgramOptions {
  /** Added to this process's environment (secrets go here, never into arguments). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs a program to completion under GNU time (for its peak RSS) and collects what it printed.
 * Throws when it exits non-zero, with the tail of its stderr.
 */
export async function runProgram(command: string, args: readonly string[], options: RunProgramOptions = {}): Promise<ProgramRun> {
  const memoryFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const measured = fs.existsSync(GNU_TIME);
  const [file, argv] = measured ? [GNU_TIME, ["-f", "%M %U %S", "-o", memoryFile, command, ...args]] : [command, [...args]];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const code = await new Promise<number>((resolve) => child.on("close", (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  clearTimeout(timer);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakRssKb: number | null = null;
  let cpuSeconds: number | null = null;
  if (measured && fs.existsSync(memoryFile)) {
    const lines = fs.readFileSync(memoryFile, "utf8").trim().split("\n");
    const [rss, user, system] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
    peakRssKb = Number.isFinite(rss) ? rss : null;
    cpuSeconds = Number.isFinite(user) && Number.isFinite(system) ? user + system : null;
    fs.rmSync(memoryFile, { force: true });
  }
  if (code !== 0) {
    const program = [command, ...args].map((arg) => path.basename(arg)).find((arg) => /\.(py|ts)$/.test(arg)) ?? path.basename(command);
    throw new Error(redact(`${program} exited with ${code}: ${lastLines(stderr || stdout, 6)}`));
  }
  return { code, wallSeconds, peakRssKb, cpuSeconds, stdout, stderr, report: lastJsonObject(stdout) };
}

function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join(" | ").slice(-1500);
}

function lastJsonObject(text: string): Record<string, any> | null {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line);
    } catch {
      /* not the report */
    }
  }
  return null;
}

/** Runs a Python anchor script from bench/anchors with a JSON task as its only argument. */
export function runPythonAnchor(script: string, task: unknown, options: RunProgramOptions = {}): Promise<ProgramRun> {
  return runProgram(SYSTEM_PYTHON, [path.join(BENCH_ROOT, "anchors", script), JSON.stringify(task)], options);
}

/**
 * Runs a neuroportal worker from bench/workers with a JSON task, as plain Node on its compiled
 * JavaScript (see {@link compileWorkers}), the way a user's script runs: no TypeScript loader
 * in the measured process.
 */
export function runWorker(worker: string, task: unknown, options: RunProgramOptions = {}): Promise<ProgramRun> {
  const compiled = compileWorkers();
  const args = [path.join(compiled, worker.replace(/\.ts$/, ".js")), JSON.stringify(task)];
  return runProgram(process.execPath, args, { cwd: REPO_ROOT, ...options });
}

let compiledDir: string | undefined;

/**
 * Transpiles bench/workers/*.ts to CommonJS in bench/build/workers (once per process) with the
 * project's TypeScript; `neuroportal` resolves from there to the built package (dist/).
 */
export function compileWorkers(): string {
  if (compiledDir) return compiledDir;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require("typescript") as typeof import("typescript");
  const source = path.join(BENCH_ROOT, "workers");
  const target = path.join(BENCH_ROOT, "build", "workers");
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(source).filter((n) => n.endsWith(".ts"))) {
    const output = ts.transpileModule(fs.readFileSync(path.join(source, name), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: name,
    });
    fs.writeFileSync(path.join(target, name.replace(/\.ts$/, ".js")), output.outputText);
  }
  compiledDir = target;
  return target;
}

/** bench/ */
export const BENCH_ROOT = path.resolve(__dirname, "..");
/** The repository root. */
export const REPO_ROOT = path.resolve(BENCH_ROOT, "..");
