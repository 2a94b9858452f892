import { PassThrough } from "node:stream";
import type { CliIO } from "../../lib/cli/command.js";

/** A CLI io that records what a command writes to stdout and stderr. */
export function captureIo(isTTY = false): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  return { io: { stdout, stderr, isTTY }, out: () => out, err: () => err };
}
