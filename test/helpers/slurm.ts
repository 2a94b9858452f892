/**
 * A real single-node Slurm cluster on 127.0.0.1 for tests: munged, slurmctld and slurmd from Debian's
 * `slurm-wlm` and `munge`, started as children of the test process (no systemd), configured by
 * `scripts/slurm/cluster.sh prepare` in a fresh temporary folder (per-run munge key, free ports, the
 * machine's real CPUs and memory) and removed again by `stop()`. Client commands (sbatch, scontrol,
 * squeue, scancel) run with `SLURM_CONF` pointing at that folder, so no system-wide file is read or written.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const CLUSTER_SCRIPT = path.resolve(__dirname, "../../scripts/slurm/cluster.sh");
const DAEMONS = ["munged", "slurmctld", "slurmd"] as const;
const REQUIRED_COMMANDS = ["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "squeue", "sinfo", "scancel"];
const SEARCH_PATH = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
/** The variable every daemon, slurmstepd and job of one cluster carries (set to its folder); see cluster.sh. */
const MARKER = "NEUROPORTAL_SLURM_DIR";
const TERMINAL_STATES = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED"]);

/** Name of a daemon of the cluster. */
export type SlurmDaemon = (typeof DAEMONS)[number];

/** One job, or one task of a job array, as `scontrol show job` reports it. */
export interface SlurmTask {
  /** The id to address this task by: `ARRAYJOB_TASK` for an array task, else the job id. */
  id: string;
  jobId: string;
  arrayJobId?: string;
  /** The task index, or a range such as `1-3` for array tasks not yet started. */
  arrayTaskId?: string;
  /** Base state: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, ... */
  state: string;
  reason: string;
  /** How many times the job was requeued. */
  restarts: number;
  /** The batch script's exit status and the signal that ended it (0 when none). */
  exitCode: number;
  signal: number;
}

/** Options of {@link SlurmCluster.sbatch}; each maps to the sbatch flag of the same name. */
export interface SbatchOptions {
  array?: string;
  chdir?: string;
  jobName?: string;
  output?: string;
  requeue?: boolean;
  openMode?: "append" | "truncate";
  /** Added to the environment the job runs with (sbatch exports the submitter's environment). */
  env?: Record<string, string>;
  /** Further sbatch arguments, placed before the script. */
  args?: string[];
}

/** Options of {@link startSlurm}. */
export interface StartSlurmOptions {
  /** How long start-up may take until the node is idle; default 30 s. */
  timeoutMs?: number;
  /** Lines appended to the generated slurm.conf (a later setting wins). */
  extraConfig?: string[];
}

/** A running cluster; `stop()` ends every process it started and removes its folder. */
export interface SlurmCluster {
  /** The cluster's folder: key, slurm.conf, state, spool, logs. Removed by `stop()`. */
  readonly dir: string;
  /** Environment for Slurm client commands run against this cluster (SLURM_CONF, PATH with sbin). */
  readonly env: NodeJS.ProcessEnv;
  readonly ports: { slurmctld: number; slurmd: number };
  /** Process ids of the three daemons (children of this process). */
  readonly pids: Readonly<Record<SlurmDaemon, number>>;
  /** Milliseconds from the call of startSlurm until the node was idle. */
  readonly startupMs: number;
  /** Submits a batch script file; resolves to the job id (the array job id for an array). */
  sbatch(scriptPath: string, options?: SbatchOptions): Promise<string>;
  /** The job's records: one per array task (plus one for tasks not yet started), or one for a plain job. */
  jobState(id: string): Promise<SlurmTask[]>;
  /** Polls until `done` holds for the job's records; throws a SlurmClusterError with the last records and logs on timeout. */
  waitFor(id: string, done: (tasks: SlurmTask[]) => boolean, timeoutMs: number, what?: string): Promise<SlurmTask[]>;
  /** Waits until every task of the job is in a final state (COMPLETED, FAILED, CANCELLED, ...). */
  waitForJob(id: string, timeoutMs: number): Promise<SlurmTask[]>;
  /** `scontrol requeue ID`: a running or finished batch job (or array task) goes back to pending. */
  requeue(id: string): Promise<void>;
  /** `scancel [--signal=SIGNAL] ID`; SIGKILL (the default) cancels the job. */
  cancel(id: string, signal?: string): Promise<void>;
  /** Marks the node DOWN, as a node failure would: running jobs that allow it are requeued; ReturnToService=2 brings it back. */
  failNode(reason?: string): Promise<void>;
  /** Runs a Slurm client command against this cluster and resolves to its stdout. */
  run(command: string, args: string[]): Promise<string>;
  /** The last lines of each daemon log, for error messages. */
  logs(): string;
  /** Cancels every job, stops the daemons and every process carrying the cluster's marker, removes the folder. Idempotent. */
  stop(): Promise<void>;
}

