import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3 from "../../lib/s3/index.js";
import { startS3Demo, Q1_BUCKET, type S3DemoInfo } from "../../demo/src/s3/index.js";
import type { RunningService } from "../../demo/src/types.js";
import { filesUnder, tempDir } from "../helpers/files.js";
import { throttleProxy } from "../helpers/throttle-proxy.js";
import type { LoopbackServer } from "../../demo/src/loopback.js";

const MOTOR = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/";
const CHILD = path.join(__dirname, "fixtures", "concurrent-child.ts");

interface ChildFile {
  key: string;
  status: s3.DownloadedFile["status"];
  waitedFor?: { pid: number; host: string; ms: number };
  code?: string;
  reason?: string;
}
interface ChildSummary {
  ok: boolean;
  bytes: number;
  files: ChildFile[];
}

/** A download child: started, waiting for `go`; its output lines parsed as JSON. */
class Downloader {
  readonly child: ChildProcess;
  readonly lines: unknown[] = [];
  readonly exited: Promise<number | null>;
  private ready: Promise<void>;

  constructor(endpoint: S3DemoInfo, out: string, onBusy: "wait" | "fail") {
    this.child = spawn(process.execPath, ["--require", "tsx/cjs", CHILD, Q1_BUCKET, MOTOR, out, onBusy], {
      env: { ...process.env, NEUROPORTAL_TEST_S3: JSON.stringify(endpoint) },
      stdio: ["pipe", "pipe", "inherit"],
    });
    let buffered = "";
    let markReady: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    this.child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      for (let at = buffered.indexOf("\n"); at >= 0; at = buffered.indexOf("\n")) {
        const line = JSON.parse(buffered.slice(0, at)) as unknown;
        buffered = buffered.slice(at + 1);
        if (line === "ready") markReady();
        else this.lines.push(line);
      }
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  async start(): Promise<void> {
    await this.ready;
    this.child.stdin!.write("go\n");
  }

  summary(): ChildSummary {
    const found = this.lines.find((line): line is { summary: ChildSummary } => typeof line === "object" && line !== null && "summary" in line);
    assert.ok(found, `the child printed no summary: ${JSON.stringify(this.lines)}`);
    return found.summary;
  }

  waited(): boolean {
    return this.lines.some((line) => typeof line === "object" && line !== null && "waiting" in line);
  }
}

const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");
const until = async (check: () => boolean, what: string, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("reliability: two processes downloading the same prefix into the same folder", function () {
  this.timeout(180_000);
  let service: RunningService<S3DemoInfo>;
  let slow: LoopbackServer;
  let manifest: s3.ManifestEntry[];
  let temp: ReturnType<typeof tempDir>;

  before(async () => {
    service = await startS3Demo({ layout: "q1" });
    // The largest file trickles for about 6 s, so that the two processes overlap however loaded the machine is.
    slow = await throttleProxy(service.info.endpoint, { latencyMs: 60, chunkBytes: 32 * 1024, intervalMs: 40 }, { match: /Physio_log\.txt/, throttle: { latencyMs: 60, chunkBytes: 16 * 1024, intervalMs: 100 } });
    const bucket = s3.fromServices({ s3: service.info }, Q1_BUCKET);
    manifest = (await bucket.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR));
    bucket.close();
  });
  after(async () => {
    await slow?.close();
    await service?.close();
  });
  beforeEach(() => (temp = tempDir("np-concurrent-")));
  afterEach(() => temp.remove());

  const info = () => ({ ...service.info, endpoint: slow.url });
  const assertCorrect = () => {
    for (const entry of manifest) assert.equal(md5(path.join(temp.dir, entry.key)), entry.checksum, entry.key);
    assert.deepEqual(filesUnder(temp.dir), manifest.map((entry) => entry.key).sort(), "no part files, sidecars or locks left");
  };

  it("splits the work: every file written by exactly one of them, the other skips it once verified, no byte fetched twice", async () => {
    const a = new Downloader(info(), temp.dir, "wait");
    const b = new Downloader(info(), temp.dir, "wait");
    await Promise.all([a.start(), b.start()]);
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
    const [sa, sb] = [a.summary(), b.summary()];
    assert.ok(sa.ok && sb.ok, JSON.stringify({ sa, sb }));
    const total = manifest.reduce((sum, entry) => sum + entry.size, 0);
    for (const entry of manifest) {
      const statuses = [sa, sb].map((s) => s.files.find((f) => f.key === entry.key)!.status).sort();
      assert.deepEqual(statuses, ["downloaded", "skipped"], `${entry.key}: ${statuses}`);
    }
    assert.equal(sa.bytes + sb.bytes, total, "every byte crossed the network once");
    const written = (s: ChildSummary) => s.files.filter((f) => f.status === "downloaded").length;
    assert.ok(written(sa) > 0 && written(sb) > 0, `both took a share: ${written(sa)} and ${written(sb)}`);
    const waitedFiles = [...sa.files, ...sb.files].filter((f) => f.waitedFor);
    assert.ok(waitedFiles.length > 0, "at least one file was waited for (the loser's typed outcome)");
    for (const file of waitedFiles) {
      assert.equal(file.status, "skipped");
      assert.ok([a.child.pid, b.child.pid].includes(file.waitedFor!.pid) && file.waitedFor!.ms >= 0, JSON.stringify(file));
    }
    assertCorrect();
  });

  it("with onBusy \"fail\" the loser reports each busy file as PartFileBusyError and never a wrong file; a re-run completes", async () => {
    const a = new Downloader(info(), temp.dir, "fail");
    const b = new Downloader(info(), temp.dir, "fail");
    await Promise.all([a.start(), b.start()]);
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
    const files = [...a.summary().files, ...b.summary().files];
    const busy = files.filter((f) => f.status === "failed");
    assert.ok(busy.length > 0, "at least one file was busy");
    assert.ok(busy.every((f) => f.code === "E_PART_BUSY" && f.reason === "busy"), JSON.stringify(busy));
    for (const entry of manifest) {
      const mine = files.filter((f) => f.key === entry.key);
      assert.equal(mine.filter((f) => f.status === "downloaded").length, 1, `${entry.key} written once: ${JSON.stringify(mine)}`);
    }
    for (const entry of manifest) assert.equal(md5(path.join(temp.dir, entry.key)), entry.checksum, entry.key);
    const bucket = s3.fromServices({ s3: service.info }, Q1_BUCKET);
    const again = await bucket.download(MOTOR, temp.dir);
    bucket.close();
    assert.equal(again.skipped, manifest.length);
    assertCorrect();
  });

  it("SIGKILL of the writer: the waiting process takes over its part files and resumes them; a restart of the killed one skips everything", async () => {
    const a = new Downloader(info(), temp.dir, "wait");
    const b = new Downloader(info(), temp.dir, "wait");
    await a.start();
    const physio = path.join(temp.dir, `${MOTOR}tfMRI_MOTOR_LR_Physio_log.txt`);
    await until(() => (fs.statSync(`${physio}.part`, { throwIfNoEntry: false })?.size ?? 0) > 64 * 1024, "the first process to write the largest file");
    const lock = JSON.parse(fs.readFileSync(`${physio}.part.lock`, "utf8")) as { pid: number };
    assert.equal(lock.pid, a.child.pid, "the lock names its writer");
    await b.start();
    await until(() => b.waited(), "the second process to wait for the first");
    a.child.kill("SIGKILL");
    await a.exited;
    assert.equal(await b.exited, 0);
    const sb = b.summary();
    assert.ok(sb.ok, JSON.stringify(sb));
    const taken = sb.files.filter((f) => f.waitedFor?.pid === a.child.pid);
    assert.ok(taken.length > 0, "b waited for a's files");
    assert.ok(taken.some((f) => f.status === "resumed"), `a's part files were resumed, not refetched: ${JSON.stringify(taken)}`);
    assertCorrect();
    const again = new Downloader(info(), temp.dir, "wait");
    await again.start();
    assert.equal(await again.exited, 0);
    assert.ok(again.summary().files.every((f) => f.status === "skipped"));
  });
});
