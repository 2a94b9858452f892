import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

/** The s3rver child process: where it listens and how to stop it. */
export interface S3rverChild {
  port: number;
  /** Process id of the child (for measuring what it costs). */
  pid: number;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/** The child's entry: plain JavaScript next to this file, in the sources and in dist/ alike. */
const RUNNER = path.join(__dirname, "runner.cjs");

/**
 * Starts s3rver in a child Node process with `--openssl-legacy-provider`, so the demo works in
 * any host process (CLI, mocha, tslab kernel) without special flags. The child exits when this
 * process goes away.
 */
export async function startS3rverChild(config: { directory: string }): Promise<S3rverChild> {
  const child = spawn(process.execPath, ["--openssl-legacy-provider", RUNNER], {
    stdio: ["pipe", "ignore", "pipe", "ipc"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`s3rver exited with code ${code} before it was ready: ${stderr.trim() || "no output"}`)));
    child.once("message", (message: { port?: number; error?: string }) => {
      if (message.port) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(message.port);
      } else fail(new Error(`s3rver failed to start: ${message.error}`));
    });
    child.send(config);
  });
  return { port, pid: child.pid!, close: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
    if (child.connected) child.disconnect();
  });
}