/** Start-up, a client command, or a wait failed; `logs` holds the tails of the daemons' logs. */
export class SlurmClusterError extends Error {
  override readonly name = "SlurmClusterError";
  constructor(
    message: string,
    readonly logs: string,
    readonly hint?: string,
  ) {
    super([message, hint && `hint: ${hint}`, logs && `daemon logs:\n${logs}`].filter(Boolean).join("\n"));
  }
}

export function isSlurmClusterError(error: unknown): error is SlurmClusterError {
  return error instanceof SlurmClusterError;
}

/** Whether this machine can run the cluster: Debian's slurm-wlm and munge installed, and running as root. */
export function slurmAvailable(): { available: true } | { available: false; reason: string } {
  const missing = REQUIRED_COMMANDS.filter((command) => !findCommand(command));
  if (missing.length > 0) return { available: false, reason: `missing ${missing.join(", ")} (apt-get install slurm-wlm munge)` };
  if (process.getuid?.() !== 0) return { available: false, reason: "the test cluster runs its daemons as root (SlurmUser=root)" };
  return { available: true };
}

/**
 * Whether this run must have the cluster, so that a Slurm test fails instead of skipping:
 * `NEUROPORTAL_REQUIRE_SLURM=1` (set by `.ci/run`), or a CI run (`CI` set) as root, where
 * `scripts/setup.js` installs slurm-wlm and munge.
 */
export function slurmRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NEUROPORTAL_REQUIRE_SLURM !== undefined) return env.NEUROPORTAL_REQUIRE_SLURM === "1";
  return Boolean(env.CI) && env.CI !== "false" && process.getuid?.() === 0;
}

/**
 * For a suite's `before` hook: skips it when the cluster cannot run on this machine, unless the
 * cluster is required ({@link slurmRequired}); then it throws, naming what is missing.
 */
export function skipUnlessSlurm(context: { skip(): void }): void {
  const availability = slurmAvailable();
  if (availability.available) return;
  if (slurmRequired()) throw new SlurmClusterError(`the Slurm tests are required here but cannot run: ${availability.reason}`, "", "scripts/setup.js installs slurm-wlm and munge when run as root; see scripts/slurm/README.md");
  context.skip();
}

/** Starts munged, slurmctld and slurmd on loopback and resolves once the node is idle. */
export async function startSlurm(options: StartSlurmOptions = {}): Promise<SlurmCluster> {
  const availability = slurmAvailable();
  if (!availability.available) throw new SlurmClusterError(`cannot start Slurm: ${availability.reason}`, "");
  try {
    return await startOnce(options);
  } catch (error) {
    // Ports are chosen free but only bound later by the daemons, so another process may take one first.
    if (isSlurmClusterError(error) && /Address already in use/i.test(error.logs)) return startOnce(options);
    throw error;
  }
}

