import * as fs from "node:fs";
import { bodyChunks, type BodyReadOptions } from "../http/body.js";
import type { ResponseBody } from "../http/transport.js";
import { IntegrityError } from "../errors.js";
import { toLocalWriteError } from "./local-write.js";

/** Body chunks are gathered up to this size, or for at most this long, before each write: fewer, larger writes, and a stalled body still reaches the disk (resume loses nothing). */
const WRITE_BATCH_BYTES = 1 << 20;
const WRITE_BATCH_MS = 20;

/**
 * Streams a body to the end of `file` with backpressure, calling `onWritten` with the bytes
 * this call has written once each batch is on disk. The body is read by the seam's one body
 * reader (idle timeout, abort, dropped connections typed). Whatever arrived before an error or
 * an abort is flushed to disk before the error propagates, so a resume loses nothing. A body
 * longer than `maxBytes` is cut there and raises {@link IntegrityError}: nothing past the listed
 * size reaches the disk.
 */
export async function appendBody(
  body: ResponseBody,
  file: string,
  append: boolean,
  read: BodyReadOptions,
  onChunk: (chunk: Uint8Array) => void,
  onWritten: (bytesWritten: number) => void,
  maxBytes = Infinity,
): Promise<void> {
  const out = fs.createWriteStream(file, { flags: append ? "a" : "w", highWaterMark: WRITE_BATCH_BYTES });
  let writeError: Error | undefined;
  out.on("error", (error) => {
    writeError ??= error;
    body.destroy(error);
  });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): boolean => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pendingBytes === 0 || out.destroyed) return true;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    const last = batch.length - 1;
    out.cork();
    for (let index = 0; index < last; index++) out.write(batch[index]);
    const ok = out.write(batch[last], (error) => error || onWritten(out.bytesWritten));
    out.uncork();
    return ok;
  };
  let received = 0;
  try {
    for await (let chunk of bodyChunks(body, read)) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        chunk = chunk.subarray(0, chunk.byteLength - (received - maxBytes));
        if (chunk.byteLength > 0) {
          onChunk(chunk);
          pending.push(chunk);
          pendingBytes += chunk.byteLength;
        }
        body.destroy();
        throw new IntegrityError(`${read.location} sent more than the ${maxBytes} bytes expected from here on`, read.location, "the file was longer than listed; it is fetched again once, then reported as failed");
      }
      onChunk(chunk);
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= WRITE_BATCH_BYTES) {
        if (!flush()) await drained(out);
      } else {
        flushTimer ??= setTimeout(flush, WRITE_BATCH_MS);
        if (out.writableNeedDrain) await drained(out);
      }
      if (writeError) throw writeError;
    }
    if (writeError) throw writeError;
  } catch (error) {
    throw writeError ? toLocalWriteError(writeError, file) : error;
  } finally {
    if (!writeError) flush();
    clearTimeout(flushTimer);
    await new Promise<void>((resolve, reject) => {
      if (out.destroyed) return resolve();
      out.end((error?: Error | null) => (error && !writeError ? reject(toLocalWriteError(error, file)) : resolve()));
    });
  }
}

/** Resolves once `out` drained, or closed after an error. */
function drained(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}
