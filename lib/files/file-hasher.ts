import * as os from "node:os";
import { Worker } from "node:worker_threads";
import { NeuroportalError } from "../errors.js";

/** Hashing a local file failed (it vanished, or could not be read). */
export class FileHashError extends NeuroportalError {
  /** The file that could not be hashed. */
  readonly path: string;
  /** The Node error code, e.g. `ENOENT`, when the system gave one. */
  readonly osCode?: string;
  constructor(file: string, message: string, osCode?: string) {
    super("E_FILE_HASH", `cannot compute the MD5 of ${file}: ${message}`, { hint: "check that nothing else moves or deletes files in the target folder, then run the download again" });
    this.path = file;
    this.osCode = osCode;
  }
}

export const isFileHashError = (e: unknown): e is FileHashError => e instanceof FileHashError;

/**
 * The worker's code, run with `eval` so that it needs no file next to the compiled library (the
 * library also runs from TypeScript sources under tsx). It reads each file in 1 MiB blocks into
 * one reused buffer and answers with the hex digest or the error.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const crypto = require("node:crypto");
const block = Buffer.allocUnsafe(1 << 20);
const streams = new Map();
const failure = (error) => ({ message: String(error && error.message || error), code: error && error.code });
function feed(stream, upTo) {
  if (stream.error) return;
  try {
    if (stream.fd === undefined) stream.fd = fs.openSync(stream.file, "r");
    while (stream.position < upTo) {
      const read = fs.readSync(stream.fd, block, 0, Math.min(block.length, upTo - stream.position), stream.position);
      if (read === 0) return;
      stream.hash.update(block.subarray(0, read));
      stream.position += read;
    }
  } catch (error) {
    stream.error = failure(error);
  }
}
function close(stream) {
  streams.delete(stream.id);
  if (stream.fd !== undefined) fs.closeSync(stream.fd);
}
parentPort.on("message", (message) => {
  const { op, id, file } = message;
  if (op === "open") return void streams.set(message.stream, { id: message.stream, file, hash: crypto.createHash("md5"), position: 0 });
  const stream = message.stream === undefined ? undefined : streams.get(message.stream);
  if (op === "advance") return void (stream && feed(stream, message.upTo));
  if (op === "drop") return void (stream && close(stream));
  if (op === "digest") {
    if (!stream) return void parentPort.postMessage({ id, error: { message: "the hash stream was dropped" } });
    feed(stream, Infinity);
    try {
      parentPort.postMessage(stream.error ? { id, error: stream.error } : { id, md5: stream.hash.digest("hex") });
    } finally {
      close(stream);
    }
    return;
  }
  let fd;
  try {
    const hash = crypto.createHash("md5");
    fd = fs.openSync(file, "r");
    for (let read; (read = fs.readSync(fd, block, 0, block.length, null)) > 0; ) hash.update(block.subarray(0, read));
    parentPort.postMessage({ id, md5: hash.digest("hex") });
  } catch (error) {
    parentPort.postMessage({ id, error: failure(error) });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

/**
 * The MD5 of a file that is still being written (append only), taken from the bytes on disk as
 * they land: {@link FileHashStream.advance} hands the thread what has been written so far, and
 * {@link FileHashStream.digest} reads the rest once writing is done. Hashing thus runs beside
 * the transfer instead of after it.
 */
export interface FileHashStream {
  /** The file holds at least `bytes` bytes now; the thread may hash up to there. */
  advance(bytes: number): void;
  /** Hashes whatever is left up to the end of the file and returns the MD5 as lower-case hex. */
  digest(): Promise<string>;
  /** Forgets the stream (the file was removed or is no longer wanted). */
  drop(): void;
}

interface Pending {
  file: string;
  resolve(md5: string): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Threads a {@link FileHasher} starts by default: one fewer than the CPUs (the event loop keeps one), at least one, at most four. */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/**
 * Computes MD5 digests of local files on worker threads, so that verifying a finished download
 * runs beside the transfers still in flight instead of holding up the event loop. Threads start
 * on first use and never keep the process alive while idle; {@link FileHasher.close} stops them.
 */
export class FileHasher {
  readonly #size: number;
  readonly #threads: Thread[] = [];
  #next = 0;
  #sequence = 0;
  #closed = false;

