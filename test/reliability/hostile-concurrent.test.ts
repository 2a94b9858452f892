/**
 * Adversarial suite, class "concurrent use": several downloads of the same prefix into the same
 * folder at once (two notebooks, two shells, array tasks), and lock files left behind or held
 * by others. A part file has exactly one writer at a time; the others wait and skip, or fail
 * with PartFileBusyError; never a wrong file, never a byte fetched twice by two writers.
 * (test/reliability/concurrent.test.ts does the same across real processes.)
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as s3 from "../../lib/s3/index.js";
import { isPartFileBusyError } from "../../lib/index.js";
import { fakeS3, FAKE_BUCKET, type FakeS3 } from "../helpers/fake-s3.js";
import { closedAfterEach, md5, scenario } from "../helpers/hostile.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const OBJECTS: Record<string, Buffer> = {
  "c/a.bin": Buffer.alloc(40_000, 1),
  "c/b.bin": Buffer.alloc(30_000, 2),
  "c/sub/c.bin": Buffer.alloc(20_000, 3),
  "c/sub/d.bin": Buffer.alloc(10_000, 4),
};
const KEYS = Object.keys(OBJECTS).sort();

/** A fake S3 endpoint whose object GETs answer after `delayMs`, so that concurrent downloads overlap. */
function slowS3(delayMs: number): Promise<FakeS3> {
  return fakeS3(OBJECTS, {
    object: (key, req, res, body) => {
      if (req.method !== "GET" || !body) return false;
      const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ""));
      const start = range ? Number(range[1]) : 0;
      const slice = body.subarray(start);
      const timer = setTimeout(() => {
        res.writeHead(range ? 206 : 200, {
          etag: `"${md5(body)}"`,
          "content-length": String(slice.length),
          "accept-ranges": "bytes",
          ...(range ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
        });
        res.end(slice);
      }, delayMs);
      res.on("close", () => clearTimeout(timer));
      return true;
    },
  });
}

/** Every file under `dir` is exactly its object, and nothing else is there (no part, sidecar or lock). */
function assertExactly(dir: string, keys: readonly string[]): void {
  assert.deepEqual(filesUnder(dir).sort(), [...keys].sort());
  for (const key of keys) assert.ok(fs.readFileSync(path.join(dir, key)).equals(OBJECTS[key]), `${key} differs from its object`);
}

/** GETs per key, whole or ranged. */
function getsPerKey(server: FakeS3): Map<string, number> {
  const counts = new Map<string, number>();
  for (const get of server.objectGets()) counts.set(get.key, (counts.get(get.key) ?? 0) + 1);
  return counts;
}

