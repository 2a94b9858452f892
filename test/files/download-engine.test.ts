import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { isIntegrityError, isUnsafePathError } from "../../lib/errors.js";
import { NetworkError, isNetworkError } from "../../lib/http/errors.js";
import { downloadFiles, downloadFrom } from "../../lib/files/download-engine.js";
import type { DownloadProgress, DownloadSource, RemoteFile } from "../../lib/files/download-types.js";
import { isPartFileBusyError, isPartLock, tryLock } from "../../lib/files/part-lock.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

/** A source over buffers: ranged reads, optional validators, and per-file misbehaviour. */
function memorySource(content: Record<string, Buffer>, behave: { cutOnce?: Record<string, number>; extra?: Record<string, number>; validator?: boolean; requests?: { key: string; start?: number; validator?: string }[] } = {}): DownloadSource {
  const cut = new Map(Object.entries(behave.cutOnce ?? {}));
  return {
    name: "memory",
    list: async () =>
      Object.entries(content).map(([key, data]): RemoteFile => ({ key, size: data.length, md5: md5(data), verifiedBy: "md5-digest", validator: behave.validator === false ? undefined : `v-${md5(data)}`, location: `memory:${key}` })),
    open: async (file, range) => {
      behave.requests?.push({ key: file.key, start: range.start, validator: range.validator });
      const data = Buffer.concat([content[file.key], Buffer.alloc(behave.extra?.[file.key] ?? 0, 1)]);
      const start = range.start ?? 0;
      const limit = cut.get(file.key);
      if (limit !== undefined) {
        cut.delete(file.key);
        const stream = new Readable({ read() {} });
        stream.push(data.subarray(start, limit));
        setTimeout(() => stream.destroy(new NetworkError("cut", file.location)), 5);
        return { status: start ? 206 : 200, body: stream };
      }
      return { status: start ? 206 : 200, body: Readable.from([data.subarray(start)]) };
    },
    isRetryable: (error) => isNetworkError(error),
  };
}

