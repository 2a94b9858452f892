import { createRequire } from "node:module";
import * as path from "node:path";
import type { ParseArgsConfig } from "node:util";
import { InvalidArgumentError } from "../errors.js";
import { registerSecret } from "../core/redact.js";
import type { DemoInfo } from "./demo-info.js";
import { DemoNotInstalledError } from "./errors.js";

/** The package that holds the embedded demo services; the library loads it by this name at run time. */
export const DEMO_PACKAGE = "@neuroportal/demo";

export type DemoServiceName = "allen" | "xnat" | "s3";

/** What the library passes to the package's `startDemo`. */
export interface DemoStartOptions {
  /** Which services to start (default: all three). */
  services?: readonly DemoServiceName[];
  allen?: { port?: number };
  xnat?: { port?: number };
  s3?: { port?: number };
  /** Fault injection, as the package's `parseFaultFlags` built it; the library passes it on unread. */
  faults?: unknown;
}

/** A started demo as the library uses it. */
export interface RunningDemo {
  info: DemoInfo;
  close(): Promise<void>;
  /** What fault injection did so far, per service, in the package's own shape (for `formatFaultStats`). */
  faultStats(): Partial<Record<DemoServiceName, unknown>>;
}

/** What the library needs from the demo package; the package's exports match it structurally. */
export interface DemoPackage {
  startDemo(options?: DemoStartOptions): Promise<RunningDemo>;
  /** The `--fault-*` flags of `neuroportal demo`, in node:util parseArgs form. */
  FAULT_FLAGS: NonNullable<ParseArgsConfig["options"]>;
  /** The usage text of {@link FAULT_FLAGS}. */
  FAULT_FLAGS_USAGE: string;
  /** Builds the fault settings from parsed flags (undefined when none was given); a bad value raises an error with code `E_ARGUMENT`. */
  parseFaultFlags(values: Record<string, unknown>): unknown;
  formatFaultStats(stats: unknown): string;
}

const REQUIRED: Readonly<Record<keyof DemoPackage, "function" | "object" | "string">> = {
  startDemo: "function",
  FAULT_FLAGS: "object",
  FAULT_FLAGS_USAGE: "string",
  parseFaultFlags: "function",
  formatFaultStats: "function",
};

/**
 * Loads the demo package, resolved by name from `from` (default: this library's own folder, so
 * the package installed next to neuroportal is found). Raises {@link DemoNotInstalledError} when
 * it is not installed, not built, or lacks what the library needs.
 */
export function loadDemoPackage(from: string = __dirname): DemoPackage {
  const load = createRequire(path.join(from, "index.js"));
  let entry: string;
  try {
    entry = load.resolve(DEMO_PACKAGE);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new DemoNotInstalledError(DEMO_PACKAGE, resolves(load, `${DEMO_PACKAGE}/package.json`) ? "not-built" : "missing", error);
  }
  const loaded = load(entry) as Record<string, unknown>;
  const lacking = Object.entries(REQUIRED).some(([name, type]) => typeof loaded[name] !== type);
  if (lacking) throw new DemoNotInstalledError(DEMO_PACKAGE, "incompatible");
  return loaded as unknown as DemoPackage;
}

/** Starts the demo services from the package and registers their secrets for redaction. */
export async function startDemoServices(options: DemoStartOptions = {}, demo: DemoPackage = loadDemoPackage()): Promise<RunningDemo> {
  const running = await demo.startDemo(options);
  registerSecret(running.info.xnat?.password);
  registerSecret(running.info.s3?.secretAccessKey);
  registerSecret(running.info.s3?.accessKeyId);
  return running;
}

/** The package's `parseFaultFlags`, with its argument errors raised as {@link InvalidArgumentError}. */
export function parseDemoFaultFlags(demo: DemoPackage, values: Record<string, unknown>): unknown {
  try {
    return demo.parseFaultFlags(values);
  } catch (error) {
    const { code, message, hint } = error as { code?: unknown; message?: unknown; hint?: unknown };
    if (code !== "E_ARGUMENT" || typeof message !== "string") throw error;
    throw new InvalidArgumentError(message, typeof hint === "string" ? hint : undefined);
  }
}

function isModuleNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "MODULE_NOT_FOUND";
}

function resolves(load: NodeJS.Require, id: string): boolean {
  try {
    load.resolve(id);
    return true;
  } catch {
    return false;
  }
}
