import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import { NeuroportalError } from "../errors.js";
import type { LockOwner } from "./download-types.js";
import { toLocalWriteError } from "./local-write.js";

/** Another process holds (or took over) the part file of a download. */
export class PartFileBusyError extends NeuroportalError {
  /** The final file whose part file is held. */
  readonly path: string;
  /** The process that holds it. */
  readonly owner: LockOwner;
  /** `busy`: held by another live process; `lost`: this process's lock was taken from it (it looked stale to another one). */
  readonly reason: "busy" | "lost";
  constructor(target: string, owner: LockOwner, reason: "busy" | "lost", detail = "") {
    const who = `process ${owner.pid} on ${owner.host} (since ${owner.since})`;
    super(
      "E_PART_BUSY",
      reason === "busy" ? `${target} is being downloaded by ${who}${detail}` : `the part file of ${target} was taken over by ${who}; nothing was renamed`,
      { hint: reason === "busy" ? "wait for the other download to finish (onBusy: \"wait\"), or download into another folder" : "run the download again; the file is resumed from whatever is on disk" },
    );
    this.path = target;
    this.owner = owner;
    this.reason = reason;
  }
}

export const isPartFileBusyError = (e: unknown): e is PartFileBusyError => e instanceof PartFileBusyError;

/** Held locks refresh their file's time this often, so that others can tell a live owner from a dead one. */
const HEARTBEAT_MS = 5_000;
/** A lock whose file was not refreshed for this long is stale, whoever holds it (another host, a reused pid). */
const STALE_MS = 60_000;
/** A lock file still empty after this long was left by a process that died between creating and writing it. */
const EMPTY_GRACE_MS = 5_000;
/** The breaker lock is held for two system calls; one this old was left by a dead process. */
const BREAKER_STALE_MS = 10_000;

const HOST = os.hostname();

interface LockRecord extends LockOwner {
  token: string;
}

/** A lock this process holds on one part file. */
export interface PartLock {
  /** The lock file. */
  readonly file: string;
  /** True while the lock file still carries this process's token. */
  held(): boolean;
  /** Removes the lock file if it is still this process's; later calls do nothing. */
  release(): void;
}

const heldLocks = new Set<string>();
let heartbeat: NodeJS.Timeout | undefined;

function beat(): void {
  const now = new Date();
  for (const file of heldLocks) {
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // a lock file that vanished is noticed by held() before the rename
    }
  }
}

function track(file: string, on: boolean): void {
  if (on) heldLocks.add(file);
  else heldLocks.delete(file);
  if (heldLocks.size > 0 && !heartbeat) {
    heartbeat = setInterval(beat, HEARTBEAT_MS);
    heartbeat.unref();
  } else if (heldLocks.size === 0 && heartbeat) {
    clearInterval(heartbeat);
    heartbeat = undefined;
  }
}

/**
 * Tries once to take the exclusive lock `file` (created with `O_EXCL`, holding this process's
 * pid, host and a random token). A lock left by a dead process (same host and its pid gone, or
 * not refreshed for a minute) is broken first, under a second short-lived lock so that two
 * processes never both break it and never break a fresh one. Returns the lock, or the live
 * owner when another process holds it.
 */