async function startOnce(options: StartSlurmOptions): Promise<SlurmCluster> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-slurm-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [...new Set(SEARCH_PATH)].join(path.delimiter),
    SLURM_CONF: path.join(dir, "slurm.conf"),
    [MARKER]: dir,
    SLURM_EXTRA_CONF: (options.extraConfig ?? []).join("\n"),
  };
  const children = new Map<SlurmDaemon, ChildProcess>();
  const exits = new Map<SlurmDaemon, string>();
  const logs = () => daemonLogs(dir);
  let stopped = false;
  // If the test process exits without stop() (a crash, an uncaught error), nothing of the cluster outlives it.
  const killNow = () => {
    children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
    killMarked(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killNow);

  const run = (command: string, args: string[]) => runCommand(command, args, env, logs);
  const jobState = async (id: string) => parseJobs(await run("scontrol", ["show", "job", "-o", id]));
  const waitFor = async (id: string, done: (tasks: SlurmTask[]) => boolean, waitMs: number, what = "the expected state") => {
    const deadline = Date.now() + waitMs;
    let tasks: SlurmTask[] = [];
    for (;;) {
      tasks = await jobState(id);
      if (done(tasks)) return tasks;
      if (Date.now() > deadline) {
        const states = tasks.map((t) => `${t.id} ${t.state}${t.reason !== "None" ? ` (${t.reason})` : ""} restarts=${t.restarts}`).join(", ");
        throw new SlurmClusterError(`job ${id} did not reach ${what} within ${waitMs} ms: ${states || "no records"}`, logs());
      }
      await sleep(250);
    }
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const controller = children.get("slurmctld");
    if (controller && controller.exitCode === null && controller.signalCode === null) {
      await runCommand("scancel", ["--full", `--user=${os.userInfo().username}`], env, logs, 5_000).catch(() => undefined);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await runCommand("squeue", ["-h"], env, logs, 5_000).catch(() => "")).trim() !== "") await sleep(200);
    }
    for (const name of ["slurmd", "slurmctld", "munged"] as const) {
      const child = children.get(name);
      if (child) await endChild(child, 5_000);
    }
    killMarked(dir);
    process.removeListener("exit", killNow);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await runCommand("bash", [CLUSTER_SCRIPT, "prepare", dir], env, logs);
    const config = fs.readFileSync(env.SLURM_CONF!, "utf8");
    const ports = { slurmctld: Number(/^SlurmctldPort=(\d+)/m.exec(config)?.[1]), slurmd: Number(/^SlurmdPort=(\d+)/m.exec(config)?.[1]) };
    for (const name of DAEMONS) {
      const out = fs.openSync(path.join(dir, "log", `${name}.out`), "a");
      const child = spawn("bash", [CLUSTER_SCRIPT, "run", name, dir], { env, stdio: ["ignore", out, out] });
      fs.closeSync(out);
      children.set(name, child);
      child.once("exit", (code, signal) => exits.set(name, signal ? `signal ${signal}` : `exit ${code}`));
      // slurmctld and slurmd authenticate through munged from their first moment.
      if (name === "munged") await until(() => fs.existsSync(path.join(dir, "munge", "munge.socket")) || exits.has(name), 5_000);
    }
    const deadline = Date.now() + timeoutMs;
    // A client command against a controller that just died waits for its own timeouts; a daemon's exit ends the wait at once.
    const anyExit = Promise.race([...children.values()].map((child) => new Promise<false>((resolve) => child.once("exit", () => resolve(false)))));
    for (;;) {
      const died = [...exits.entries()];
      if (died.length > 0) {
        const ended = died.map(([name, how]) => `${name} ended (${how})${lastComplaint(dir, name)}`);
        const hint = exits.has("munged") ? `munged needs every folder above ${dir} to be searchable by all users; point TMPDIR at one that is (for example /tmp)` : undefined;
        throw new SlurmClusterError(`Slurm start-up failed: ${ended.join(", ")}`, logs(), hint);
      }
      if (await Promise.race([isIdle(env), anyExit])) break;
      if (Date.now() > deadline) throw new SlurmClusterError(`Slurm start-up failed: the node was not idle after ${timeoutMs} ms`, logs(), "see slurmctld.log and slurmd.log below");
      await sleep(200);
    }
    const startupMs = Date.now() - started;
    const pids = Object.fromEntries(DAEMONS.map((name) => [name, children.get(name)!.pid!])) as Record<SlurmDaemon, number>;
    return {
      dir,
      env,
      ports,
      pids,
      startupMs,
      async sbatch(scriptPath, opts = {}) {
        const args = ["--parsable", ...sbatchFlags(opts), scriptPath];
        const out = await runCommand("sbatch", args, { ...env, ...opts.env }, logs);
        return out.trim().split(";")[0];
      },
      jobState,
      waitFor,
      waitForJob: (id, waitMs) => waitFor(id, (tasks) => tasks.length > 0 && tasks.every((t) => TERMINAL_STATES.has(t.state)), waitMs, "a final state"),
      async requeue(id) {
        await run("scontrol", ["requeue", id]);
      },
      async cancel(id, signal = "KILL") {
        await run("scancel", [`--signal=${signal}`, id]);
      },
      async failNode(reason = "simulated node failure") {
        await run("scontrol", ["update", "NodeName=localhost", "State=DOWN", `Reason=${reason}`]);
      },
      run,
      logs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function sbatchFlags(options: SbatchOptions): string[] {
  const flags: string[] = [];
  if (options.array !== undefined) flags.push(`--array=${options.array}`);
  if (options.chdir !== undefined) flags.push(`--chdir=${options.chdir}`);
  if (options.jobName !== undefined) flags.push(`--job-name=${options.jobName}`);
  if (options.output !== undefined) flags.push(`--output=${options.output}`);
  if (options.requeue !== undefined) flags.push(options.requeue ? "--requeue" : "--no-requeue");
  if (options.openMode !== undefined) flags.push(`--open-mode=${options.openMode}`);
  return [...flags, ...(options.args ?? [])];
}

/** Parses `scontrol show job -o` (one job per line, `Key=Value` fields). */
function parseJobs(text: string): SlurmTask[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("JobId="))
    .map((line) => {
      const field = (key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1];
      const [exitCode, signal] = (field("ExitCode") ?? "0:0").split(":").map(Number);
      const arrayJobId = field("ArrayJobId");
      const arrayTaskId = field("ArrayTaskId");
      const jobId = field("JobId")!;
      return {
        id: arrayJobId && arrayTaskId ? `${arrayJobId}_${arrayTaskId}` : jobId,
        jobId,
        arrayJobId,
        arrayTaskId,
        state: field("JobState") ?? "UNKNOWN",
        reason: field("Reason") ?? "None",
        restarts: Number(field("Restarts") ?? 0),
        exitCode,
        signal,
      };
    });
}

