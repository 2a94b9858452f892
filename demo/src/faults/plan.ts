import { hash32, mulberry32 } from "../prng.js";
import type { FaultKind, ResolvedFaultSpec } from "./spec.js";

/** What the layer does to one request; a pure function of the spec and the request's identity. */
export interface FaultPlan {
  /** The exclusive fault, or "none". */
  kind: FaultKind | "none";
  /** Status of an injected error. */
  status: number;
  /** Delay before the service sees the request (0 when not slow). */
  delayMs: number;
  /** Where in the body a drop, truncation, stall or corruption happens, as a fraction of its length. */
  at: number;
}

const ORDER: readonly FaultKind[] = ["error", "drop", "truncate", "stall", "maintenance", "corrupt"];

/**
 * Decides the fault for the `occurrence`-th request (0-based) with this method and URL. Body
 * faults (drop, truncate, stall, corrupt) are not planned for HEAD; corruption only for GETs whose URL
 * matches the spec's corruptPaths.
 */
export function planFault(spec: ResolvedFaultSpec, method: string, url: string, occurrence: number): FaultPlan {
  const random = mulberry32(hash32(`${spec.seed}\u0000${method} ${url}\u0000${occurrence}`));
  const kindDraw = random();
  const slowDraw = random();
  const statusDraw = random();
  const at = random();
  let kind: FaultKind | "none" = "none";
  let ceiling = 0;
  for (const candidate of ORDER) {
    ceiling += spec.rates[candidate];
    if (kindDraw < ceiling) {
      kind = candidate;
      break;
    }
  }
  if (!applies(kind, spec, method, url)) kind = "none";
  return {
    kind,
    status: spec.errorStatuses[Math.floor(statusDraw * spec.errorStatuses.length)],
    delayMs: slowDraw < spec.slowRate ? spec.slowMs : 0,
    at,
  };
}

function applies(kind: FaultKind | "none", spec: ResolvedFaultSpec, method: string, url: string): boolean {
  if (kind === "drop" || kind === "truncate" || kind === "stall") return method !== "HEAD";
  if (kind === "corrupt") return method === "GET" && (spec.corruptPaths.length === 0 || spec.corruptPaths.some((re) => re.test(url)));
  return true;
}
