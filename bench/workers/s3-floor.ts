/**
 * Lower-bound probe for the S3 download benchmark: the least a verified download in Node does,
 * and nothing else. One ListObjectsV2 request, then signed GETs 8 at a time over one keep-alive
 * `node:http` agent; each body is streamed to `<dest>/<key>.part` while MD5 is fed chunk by
 * chunk, compared with the listing's ETag, and renamed to `<dest>/<key>`. No retries, no
 * resume, no manifest, no progress, no error typing. Exits non-zero on any mismatch.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { fetchVerified, makeSignedGet, type Listed, type SignedGet } from "./floor-lib.js";
import { preloadS3Sdk, report, runWorkerMain, task, timed, type S3DownloadTask } from "./worker-lib.js";

type Task = S3DownloadTask;

const unescapeXml = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The objects of one ListObjectsV2 page, read with regular expressions (a probe, not a parser). */
async function listOnce(get: SignedGet, bucket: string, prefix: string): Promise<Listed[]> {
  const response = await get(`/${encodeURIComponent(bucket)}`, { "list-type": "2", prefix });
  let xml = "";
  for await (const chunk of response) xml += chunk;
  if (/<IsTruncated>true<\/IsTruncated>/.test(xml)) throw new Error(`the listing of ${prefix} needs more than one ListObjectsV2 request; the floor probe makes one`);
  return [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, entry]) => {
    const field = (name: string) => unescapeXml(new RegExp(`<${name}>([^<]*)</${name}>`).exec(entry)?.[1] ?? "");
    return { key: field("Key"), etag: field("ETag").replace(/"/g, "") };
  }).filter((object) => !object.key.endsWith("/"));
}

runWorkerMain(async () => {
  preloadS3Sdk();
  const t = task<Task>();
  const concurrency = t.concurrency ?? 8;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const { value, seconds } = await timed(async () => {
    const get = makeSignedGet(t, agent);
    const objects = await listOnce(get, t.bucket, t.prefix);
    for (const folder of new Set(objects.map((object) => path.dirname(path.join(t.dest, object.key))))) fs.mkdirSync(folder, { recursive: true });
    const mismatches: string[] = [];
    let next = 0;
    let bytes = 0;
    const runner = async () => {
      while (next < objects.length) {
        const object = objects[next++];
        const fetched = await fetchVerified(get, t.bucket, object, path.join(t.dest, object.key));
        bytes += fetched.bytes;
        if (!fetched.matched) mismatches.push(object.key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, runner));
    return { files: objects.length - mismatches.length, bytes, mismatches };
  });
  agent.destroy();
  report(seconds, { files: value.files, bytes: value.bytes, mismatches: value.mismatches.length, mismatchedKeys: value.mismatches.slice(0, 3) });
  if (value.mismatches.length) throw new Error(`MD5 differs from the ETag for ${value.mismatches.length} objects: ${value.mismatches.slice(0, 3).join(", ")}`);
});