async function isIdle(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await runCommand("scontrol", ["ping"], env, () => "", 5_000);
    return (await runCommand("sinfo", ["-h", "-o", "%T"], env, () => "", 5_000)).trim() === "idle";
  } catch {
    return false;
  }
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, logs: () => string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, encoding: "utf8", timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const how = error.killed ? "timed out" : `failed (${error.code ?? error.signal})`;
      reject(new SlurmClusterError(`\`${command} ${args.join(" ")}\` ${how}: ${(stderr || stdout).trim()}`, logs()));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function endChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => (clearTimeout(timer), resolve()));
    child.kill("SIGTERM");
  });
}

/** SIGKILLs processes left over from this cluster (slurmstepd, job processes): those whose environment holds its marker. */
function killMarked(dir: string): void {
  const wanted = `${MARKER}=${dir}`;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, "latin1");
    } catch {
      continue;
    }
    if (environ.split("\0").includes(wanted)) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** `: <line>` for the daemon's last fatal or error line, else "". */
function lastComplaint(dir: string, name: SlurmDaemon): string {
  const file = path.join(dir, "log", `${name}.out`);
  const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
  const line = lines.filter((l) => /fatal|error/i.test(l)).pop();
  return line ? `: ${line.trim()}` : "";
}

function daemonLogs(dir: string): string {
  const logDir = path.join(dir, "log");
  if (!fs.existsSync(logDir)) return "";
  return fs
    .readdirSync(logDir)
    .sort()
    .map((name) => {
      const lines = fs.readFileSync(path.join(logDir, name), "utf8").trimEnd().split("\n").slice(-20);
      return `--- ${name}\n${lines.join("\n")}`;
    })
    .join("\n");
}

function findCommand(name: string): string | undefined {
  return SEARCH_PATH.map((dir) => path.join(dir, name)).find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
