import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { currentOwner, isPartFileBusyError, isPartLock, processAlive, tryLock, waitForLock } from "../../lib/files/part-lock.js";
import { tempDir } from "../helpers/files.js";

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(child.stdout);
  assert.ok(!processAlive(pid));
  return pid;
}

const writeLock = (file: string, owner: { pid: number; host: string }, ageMs = 0) => {
  fs.writeFileSync(file, JSON.stringify({ ...owner, since: new Date().toISOString(), token: "someone-else" }));
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
};

describe("files: the part-file lock (one writer per part file across processes)", () => {
  let temp: ReturnType<typeof tempDir>;
  let lockFile: string;
  beforeEach(() => {
    temp = tempDir("np-lock-");
    lockFile = path.join(temp.dir, "x.nii.part.lock");
  });
  afterEach(() => temp.remove());

  it("is exclusive: a second taker gets the owner, and release frees it for the next", () => {
    const first = tryLock(lockFile);
    assert.ok(isPartLock(first));
    const second = tryLock(lockFile);
    assert.ok(!isPartLock(second));
    assert.deepEqual([second.pid, second.host], [process.pid, os.hostname()]);
    assert.ok(first.held());
    first.release();
    assert.equal(fs.existsSync(lockFile), false);
    const third = tryLock(lockFile);
    assert.ok(isPartLock(third));
    third.release();
  });

  it("breaks a lock whose process on this host is gone, and keeps one whose process lives", () => {
    writeLock(lockFile, { pid: deadPid(), host: os.hostname() });
    const taken = tryLock(lockFile);
    assert.ok(isPartLock(taken), "the dead process's lock was broken");
    taken.release();
    writeLock(lockFile, { pid: process.ppid, host: os.hostname() });
    const busy = tryLock(lockFile);
    assert.ok(!isPartLock(busy));
    assert.equal(busy.pid, process.ppid);
  });

  it("trusts another host's lock while it is refreshed and breaks it once a minute old", () => {
    writeLock(lockFile, { pid: 4242, host: "other-node" }, 5_000);
    assert.ok(!isPartLock(tryLock(lockFile)), "a fresh foreign lock is respected");
    writeLock(lockFile, { pid: 4242, host: "other-node" }, 61_000);
    const taken = tryLock(lockFile);
    assert.ok(isPartLock(taken), "a stale foreign lock is broken");
    taken.release();
  });

  it("treats an empty lock file as being written for a few seconds, then as left by a crash", () => {
    fs.writeFileSync(lockFile, "");
    assert.ok(!isPartLock(tryLock(lockFile)));
    const old = new Date(Date.now() - 6_000);
    fs.utimesSync(lockFile, old, old);
    const taken = tryLock(lockFile);
    assert.ok(isPartLock(taken));
    taken.release();
  });

  it("never removes a lock that is not its own: release after a takeover leaves the new owner's file", () => {
    const mine = tryLock(lockFile);
    assert.ok(isPartLock(mine));
    writeLock(lockFile, { pid: process.ppid, host: os.hostname() });
    assert.equal(mine.held(), false, "held() notices the takeover");
    mine.release();
    assert.equal(currentOwner(lockFile)?.pid, process.ppid, "the other owner's lock is still there");
  });

  it("waits for the owner to let go, reporting whom it waited for, or gives up with PartFileBusyError", async () => {
    const holder = tryLock(lockFile);
    assert.ok(isPartLock(holder));
    setTimeout(() => holder.release(), 300);
    let heard = 0;
    const { lock, waitedFor } = await waitForLock(lockFile, "x.nii", { timeoutMs: 10_000, onWait: () => heard++ });
    assert.equal(heard, 1);
    assert.equal(waitedFor?.pid, process.pid);
    assert.ok(waitedFor!.ms >= 250, `waited ${waitedFor!.ms} ms`);
    await assert.rejects(waitForLock(lockFile, "x.nii", { timeoutMs: 200 }), (error: unknown) => isPartFileBusyError(error) && error.reason === "busy" && error.owner.pid === process.pid && error.code === "E_PART_BUSY");
    lock.release();
  });

  it("refreshes a held lock's time, so that others on other hosts can tell it lives", async () => {
    const lock = tryLock(lockFile);
    assert.ok(isPartLock(lock));
    const old = new Date(Date.now() - 30_000);
    fs.utimesSync(lockFile, old, old);
    await new Promise((resolve) => setTimeout(resolve, 5_300));
    assert.ok(Date.now() - fs.statSync(lockFile).mtimeMs < 5_000, "the heartbeat touched the lock");
    lock.release();
  }).timeout(10_000);
});
