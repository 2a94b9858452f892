import type { BenchContext } from "./context.js";
import { runPythonAnchor, runWorker } from "./process.js";
import { timeSide, SideResult } from "./sides.js";

/** What one ConnectomeDB benchmark runs on each side. */
export interface XnatSides {
  anchorScript: string;
  workerScript: string;
  workerLabel: string;
  /** Extra fields for the neuroportal worker's task. */
  workerTask?: Record<string, unknown>;
}

/**
 * Times a pyxnat anchor script and a neuroportal worker on the same task against the demo
 * ConnectomeDB behind the latency proxy (the password travels in the environment only).
 */
export async function timeXnatSides(context: BenchContext, sides: XnatSides): Promise<{ anchor: SideResult; ours: SideResult }> {
  const info = await context.service("xnat");
  const proxy = await context.latencyProxy(info.url, context.latencyMs);
  const task = { url: proxy.url, user: info.user, project: "HCP_Q1" };
  const env = { BENCH_XNAT_PASSWORD: info.password };
  const times = context.repeats(2);
  const anchor = await timeSide("pyxnat (Debian python3-pyxnat), seed steps", times, () => runPythonAnchor(sides.anchorScript, task, { env }), { proxy });
  const calls = context.repeats(3);
  const ours = await timeSide(sides.workerLabel, times, () => runWorker(sides.workerScript, { ...task, ...sides.workerTask, repeat: calls }, { env }), { proxy, callsPerRun: calls });
  return { anchor, ours };
}
