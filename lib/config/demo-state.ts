import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomically } from "../files/local-write.js";
import type { DemoInfo } from "./demo-info.js";

/** Where a running `neuroportal demo` records its services, so notebooks opened later find them. */
export function demoStateFile(): string {
  const base = process.env.XDG_RUNTIME_DIR || process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return process.env.NEUROPORTAL_DEMO_FILE || path.join(base, "neuroportal", "demo.json");
}

/** Records the running demo (owner-readable only: it holds the demo credentials). */
export function writeDemoState(info: DemoInfo, file = demoStateFile()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomically(file, JSON.stringify({ pid: process.pid, info }), 0o600);
}

/** Removes the record if it still belongs to this process. */
export function clearDemoState(file = demoStateFile()): void {
  const state = readState(file);
  if (state && state.pid === process.pid) fs.rmSync(file, { force: true });
}

/** The services of a demo that is still running, or undefined. */
export function readDemoState(file = demoStateFile()): DemoInfo | undefined {
  const state = readState(file);
  if (!state || !isAlive(state.pid)) return undefined;
  return state.info;
}

function readState(file: string): { pid: number; info: DemoInfo } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
