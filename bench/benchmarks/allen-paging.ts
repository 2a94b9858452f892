import { createAllenDemoData, createAllenHandler } from "../../demo/src/allen/index.js";
import { buildOntology } from "../../demo/src/allen/ontology.js";
import { listenLoopback } from "../../demo/src/loopback.js";
import { assertSameAnswer } from "../core/checks.js";
import type { Benchmark, BenchContext, BenchmarkResult } from "../core/context.js";
import { runPythonAnchor, runWorker } from "../core/process.js";
import { timeSide } from "../core/sides.js";
import { ratioOf, scalingOf } from "../core/stats.js";
import type { Measurement, ScalePoint } from "../core/types.js";

/** At least 20,000 rows in 2000-row pages (11 pages), as issue 15 sets the goal. */
const FULL_ROWS = 20_500;
const QUICK_ROWS = 300;
const PAGE_SIZE = 2000;
/** Milliseconds the proxy adds per request: 50 as issue 15 sets (a transatlantic round trip to api.brain-map.org), 5 in quick mode. */
const latencyOf = (context: BenchContext) => (context.quick ? 5 : 50);

/**
 * Starts the demo Allen API with a Structure ontology of about `rows` rows (the demo's own
 * generator and RMA evaluator, just more rows) behind a 50 ms latency proxy.
 */
