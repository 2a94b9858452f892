import { PassThrough } from "node:stream";
import type { CliIO } from "../../lib/cli/command.js";
import { main } from "../../lib/cli/main.js";

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

/** Runs `neuroportal ARGV` in this process and returns its exit code and what it wrote. */
export async function runCli(argv: string[], isTTY = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out, err } = captureIo(isTTY);
  const code = await main(argv, io);
  return { code, stdout: out(), stderr: err() };
}
