import type { FaultCounter } from "./spec.js";

/** What a fault layer has done so far. */
export interface FaultStats {
  /** The seed in use: give it again to repeat the run. */
  seed: number;
  /** Requests that reached the layer. */
  requests: number;
  /** Requests that received at least one fault. */
  faulted: number;
  /** Faults actually injected, per kind. */
  injected: Record<FaultCounter, number>;
}

export function emptyStats(seed: number): FaultStats {
  return { seed, requests: 0, faulted: 0, injected: { error: 0, drop: 0, truncate: 0, stall: 0, maintenance: 0, corrupt: 0, slow: 0, expired: 0 } };
}

/** One line for logs: `fault seed 7: 120 requests, 14 faulted (error 6, drop 3, ...)`. */
export function formatFaultStats(stats: FaultStats): string {
  const kinds = Object.entries(stats.injected)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`);
  return `fault seed ${stats.seed}: ${stats.requests} requests, ${stats.faulted} faulted${kinds.length ? ` (${kinds.join(", ")})` : ""}`;
}