  constructor(threads = defaultHashThreads()) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`a FileHasher needs at least one thread, not ${threads}`);
    this.#size = threads;
  }

  /** The MD5 of `file` as lower-case hex; a file that cannot be read raises {@link FileHashError}. */
  md5(file: string): Promise<string> {
    if (this.#closed) return Promise.reject(new FileHashError(file, "the hasher was closed"));
    return this.#ask(this.#pickThread(), { file }, file);
  }

  #ask(thread: Thread, message: Record<string, unknown>, file: string): Promise<string> {
    const id = ++this.#sequence;
    return new Promise<string>((resolve, reject) => {
      thread.pending.set(id, { file, resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ ...message, id });
    });
  }

  /** Starts hashing `file` while it is written; see {@link FileHashStream}. */
  stream(file: string): FileHashStream {
    if (this.#closed) {
      const closed = Promise.reject(new FileHashError(file, "the hasher was closed"));
      closed.catch(() => undefined);
      return { advance: () => undefined, digest: () => closed, drop: () => undefined };
    }
    const thread = this.#pickThread();
    const stream = ++this.#sequence;
    let finished = false;
    thread.worker.postMessage({ op: "open", stream, file });
    return {
      advance: (bytes) => {
        if (!finished) thread.worker.postMessage({ op: "advance", stream, upTo: bytes });
      },
      digest: () => {
        if (finished) return Promise.reject(new FileHashError(file, "the hash stream was already finished"));
        finished = true;
        return this.#ask(thread, { op: "digest", stream }, file);
      },
      drop: () => {
        if (finished) return;
        finished = true;
        thread.worker.postMessage({ op: "drop", stream });
      },
    };
  }

  /** Stops the threads; files still being hashed fail with {@link FileHashError}. */
  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map(async (thread) => {
      this.#failAll(thread, "the hasher was closed");
      await thread.worker.terminate();
    }));
  }

  #pickThread(): Thread {
    if (this.#threads.length < this.#size) {
      const thread = this.#startThread();
      this.#threads.push(thread);
      return thread;
    }
    let best = this.#threads[this.#next++ % this.#threads.length];
    for (const thread of this.#threads) if (thread.pending.size < best.pending.size) best = thread;
    return best;
  }

  #startThread(): Thread {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const thread: Thread = { worker, pending: new Map() };
    worker.on("message", (answer: { id: number; md5?: string; error?: { message: string; code?: string } }) => {
      const pending = thread.pending.get(answer.id);
      if (!pending) return;
      thread.pending.delete(answer.id);
      if (thread.pending.size === 0) worker.unref();
      if (answer.md5 !== undefined) pending.resolve(answer.md5);
      else pending.reject(new FileHashError(pending.file, answer.error?.message ?? "unknown failure", answer.error?.code));
    });
    const fail = (reason: string) => {
      const index = this.#threads.indexOf(thread);
      if (index >= 0) this.#threads.splice(index, 1);
      this.#failAll(thread, reason);
    };
    worker.on("error", (error) => fail(`the hashing thread failed: ${error.message}`));
    worker.on("exit", (code) => fail(`the hashing thread stopped (exit code ${code})`));
    // After the listeners: adding a "message" listener refs the worker's port again (Node 20).
    worker.unref();
    return thread;
  }

  #failAll(thread: Thread, reason: string): void {
    for (const [id, pending] of thread.pending) {
      thread.pending.delete(id);
      pending.reject(new FileHashError(pending.file, reason));
    }
  }
}

let shared: FileHasher | undefined;

/**
 * The MD5 of a file as lower-case hex, computed on the process's shared {@link FileHasher}
 * (its idle threads never keep the process alive). A file that cannot be read raises
 * {@link FileHashError}.
 */
export function md5OfFile(file: string): Promise<string> {
  shared ??= new FileHasher();
  return shared.md5(file);
}

/** A {@link FileHashStream} on the process's shared {@link FileHasher}: the MD5 of `file` taken while it is written. */
export function md5WhileWriting(file: string): FileHashStream {
  shared ??= new FileHasher();
  return shared.stream(file);
}
