/**
 * Lower-bound probe for the cohort download: the least a plan-driven verified download in Node
 * does. The plan file is read, then signed GETs `concurrency` at a time over one keep-alive
 * `node:http` agent; each body is streamed to `<dest>/<key>.part` with MD5 fed chunk by chunk,
 * compared with the plan's MD5, and renamed. No retries, resume, locks, progress or error typing.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { fetchVerified, makeSignedGet } from "./floor-lib.js";
import { preloadS3Sdk, report, runWorkerMain, task, timed } from "./worker-lib.js";

interface Task {
  endpoint: string;
  region: string;
  plan: string;
  dest: string;
  concurrency?: number;
}

runWorkerMain(async () => {
  preloadS3Sdk();
  const t = task<Task>();
  const concurrency = t.concurrency ?? 8;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const { value, seconds } = await timed(async () => {
    const plan = JSON.parse(fs.readFileSync(t.plan, "utf8")) as { bucket: string; files: { key: string; md5: string }[] };
    const get = makeSignedGet(t, agent);
    for (const folder of new Set(plan.files.map((file) => path.dirname(path.join(t.dest, file.key))))) fs.mkdirSync(folder, { recursive: true });
    const mismatches: string[] = [];
    let next = 0;
    let bytes = 0;
    const runner = async () => {
      while (next < plan.files.length) {
        const file = plan.files[next++];
        const fetched = await fetchVerified(get, plan.bucket, { key: file.key, etag: file.md5 }, path.join(t.dest, file.key));
        bytes += fetched.bytes;
        if (!fetched.matched) mismatches.push(file.key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, plan.files.length) }, runner));
    return { files: plan.files.length - mismatches.length, bytes, mismatches };
  });
  agent.destroy();
  report(seconds, { files: value.files, bytes: value.bytes, mismatches: value.mismatches.length });
  if (value.mismatches.length) throw new Error(`MD5 differs from the plan for ${value.mismatches.length} files: ${value.mismatches.slice(0, 3).join(", ")}`);
});
