import { assertSameAnswer } from "../core/checks.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { timeXnatSides } from "../core/xnat-sides.js";
import { ratioOf } from "../core/stats.js";

const CONCURRENCY = 8;

export const xnatWalk: Benchmark = {
  id: "xnat-walk",
  title: "Full hierarchy walk, 76 subjects (20 ms latency)",
  async run(context): Promise<BenchmarkResult> {
    const { anchor, ours } = await timeXnatSides(context, {
      anchorScript: "pyxnat_walk.py",
      workerScript: "xnat-walk.ts",
      workerLabel: `neuroportal (${CONCURRENCY} listings at once)`,
      workerTask: { concurrency: CONCURRENCY },
    });
    const pick = (report: Record<string, any>) => ({ projects: report.projects, subjects: report.subjects, experiments: report.experiments, first: report.first });
    assertSameAnswer("hierarchy", pick(anchor.report), pick(ours.report));
    const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
    const met = ratio >= 3;
    return {
      rows: [
        {
          benchmark: `Full hierarchy walk (${ours.report.projects.length} projects, ${ours.report.subjects} subjects, ${ours.report.experiments} experiments)`,
          measured: `log in, list projects, the project's subjects with labels, and every subject's experiment labels; ${context.latencyMs} ms added per request; same hierarchy checked on both sides`,
          anchor: anchor.measurement,
          neuroportal: ours.measurement,
          ratio,
          goal: ">= 3x",
          met,
          note: met ? undefined : `neuroportal made ${ours.measurement.requests} requests against pyxnat's ${anchor.measurement.requests}; see notes`,
        },
      ],
      scaling: [],
      notes: [
        `Requests per walk: pyxnat ${anchor.measurement.requests} (label() is a listing request per subject and per experiment), neuroportal ${ours.measurement.requests} (labels come in the listings; the 76 experiment listings run ${CONCURRENCY} at a time).`,
        `Server busy time per walk: pyxnat ${anchor.measurement.serverMs?.toFixed(0)} ms, neuroportal ${ours.measurement.serverMs?.toFixed(0)} ms.`,
      ],
    };
  },
};
