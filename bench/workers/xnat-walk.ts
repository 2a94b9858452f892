import { xnat } from "neuroportal";
import { preloadDanfo, preloadFetch, repeated, report, runWorkerMain, task } from "./worker-lib.js";

interface Task {
  url: string;
  user: string;
  project: string;
  concurrency: number;
  repeat?: number;
}

/** Runs `work` over `items` with at most `limit` at once, keeping order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Projects, the project's subjects (labels come with the listing), every subject's experiments. */
async function walk(t: Task) {
  const cdb = await xnat.connect(t.url, { user: t.user, password: process.env.BENCH_XNAT_PASSWORD });
  try {
    const projects = (await cdb.projects())["ID"].values as string[];
    const q1 = cdb.project(t.project);
    const labels = (await q1.subjects())["label"].values as string[];
    const experiments = await mapLimit(labels, t.concurrency, async (label) => (await q1.subject(label).experiments())["label"].values as string[]);
    return {
      projects: [...projects].sort(),
      subjects: labels.length,
      experiments: experiments.reduce((sum, list) => sum + list.length, 0),
      first: labels.length ? [labels[0], experiments[0]] : null,
    };
  } finally {
    await cdb.close();
  }
}

runWorkerMain(async () => {
  preloadFetch();
  const t = task<Task>();
  preloadDanfo();
  const { value, seconds, warmSeconds } = await repeated(() => walk(t), t.repeat);
  report(seconds, { warmSeconds, ...value });
});