async function allenWithRows(context: BenchContext, rows: number) {
  const data = createAllenDemoData();
  const structures = buildOntology(rows);
  data.catalog.set("Structure", structures.map((fields) => ({ fields, associations: {} })));
  const server = await listenLoopback(createAllenHandler(data));
  const proxy = await context.latencyProxy(server.url, latencyOf(context));
  const url = `${proxy.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;
  await warmUp(`${server.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`, structures.length);
  return { proxy, url, total: structures.length, close: server.close };
}

/**
 * Asks the server for every page once in each paging spelling (the seed's `startRow`/`numRows`
 * and the `start_row`/`num_rows` neuroportal sends), untimed, so that its JIT is warm for both sides.
 */
async function warmUp(url: string, total: number): Promise<void> {
  for (const [start, rows] of [["startRow", "numRows"], ["start_row", "num_rows"]]) {
    for (let first = 0; first < total; first += PAGE_SIZE) {
      const response = await fetch(`${url}&${start}=${first}&${rows}=${PAGE_SIZE}`);
      await response.arrayBuffer();
    }
  }
}

/**
 * Why the goal was missed, from the run's own figures: the floor probe (a bare client told
 * total_rows in advance, sending every page at once) is the least any client can take against
 * this server; when even it is below the goal, no client can meet it here.
 */
function allenNote(anchor: Measurement, ours: Measurement, floor: Measurement, pages: number, latencyMs: number): string {
  const floorRatio = ratioOf(anchor.seconds, floor.seconds);
  const serverMs = (anchor.serverMs ?? 0).toFixed(0);
  const allPages = pages === 1 ? "its 1 page" : `all ${pages} pages at once`;
  const probe = `a bare client that already knows total_rows and sends ${allPages} (1 round trip, plain fetch + JSON.parse, nothing checked) took ${floor.seconds.toFixed(3)} s cold, ${floorRatio.toFixed(2)}x the loop's ${anchor.seconds.toFixed(3)} s`;
  const verdict = floorRatio < 3
    ? `below 3x, so no client can meet the goal against this server (it spends ${serverMs} ms on the ${pages === 1 ? "page" : `${pages} pages`} and answers one request at a time, on top of each ${latencyMs} ms round trip)`
    : "so 3x is reachable against this server and it is neuroportal that misses it";
  const rounds = pages === 1 ? 1 : 1 + Math.ceil((pages - 1) / 8);
  const waits = pages === 1 ? "1 round trip" : `${rounds} round trips (page 1 brings total_rows, then up to 8 pages at a time)`;
  const warm = ours.warmSeconds !== undefined && floor.warmSeconds !== undefined ? ` (warm: ${ours.warmSeconds.toFixed(3)} s against ${floor.warmSeconds.toFixed(3)} s)` : "";
  return `${probe}: ${verdict}; neuroportal waits ${waits} and took ${ours.seconds.toFixed(3)} s cold = ${(ours.seconds / floor.seconds).toFixed(2)}x the bare client's time${warm}`;
}

export const allenPaging: Benchmark = {
  id: "allen-paging",
  title: "Allen RMA paging, 20,000+ rows (50 ms latency)",
  async run(context): Promise<BenchmarkResult> {
    const baseRows = context.quick ? QUICK_ROWS : FULL_ROWS;
    const notes: string[] = [];
    const scalePoints = { anchor: [] as ScalePoint[], neuroportal: [] as ScalePoint[] };
    let main: BenchmarkResult["rows"] = [];
    for (const factor of [1, 0.25, 4]) {
      const server = await allenWithRows(context, Math.round(baseRows * factor));
      try {
        const times = factor === 1 ? context.repeats(2) : 1;
        const calls = factor === 1 ? context.repeats(3) : 1;
        const task = { url: server.url, repeat: calls };
        const anchor = await timeSide("seed QueryAPI loop (Python urllib, sequential 2000-row pages)", times, () => runPythonAnchor("allen_paging.py", task), { proxy: server.proxy, callsPerRun: calls });
        const ours = await timeSide("neuroportal allen.query", times, () => runWorker("allen-paging.ts", task), { proxy: server.proxy, callsPerRun: calls });
        assertSameAnswer(`Allen rows (${server.total})`, { rows: anchor.report.rows, firstId: anchor.report.firstId, lastId: anchor.report.lastId }, { rows: ours.report.rows, firstId: ours.report.firstId, lastId: ours.report.lastId });
        if (ours.report.rows !== server.total) throw new Error(`neuroportal returned ${ours.report.rows} of ${server.total} rows`);
        const size = `${server.total} rows`;
        scalePoints.anchor.push({ factor, size, seconds: anchor.measurement.seconds, peakRssMb: anchor.measurement.peakRssMb });
        scalePoints.neuroportal.push({ factor, size, seconds: ours.measurement.seconds, peakRssMb: ours.measurement.peakRssMb });
        if (factor === 1) {
          const floorTask = { url: server.url, total: server.total, pageSize: PAGE_SIZE, repeat: calls };
          const floor = await timeSide("bare client told total_rows, all pages at once (floor probe)", times, () => runWorker("allen-floor.ts", floorTask), { proxy: server.proxy, callsPerRun: calls });
          assertSameAnswer(`Allen rows (${server.total}), floor probe`, { rows: anchor.report.rows, firstId: anchor.report.firstId, lastId: anchor.report.lastId }, { rows: floor.report.rows, firstId: floor.report.firstId, lastId: floor.report.lastId });
          const ratio = ratioOf(anchor.measurement.seconds, ours.measurement.seconds);
          const met = ratio >= 3;
          const pages = Math.ceil(server.total / PAGE_SIZE);
          main = [
            {
              benchmark: `Allen paging, ${server.total}-row Structure query`,
              measured: `all rows of one RMA query (${pages} pages of ${PAGE_SIZE}) through a proxy adding ${latencyOf(context)} ms per request; same rows checked on both sides; neuroportal with its defaults (first page alone, then up to 8 pages ahead as far as total_rows reaches)`,
              anchor: anchor.measurement,
              neuroportal: ours.measurement,
              ratio,
              goal: ">= 3x",
              met,
              note: met ? undefined : allenNote(anchor.measurement, ours.measurement, floor.measurement, pages, latencyOf(context)),
            },
          ];
          notes.push(`${server.total} rows in ${pages} pages: anchor ${anchor.measurement.requests} requests in ${anchor.measurement.seconds.toFixed(3)} s, neuroportal ${ours.measurement.requests} requests in ${ours.measurement.seconds.toFixed(3)} s (medians of ${times}).`);
          const f = floor.measurement;
          notes.push(`Floor probe (a bare client told total_rows in advance, every page at once, plain fetch + JSON.parse, nothing checked; no real client knows total_rows before page 1): ${f.requests} requests in ${f.seconds.toFixed(3)} s cold${f.warmSeconds === undefined ? "" : `, ${f.warmSeconds.toFixed(3)} s warm`} = ${ratioOf(anchor.measurement.seconds, f.seconds).toFixed(2)}x the loop (goal 3x); neuroportal took ${(ours.measurement.seconds / f.seconds).toFixed(2)}x the probe's time.`);
        }
      } finally {
        await server.close();
      }
    }
    return {
      rows: main,
      scaling: [scalingOf("Allen paging", "seed loop (Python)", scalePoints.anchor, "holds the result"), scalingOf("Allen paging", "neuroportal", scalePoints.neuroportal, "holds the result")],
      notes,
    };
  },
};
