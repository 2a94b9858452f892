import * as os from "node:os";
import * as path from "node:path";
import { runNotebook } from "../../lib/notebooks/run.js";
import { jupyterEnv, tutorialNotebooks, PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { runPythonAnchor } from "../core/process.js";
import { summarise } from "../core/stats.js";
import type { ComparisonRow } from "../core/types.js";

const KERNEL_READY_GOAL_S = 4;
const NOTEBOOK_GOAL_S = 15;
const FIRST_CELL = 'import * as neuroportal from "neuroportal";\ntypeof neuroportal.xnat.connect';

export const notebooks: Benchmark = {
  id: "notebooks",
  title: "Notebook experience (tslab kernel)",
  async run(context): Promise<BenchmarkResult> {
    const demo = { allen: await context.service("allen"), xnat: await context.service("xnat"), s3: await context.service("s3") };
    const env = { NEUROPORTAL_DEMO: JSON.stringify(demo) };
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];

    const starts = [];
    for (let i = 0; i < context.repeats(3); i++) {
      const run = await runPythonAnchor("kernel_start.py", { cwd: path.join(PACKAGE_ROOT, "notebooks"), code: FIRST_CELL }, { env: jupyterEnv(env) });
      const report = run.report ?? {};
      if (report.error || !/^'?function'?$/.test(String(report.result ?? "").trim())) throw new Error(`the first cell did not give its result: ${report.error ?? report.result}`);
      starts.push({ ready: report.readySeconds as number, first: report.firstResultSeconds as number });
    }
    const ready = summarise("tslab kernel", starts.map((s) => ({ seconds: s.ready })));
    const first = summarise("tslab kernel", starts.map((s) => ({ seconds: s.first })));
    rows.push({
      benchmark: "Kernel start to ready",
      measured: "jupyter_client starts the committed tslab kernelspec until kernel_info answers",
      anchor: null,
      neuroportal: ready,
      ratio: null,
      goal: `< ${KERNEL_READY_GOAL_S} s`,
      met: ready.seconds < KERNEL_READY_GOAL_S,
      note: ready.seconds < KERNEL_READY_GOAL_S ? undefined : "the kernelspec starts tslab through npx, then tslab loads the TypeScript compiler; see notes",
    });
    rows.push({
      benchmark: "Kernel start to first result",
      measured: `kernel start, then a first cell that imports neuroportal (\`${FIRST_CELL.replace(/\n/g, " ")}\`) until its result arrives`,
      anchor: null,
      neuroportal: first,
      ratio: null,
      goal: "reported (no goal set)",
      met: null,
    });
    notes.push(`Kernel start: ready ${starts.map((s) => s.ready.toFixed(2)).join(", ")} s; first result ${starts.map((s) => s.first.toFixed(2)).join(", ")} s (each run a fresh kernel).`);

    const all = tutorialNotebooks();
    const chosen = context.quick ? all.slice(0, 1) : all;
    if (chosen.length === 0) throw new Error("no tutorial notebooks in notebooks/");
    const outDir = context.folder("notebooks");
    for (const file of chosen) {
      const loadBefore = os.loadavg()[0];
      const run = await runNotebook(file, { outDir, env, html: false });
      const name = path.basename(file);
      if (run.status !== "ok") throw new Error(`${name} failed at cell ${run.failedCell}: ${run.log.slice(-600)}`);
      const slowest = slowestCells(run.log);
      const measurement = summarise(name, [{ seconds: run.seconds }]);
      const met = run.seconds < NOTEBOOK_GOAL_S;
      rows.push({
        benchmark: `Notebook ${name}`,
        measured: `whole notebook (${run.cells} code cells) under tslab with the runner, kernel start included, against the demo services`,
        anchor: null,
        neuroportal: measurement,
        ratio: null,
        goal: `< ${NOTEBOOK_GOAL_S} s`,
        met,
        note: met ? undefined : `slowest cells: ${slowest}; 1-minute load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after the run on ${os.availableParallelism()} CPUs`,
      });
      notes.push(`${name}: ${run.seconds.toFixed(1)} s; slowest cells ${slowest}.`);
    }
    return { rows, scaling: [], notes };
  },
};

/** The three slowest cells from the runner's per-cell log lines (`cell  3 ok      1.23s`). */
function slowestCells(log: string): string {
  const cells = [...log.matchAll(/cell\s+(\d+)\s+\w+\s+([\d.]+)s/g)].map((m) => ({ cell: Number(m[1]), seconds: Number(m[2]) }));
  return cells
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 3)
    .map((c) => `#${c.cell} ${c.seconds.toFixed(2)} s`)
    .join(", ");
}
