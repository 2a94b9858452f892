import type { Benchmark, BenchContext, BenchmarkResult } from "../core/context.js";
import { COHORT_INCLUDES, COHORT_ROOT, cohortLabels } from "../core/cohort-bucket.js";
import { COHORT_BUCKET, cohortServer } from "../core/cohort-server.js";
import { runWorker } from "../core/process.js";
import { timeSide, type SideResult } from "../core/sides.js";
import { scalingOf } from "../core/stats.js";
import type { ComparisonRow, ScalePoint } from "../core/types.js";

/**
 * Issue 15's benchmark (3): making the plan of 250 x 0.25, 1 and 4 subjects (1,000 at the largest)
 * from their manifests in a bench bucket, through the 20 ms proxy: time should grow linearly
 * with the subjects and memory stay flat (manifests are read a few at a time and only the
 * matching entries kept).
 */
export const cohortPlan: Benchmark = {
  id: "cohort-plan",
  title: "Plan creation from manifests (1,000 subjects), time and memory growth",
  async run(context: BenchContext): Promise<BenchmarkResult> {
    const server = await cohortServer(context);
    const proxy = await context.latencyProxy(server.info.endpoint, context.latencyMs, { keepHost: true });
    const base = server.spec.subjects / 4;
    const env = { AWS_ACCESS_KEY_ID: server.info.accessKeyId, AWS_SECRET_ACCESS_KEY: server.info.secretAccessKey };
    const points: ScalePoint[] = [];
    const sides = new Map<number, SideResult>();
    for (const factor of [0.25, 1, 4]) {
      const subjects = cohortLabels(server.spec.subjects).slice(0, Math.round(base * factor));
      const task = { endpoint: proxy.url, region: server.info.region, bucket: COHORT_BUCKET, root: COHORT_ROOT, subjects, include: COHORT_INCLUDES };
      const side = await timeSide(`neuroportal cohort.makePlan (${subjects.length} subjects)`, context.repeats(factor === 4 ? 3 : 2), async () => {
        const run = await runWorker("cohort-plan.ts", task, { env });
        const r = run.report ?? {};
        if (r.subjects !== subjects.length || r.files !== subjects.length * 4) throw new Error(`the plan of ${subjects.length} subjects has ${r.subjects} subjects and ${r.files} files`);
        return run;
      }, { proxy });
      sides.set(factor, side);
      points.push({ factor, size: `${subjects.length} subjects (${subjects.length * 3} manifests)`, seconds: side.measurement.seconds, peakRssMb: side.measurement.peakRssMb });
      context.log(`cohort-plan: ${subjects.length} subjects: ${side.measurement.runs.map((s) => s.toFixed(2)).join(", ")} s, peak ${side.measurement.peakRssMb?.toFixed(0)} MiB, ${side.measurement.requests} requests`);
    }
    const scaling = scalingOf(`Plan creation (${COHORT_INCLUDES.length} patterns, 3 manifests a subject, ${context.latencyMs} ms a request)`, "neuroportal", points, "flat");
    const largest = sides.get(4)!;
    const met = scaling.linear && scaling.memoryFlat === true;
    const row: ComparisonRow = {
      benchmark: `Plan creation, ${largest.report.subjects} subjects`,
      measured: `cohort.makePlan over ${largest.report.subjects} subjects' ${largest.report.subjects * 3} manifests (${largest.report.files} files kept) through a proxy adding ${context.latencyMs} ms per request, in-process time (16 requests at once)`,
      anchor: null,
      neuroportal: largest.measurement,
      ratio: null,
      goal: "time linear in the subjects, memory flat (growth table)",
      met,
      note: met
        ? undefined
        : `time exponent ${scaling.timeExponent.toFixed(2)} (segments ${scaling.segmentExponents.map((e) => e.toFixed(2)).join(", ")}), memory growth ${scaling.memoryGrowth?.toFixed(2)}x from ${points[0].size} to ${points[2].size}; ${largest.measurement.requests} requests at ${context.latencyMs} ms with 16 in flight cannot take less than ${(((largest.measurement.requests ?? 0) / 16) * context.latencyMs / 1000).toFixed(2)} s`,
    };
    const notes = [
      `Requests: ${points.map((p, i) => `${p.size}: ${[...sides.values()][i].measurement.requests}`).join("; ")} (one listing of the release root, then per subject one .xdlm listing and three manifest reads). With packages: ["*_tfMRI_MOTOR_preproc"] a subject costs one manifest read instead of three.`,
    ];
    return { rows: [row], scaling: [scaling], notes };
  },
};