export function tryLock(file: string): PartLock | LockOwner {
  for (let attempt = 0; ; attempt++) {
    const record: LockRecord = { pid: process.pid, host: HOST, since: new Date().toISOString(), token: randomBytes(12).toString("hex") };
    let fd: number;
    try {
      fd = fs.openSync(file, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw toLocalWriteError(error, file);
      const current = readLock(file);
      if (!current) continue;
      if (attempt < 3 && isStale(current) && breakStale(file, current)) continue;
      return ownerOf(current);
    }
    try {
      fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw toLocalWriteError(error, file);
    }
    fs.closeSync(fd);
    track(file, true);
    let released = false;
    return {
      file,
      held: () => !released && readLock(file)?.record?.token === record.token,
      release: () => {
        if (released) return;
        released = true;
        track(file, false);
        if (readLock(file)?.record?.token === record.token) fs.rmSync(file, { force: true });
      },
    };
  }
}

/** Who holds the lock `file` now, if anyone. */
export function currentOwner(file: string): LockOwner | undefined {
  const state = readLock(file);
  return state && ownerOf(state);
}

/** True when `value` is a lock this process holds (as opposed to the owner of a busy one). */
export const isPartLock = (value: PartLock | LockOwner): value is PartLock => "release" in value;

interface LockState {
  record?: LockRecord;
  /** The lock file's last refresh (ms since epoch). */
  mtimeMs: number;
  /** The raw text, to recognise the same stale lock when breaking it. */
  text: string;
}

function readLock(file: string): LockState | undefined {
  try {
    const stat = fs.statSync(file);
    const text = fs.readFileSync(file, "utf8");
    let record: LockRecord | undefined;
    try {
      const parsed = JSON.parse(text) as LockRecord;
      if (Number.isInteger(parsed.pid) && typeof parsed.host === "string" && typeof parsed.token === "string") record = parsed;
    } catch {
      record = undefined;
    }
    return { record, mtimeMs: stat.mtimeMs, text };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw toLocalWriteError(error, file);
  }
}

function ownerOf(state: LockState): LockOwner {
  const record = state.record;
  return record ? { pid: record.pid, host: record.host, since: record.since } : { pid: 0, host: "unknown", since: new Date(state.mtimeMs).toISOString() };
}

function isStale(state: LockState): boolean {
  const age = Date.now() - state.mtimeMs;
  if (!state.record) return age > EMPTY_GRACE_MS;
  if (age > STALE_MS) return true;
  return state.record.host === HOST && !processAlive(state.record.pid);
}

/** Whether a process with this pid exists on this machine (a process of another user counts as alive). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the stale lock `file` if it still holds exactly what was judged stale. The check and
 * the removal happen under `<file>.break` (itself taken with `O_EXCL`), so of several processes
 * that found the same stale lock only one removes it, and none removes a lock created since.
 */
function breakStale(file: string, stale: LockState): boolean {
  const breaker = `${file}.break`;
  let fd: number;
  try {
    fd = fs.openSync(breaker, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw toLocalWriteError(error, breaker);
    const age = Date.now() - (fs.statSync(breaker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BREAKER_STALE_MS) fs.rmSync(breaker, { force: true });
    return true;
  }
  try {
    const again = readLock(file);
    if (again && again.text === stale.text && again.mtimeMs === stale.mtimeMs) fs.rmSync(file, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(breaker, { force: true });
  }
  return true;
}

/** How {@link waitForLock} waits. */
export interface WaitOptions {
  /** Give up after this long with {@link PartFileBusyError}. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once, when the first attempt finds another owner. */
  onWait?: (owner: LockOwner) => void;
}

/**
 * Takes the lock `file`, waiting (polling, 50 ms growing to 1 s) while another live process holds
 * it. Resolves to the lock and the owner it waited for, if any; raises {@link PartFileBusyError}
 * naming that owner after `timeoutMs`, or the signal's reason on abort.
 */
export async function waitForLock(file: string, target: string, options: WaitOptions): Promise<{ lock: PartLock; waitedFor?: LockOwner & { ms: number } }> {
  const started = Date.now();
  let first: LockOwner | undefined;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    options.signal?.throwIfAborted();
    const got = tryLock(file);
    if (isPartLock(got)) return { lock: got, waitedFor: first && { ...first, ms: Date.now() - started } };
    if (!first) {
      first = got;
      options.onWait?.(got);
    }
    if (Date.now() - started >= options.timeoutMs) throw new PartFileBusyError(target, got, "busy", `; gave up after waiting ${Math.round((Date.now() - started) / 1000)} s`);
    await pause(delay, options.signal);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
