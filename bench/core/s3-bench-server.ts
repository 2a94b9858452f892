import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { registerSecret } from "../../lib/core/redact.js";
import { startS3rverChild } from "../../demo/src/s3/child.js";
import { createS3FrontHandler } from "../../demo/src/s3/index.js";
import { listenLoopback } from "../../demo/src/loopback.js";
import { objectContent, SeededSet, S3Target } from "./s3-seed.js";

/** A running S3 endpoint holding the benchmark objects. */
export interface BenchS3 {
  target: S3Target;
  bucket: string;
  sets: SeededSet[];
  /**
   * CPU seconds the server side has used so far: the s3rver child plus this process, where the
   * front runs (the harness idles while a client is timed, so the delta of a run is the front's).
   */
  cpuSeconds(): number;
  close(): Promise<void>;
}

/** User + system CPU seconds of process `pid` from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

let clockTicks: number | undefined;


/**
 * Starts another instance of the demo's S3 service, built from the same parts as
 * `startS3Demo` (s3rver 3.7.1 in its child process, behind the demo's signature-checking
 * front handler), with the benchmark objects written straight into the s3rver store: uploading
 * gigabytes through PutObject would take minutes, writing them takes seconds.
 */
export async function startBenchS3(bucket: string, sets: readonly { prefix: string; files: number; bytesEach: number }[], parent: string): Promise<BenchS3> {
  const keys = { accessKeyId: `AKIANPBENCH${randomBytes(4).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64").replace(/[+/]/g, "x") };
  registerSecret(keys.accessKeyId);
  registerSecret(keys.secretAccessKey);
  const scratch = fs.mkdtempSync(path.join(parent, "s3-"));
  const directory = path.join(scratch, "store");
  const remove = () => fs.rmSync(scratch, { recursive: true, force: true });
  let child: Awaited<ReturnType<typeof startS3rverChild>> | undefined;
  try {
    fs.mkdirSync(path.join(directory, bucket), { recursive: true });
    const seeded = await writeStore(path.join(directory, bucket), sets);
    child = await startS3rverChild({ directory });
    const front = await listenLoopback(createS3FrontHandler({ upstreamPort: child.port, keys, requireCredentials: true }));
    const running = child;
    return {
      target: { endpoint: front.url, region: "us-east-1", ...keys },
      bucket,
      sets: seeded,
      cpuSeconds() {
        const own = process.cpuUsage();
        return processCpuSeconds(running.pid) + (own.user + own.system) / 1e6;
      },
      async close() {
        await front.close();
        await running.close();
        remove();
      },
    };
  } catch (error) {
    await child?.close();
    remove();
    throw error;
  }
}

/** Writes each object as `<key>._S3rver_object` plus its `.md5`, as s3rver 3.7.1 stores them. */
async function writeStore(bucketDir: string, sets: readonly { prefix: string; files: number; bytesEach: number }[]): Promise<SeededSet[]> {
  let index = 0;
  for (const set of sets) {
    const folder = path.join(bucketDir, ...set.prefix.split("/").filter(Boolean));
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < set.files; i++) {
      const file = path.join(folder, `f${String(i + 1).padStart(5, "0")}.bin._S3rver_object`);
      const hash = createHash("md5");
      const tap = new Transform({
        transform(chunk, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(objectContent(index++, set.bytesEach), tap, fs.createWriteStream(file));
      fs.writeFileSync(`${file}.md5`, hash.digest("hex"));
    }
  }
  return sets.map((set) => ({ ...set, totalBytes: set.files * set.bytesEach }));
}
