import { assertSameAnswer } from "../core/checks.js";
import type { Benchmark, BenchmarkResult } from "../core/context.js";
import { runPythonAnchor, runWorker } from "../core/process.js";
import { timeSide } from "../core/sides.js";
import { ratioOf } from "../core/stats.js";

const CHECKED = ["neoffiRows", "neoffi143325", "localAgreeable", "agreeable", "cpwInside", "cpwOutside"] as const;

export const xnatSearch: Benchmark = {
  id: "xnat-search",
  title: "ConnectomeDB searches with subject labels (20 ms latency)",
  async run(context): Promise<BenchmarkResult> {
    const info = await context.service("xnat");
    const proxy = await context.latencyProxy(info.url, context.latencyMs);
    const task = { url: proxy.url, user: info.user, project: "HCP_Q1" };
    const env = { BENCH_XNAT_PASSWORD: info.password };
    const times = context.repeats(2);
    const anchor = await timeSide("pyxnat (Debian python3-pyxnat), seed steps", times, () => runPythonAnchor("pyxnat_search.py", task, { env }), { proxy });
    const calls = context.repeats(3);
    const ours = await timeSide("neuroportal project.search", times, () => runWorker("xnat-search.ts", { ...task, repeat: calls }, { env }), { proxy, callsPerRun: calls });
    const pick = (report: Record<string, any>) => Object.fromEntries(CHECKED.map((key) => [key, report[key]]));
    assertSameAnswer("search answers", pick(anchor.report), pick(ours.report));
    const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
    const met = ratio >= 10;
    const perRequest = anchor.measurement.requests ? (anchor.measurement.seconds / anchor.measurement.requests) * 1000 : NaN;
    return {
      rows: [
        {
          benchmark: "ConnectomeDB tutorial searches with subject labels",
          measured: `log in, the seed's NEO-FFI search over HCP_Q1 keyed by subject label, then its three server-side searches (A > 40; CPW_IWRD_TOT in [30,35); its complement) with labels; ${context.latencyMs} ms added per request; answers checked equal (${ours.report.neoffiRows} + ${ours.report.agreeable.length} + ${ours.report.cpwInside.length} + ${ours.report.cpwOutside.length} labelled rows)`,
          anchor: anchor.measurement,
          neuroportal: ours.measurement,
          ratio,
          goal: ">= 10x",
          met,
          note: met ? undefined : `pyxnat spends ${perRequest.toFixed(1)} ms per request over ${anchor.measurement.requests} requests; neuroportal made ${ours.measurement.requests} requests, so the remaining time is neuroportal's own work per request (see notes)`,
        },
      ],
      scaling: [],
      notes: [
        `Requests per run: pyxnat ${anchor.measurement.requests} (one label lookup per result row: 76 + 4 + 26 + 50), neuroportal ${ours.measurement.requests} (labels for all rows from one cached subject listing; the three server-side searches run concurrently).`,
        `Server busy time per run: pyxnat ${anchor.measurement.serverMs?.toFixed(0)} ms, neuroportal ${ours.measurement.serverMs?.toFixed(0)} ms.`,
      ],
    };
  },
};