/** A pid that no process has now: a child's, after it exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid ?? 999_999;
}

function plantLock(dir: string, key: string, owner: { pid: number; host: string }, ageMs = 0): string {
  const lock = path.join(dir, `${key}.part.lock`);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const since = new Date(Date.now() - ageMs);
  fs.writeFileSync(lock, `${JSON.stringify({ ...owner, since: since.toISOString(), token: "planted-token" })}\n`);
  fs.utimesSync(lock, since, since);
  return lock;
}

describe("hostile: concurrent downloads into one folder — one writer per part file", () => {
  const work = tempDir("np-hostile-concurrent-");
  const track = closedAfterEach();
  const open = (server: FakeS3) => track(s3.bucket(FAKE_BUCKET, server.options));
  after(() => work.remove());

  scenario("three downloads of one prefix into one folder at once: each file written once, the others skip it after it verifies; the files are exact", async () => {
    const server = await slowS3(150);
    track(server);
    const target = path.join(work.dir, "three");
    const summaries = await Promise.all([0, 1, 2].map(() => open(server).download("c/", target, { concurrency: 2 })));
    for (const summary of summaries) assert.ok(summary.ok, JSON.stringify(summary.failures));
    assert.equal(summaries.reduce((sum, s) => sum + s.downloaded, 0), KEYS.length, "each file downloaded by exactly one");
    for (const key of KEYS) assert.equal(getsPerKey(server).get(key), 1, `${key} fetched more than once`);
    const waited = summaries.flatMap((s) => s.files.filter((f) => f.status === "skipped"));
    assert.equal(waited.length, 2 * KEYS.length);
    assert.ok(waited.some((file) => file.waitedFor), "some skipped file was waited for");
    for (const file of waited) if (file.waitedFor) assert.equal(file.waitedFor.pid, process.pid);
    assertExactly(target, KEYS);
  }, 20_000);

  scenario("with onBusy \"fail\", the second download's busy files fail with PartFileBusyError naming the writer; no wrong or partial file remains", async () => {
    const server = await slowS3(300);
    track(server);
    const target = path.join(work.dir, "fail");
    const first = open(server).download("c/", target, { concurrency: 4 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await open(server).download("c/", target, { concurrency: 4, onBusy: "fail" });
    const done = await first;
    assert.ok(done.ok);
    assert.equal(done.downloaded, KEYS.length);
    assert.equal(second.failed, KEYS.length);
    for (const failure of second.failures) {
      assert.ok(isPartFileBusyError(failure.error), String(failure.error));
      assert.equal(failure.error.reason, "busy");
      assert.equal(failure.error.owner.pid, process.pid);
    }
    for (const key of KEYS) assert.equal(getsPerKey(server).get(key), 1);
    assertExactly(target, KEYS);
  }, 20_000);

  scenario("a lock left by a dead process on this host, over a part file of unknown origin, is broken and the file is fetched whole: right bytes", async () => {
    const server = await slowS3(0);
    track(server);
    const target = path.join(work.dir, "dead");
    plantLock(target, "c/a.bin", { pid: deadPid(), host: os.hostname() });
    fs.writeFileSync(path.join(target, "c/a.bin.part"), Buffer.alloc(20_000, 0xee));
    const summary = await open(server).download("c/", target);
    assert.ok(summary.ok, JSON.stringify(summary.failures));
    const gets = server.objectGets().filter((get) => get.key === "c/a.bin");
    assert.deepEqual(gets.map((get) => get.range), [undefined], "a part file without a validator is never resumed");
    assertExactly(target, KEYS);
  });

  scenario("a lock held by a live process (this machine, fresh) with onBusy \"fail\": that file fails with PartFileBusyError, its lock stays, nothing under its name; the rest are exact", async () => {
    const server = await slowS3(0);
    track(server);
    const target = path.join(work.dir, "live-fail");
    const lock = plantLock(target, "c/b.bin", { pid: process.ppid, host: os.hostname() });
    const summary = await open(server).download("c/", target, { onBusy: "fail" });
    assert.equal(summary.failed, 1);
    const [failure] = summary.failures;
    assert.equal(failure.key, "c/b.bin");
    assert.ok(isPartFileBusyError(failure.error) && failure.error.owner.pid === process.ppid, String(failure.error));
    assert.ok(fs.readFileSync(lock, "utf8").includes("planted-token"), "another process's lock is never removed");
    fs.rmSync(lock);
    assertExactly(target, KEYS.filter((key) => key !== "c/b.bin"));
    assert.equal(getsPerKey(server).get("c/b.bin"), undefined, "the busy file was not fetched");
  });

  scenario("a lock held by a live process with onBusy \"wait\" and busyTimeoutMs 300: the other files first, then PartFileBusyError after the bounded wait", async () => {
    const server = await slowS3(0);
    track(server);
    const target = path.join(work.dir, "live-wait");
    const lock = plantLock(target, "c/sub/c.bin", { pid: process.ppid, host: os.hostname() });
    const started = Date.now();
    const summary = await open(server).download("c/", target, { busyTimeoutMs: 300 });
    const elapsed = Date.now() - started;
    assert.equal(summary.failed, 1);
    assert.ok(isPartFileBusyError(summary.failures[0].error), String(summary.failures[0].error));
    assert.ok(elapsed >= 250 && elapsed < 8_000, `waited ${elapsed} ms`);
    fs.rmSync(lock);
    assertExactly(target, KEYS.filter((key) => key !== "c/sub/c.bin"));
  });

  scenario("a lock from another host not refreshed for two minutes is stale: broken, and the file downloaded exactly", async () => {
    const server = await slowS3(0);
    track(server);
    const target = path.join(work.dir, "foreign-stale");
    plantLock(target, "c/sub/d.bin", { pid: 4242, host: "some-other-node" }, 120_000);
    const summary = await open(server).download("c/", target);
    assert.ok(summary.ok, JSON.stringify(summary.failures));
    assertExactly(target, KEYS);
  });

  scenario("an empty lock file older than its grace (a process that died creating it) is broken; an unreadable lock is never taken for a free one while fresh", async () => {
    const server = await slowS3(0);
    track(server);
    const target = path.join(work.dir, "empty-lock");
    const old = path.join(target, "c/a.bin.part.lock");
    fs.mkdirSync(path.dirname(old), { recursive: true });
    fs.writeFileSync(old, "");
    const past = new Date(Date.now() - 30_000);
    fs.utimesSync(old, past, past);
    const fresh = path.join(target, "c/b.bin.part.lock");
    fs.writeFileSync(fresh, "");
    const summary = await open(server).download("c/", target, { onBusy: "fail" });
    assert.deepEqual(summary.failures.map((f) => f.key), ["c/b.bin"]);
    assert.ok(isPartFileBusyError(summary.failures[0].error));
    fs.rmSync(fresh);
    assertExactly(target, KEYS.filter((key) => key !== "c/b.bin"));
  });

  scenario("a concurrent download that is aborted leaves its part files to the other, which completes every file exactly", async () => {
    const server = await slowS3(200);
    track(server);
    const target = path.join(work.dir, "abort");
    const controller = new AbortController();
    const doomed = open(server).download("c/", target, { concurrency: 4, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const survivor = open(server).download("c/", target, { concurrency: 4 });
    controller.abort();
    await doomed.catch(() => undefined);
    const summary = await survivor;
    assert.ok(summary.ok, JSON.stringify(summary.failures));
    assertExactly(target, KEYS);
  }, 20_000);
});