describe("files: the download engine (any source)", function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir("np-engine-")));
  afterEach(() => temp.remove());

  const content = { "a/one.bin": bytes(300_000, 1), "a/two.txt": bytes(1_000, 2), "b/three.dat": bytes(70_000, 3) };

  it("downloads, verifies, renames atomically, reports progress, and skips verified files on a re-run", async () => {
    const events: DownloadProgress[] = [];
    const summary = await downloadFrom(memorySource(content), temp.dir, { concurrency: 2, onProgress: (p) => events.push(p) });
    assert.deepEqual([summary.downloaded, summary.failed, summary.bytes], [3, 0, 371_000]);
    assert.ok(summary.files.every((file) => file.verifiedBy === "md5-digest"));
    for (const [key, data] of Object.entries(content)) assert.deepEqual(fs.readFileSync(path.join(temp.dir, key)), data);
    assert.deepEqual(filesUnder(temp.dir), Object.keys(content).sort());
    assert.deepEqual([events[0].event, events.at(-1)!.event, events.at(-1)!.filesDone], ["start", "done", 3]);
    const again = await downloadFrom(memorySource(content), temp.dir);
    assert.deepEqual([again.skipped, again.bytes], [3, 0]);
  });

  it("resumes a cut transfer with a range request carrying the validator", async () => {
    const requests: { key: string; start?: number; validator?: string }[] = [];
    const summary = await downloadFrom(memorySource(content, { cutOnce: { "a/one.bin": 120_000 }, requests }), temp.dir, { retryPolicy: { retries: 4, baseDelayMs: 1, maxDelayMs: 1, statuses: [] } });
    assert.equal(summary.files.find((f) => f.key === "a/one.bin")!.status, "resumed");
    const reads = requests.filter((r) => r.key === "a/one.bin");
    assert.deepEqual(reads.map((r) => r.start), [undefined, 120_000]);
    assert.equal(reads[1].validator, `v-${md5(content["a/one.bin"])}`);
    assert.equal(summary.bytes, 371_000);
  });

  it("never resumes a part file of a source without validators: the remote file may have changed", async () => {
    const source = memorySource(content, { validator: false, cutOnce: { "a/one.bin": 120_000 } });
    const first = await downloadFrom(source, temp.dir, { retries: 0 });
    assert.equal(first.failed, 1);
    assert.ok(fs.statSync(path.join(temp.dir, "a/one.bin.part")).size > 0);
    const requests: { key: string; start?: number }[] = [];
    const second = await downloadFrom(memorySource(content, { validator: false, requests }), temp.dir);
    assert.equal(second.files.find((f) => f.key === "a/one.bin")!.status, "downloaded");
    assert.deepEqual(requests.filter((r) => r.key === "a/one.bin").map((r) => r.start), [undefined]);
  });

  it("stops a body at the listed size: a longer file is fetched once more, then fails with IntegrityError and nothing under its name", async () => {
    const summary = await downloadFrom(memorySource(content, { extra: { "a/two.txt": 5_000_000 } }), temp.dir);
    const failed = summary.files.find((f) => f.key === "a/two.txt")!;
    assert.equal(failed.status, "failed");
    assert.ok(isIntegrityError(failed.error), String(failed.error));
    assert.ok(summary.bytes < 371_000 + 2 * 70_000, `only the listed bytes were taken: ${summary.bytes}`);
    assert.deepEqual(filesUnder(temp.dir), ["a/one.bin", "b/three.dat"]);
  });

  it("reports an unsafe key as failed with UnsafePathError and still downloads the others", async () => {
    const source = memorySource(content);
    const files = [...(await source.list()), { key: "../escape.txt", size: 1, verifiedBy: "size" as const, location: "memory:../escape.txt" }];
    const summary = await downloadFiles(files, temp.dir, source);
    assert.equal(summary.downloaded, 3);
    assert.ok(isUnsafePathError(summary.failures[0].error));
  });

  it("onBusy \"fail\": a file whose part another writer holds fails with PartFileBusyError naming it, the rest download", async () => {
    fs.mkdirSync(path.join(temp.dir, "a"), { recursive: true });
    const held = tryLock(path.join(temp.dir, "a/one.bin.part.lock"));
    assert.ok(isPartLock(held));
    try {
      const summary = await downloadFrom(memorySource(content), temp.dir, { onBusy: "fail" });
      assert.deepEqual([summary.downloaded, summary.failed], [2, 1]);
      const error = summary.failures[0].error;
      assert.ok(isPartFileBusyError(error) && error.owner.pid === process.pid && error.reason === "busy", String(error));
      assert.equal(fs.existsSync(path.join(temp.dir, "a/one.bin")), false);
    } finally {
      held.release();
    }
  });

  it("onBusy \"wait\": does the free files first, waits, and skips the busy one once the other writer's copy verifies", async () => {
    fs.mkdirSync(path.join(temp.dir, "a"), { recursive: true });
    const held = tryLock(path.join(temp.dir, "a/one.bin.part.lock"));
    assert.ok(isPartLock(held));
    const order: string[] = [];
    setTimeout(() => {
      fs.writeFileSync(path.join(temp.dir, "a/one.bin"), content["a/one.bin"]);
      held.release();
    }, 400);
    const summary = await downloadFrom(memorySource(content), temp.dir, { onProgress: (p) => p.key && order.push(`${p.event}:${p.key}`) });
    const busy = summary.files.find((f) => f.key === "a/one.bin")!;
    assert.equal(busy.status, "skipped");
    assert.equal(busy.waitedFor?.pid, process.pid);
    assert.ok(order.indexOf("waiting:a/one.bin") > order.indexOf("file:b/three.dat"), `free files first: ${order.join(" ")}`);
    assert.equal(summary.bytes, 71_000);
  });

  it("onBusy \"wait\": gives up after busyTimeoutMs with PartFileBusyError", async () => {
    fs.mkdirSync(path.join(temp.dir, "a"), { recursive: true });
    const held = tryLock(path.join(temp.dir, "a/two.txt.part.lock"));
    assert.ok(isPartLock(held));
    try {
      const summary = await downloadFrom(memorySource(content), temp.dir, { busyTimeoutMs: 300 });
      assert.equal(summary.failed, 1);
      assert.ok(isPartFileBusyError(summary.failures[0].error));
    } finally {
      held.release();
    }
  });

  it("an abort rejects the download, keeps the part file and releases its lock", async () => {
    const controller = new AbortController();
    const source = memorySource({ "big.bin": bytes(3_000_000, 9) });
    const slow: DownloadSource = {
      ...source,
      open: async (file, range) => {
        const opened = await source.open(file, range);
        const body = new Readable({ read() {} });
        const data = Buffer.concat(await (opened.body as Readable).toArray());
        body.push(data.subarray(0, 1_000_000));
        setTimeout(() => controller.abort(), 100);
        return { status: opened.status, body };
      },
    };
    await assert.rejects(downloadFrom(slow, temp.dir, { signal: controller.signal }), (error: Error) => error.name === "AbortError");
    assert.deepEqual(filesUnder(temp.dir), ["big.bin.part", "big.bin.part.json"]);
  });
});
