import { createCipheriv } from "node:crypto";
import { Readable } from "node:stream";

/** The S3 endpoint and keys the benchmark tools use. */
export interface S3Target {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** One set of benchmark objects under a prefix. */
export interface SeededSet {
  prefix: string;
  files: number;
  bytesEach: number;
  totalBytes: number;
}

const CHUNK = 1 << 20;

/**
 * Deterministic incompressible bytes for object `index`: AES-128-CTR over zeros with a fixed
 * key and the index as IV, streamed in 1 MiB chunks so that large objects never sit in memory.
 */
export function objectContent(index: number, size: number): Readable {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 12);
  const cipher = createCipheriv("aes-128-ctr", Buffer.from("neuroportal-benc"), iv);
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n)));
    },
  });
}
