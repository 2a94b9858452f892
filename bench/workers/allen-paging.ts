import { allen } from "neuroportal";
import { preloadFetch, repeated, report, runWorkerMain, task } from "./worker-lib.js";

interface Task {
  url: string;
  repeat?: number;
}

runWorkerMain(async () => {
  preloadFetch();
  const { url, repeat } = task<Task>();
  const { value: rows, seconds, warmSeconds } = await repeated(() => allen.query(url), repeat);
  report(seconds, { warmSeconds, rows: rows.length, firstId: rows[0]?.id ?? null, lastId: rows[rows.length - 1]?.id ?? null });
});
