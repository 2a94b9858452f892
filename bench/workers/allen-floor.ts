/**
 * Lower-bound probe for the Allen paging benchmark, not a client anyone could ship: it is told
 * the query's total row count in advance (a real client learns it from the first page), sends
 * every page request at once with plain fetch and JSON.parse, checks nothing, and concatenates
 * the pages' rows. Whatever it takes, no client can take less against the same server.
 */
import { preloadFetch, repeated, report, runWorkerMain, task } from "./worker-lib.js";

interface Task {
  /** The RMA query URL, without paging parameters. */
  url: string;
  /** The query's total_rows, known in advance. */
  total: number;
  pageSize: number;
  repeat?: number;
}

interface Row {
  id?: unknown;
}

/** Every page of the query, all requested at once, in page order. */
async function allPagesAtOnce(url: string, total: number, pageSize: number): Promise<Row[]> {
  const starts: number[] = [];
  for (let start = 0; start < total; start += pageSize) starts.push(start);
  const pages = await Promise.all(
    starts.map(async (start) => {
      const response = await fetch(`${url}&start_row=${start}&num_rows=${pageSize}`);
      return (JSON.parse(await response.text()) as { msg: Row[] }).msg;
    }),
  );
  return pages.flat();
}

runWorkerMain(async () => {
  preloadFetch();
  const { url, total, pageSize, repeat } = task<Task>();
  const { value: rows, seconds, warmSeconds } = await repeated(() => allPagesAtOnce(url, total, pageSize), repeat);
  report(seconds, { warmSeconds, rows: rows.length, firstId: rows[0]?.id ?? null, lastId: rows[rows.length - 1]?.id ?? null });
});
