/**
 * Seeded fault injection for the demo services: wraps a request listener so that it answers
 * with HTTP errors, an HTML maintenance page, slow, truncated, dropped, stalled or corrupted
 * responses, and expires sessions — repeatably, with counters. See RELIABILITY.md.
 */
export { withFaults, faultWrapper } from "./with-faults.js";
export type { FaultyListener } from "./with-faults.js";
export { resolveFaultSpec, S3_OBJECT_GET, XNAT_FILE_GET, XNAT_LOGIN_PATHS, DEFAULT_ERROR_STATUSES } from "./spec.js";
export type { FaultSpec, ResolvedFaultSpec, FaultKind, FaultCounter, PathPattern, SessionExpirySpec } from "./spec.js";
export { planFault } from "./plan.js";
export type { FaultPlan } from "./plan.js";
export { tapBody } from "./body-tap.js";
export type { BodyFault } from "./body-tap.js";
export { SessionExpiry } from "./session-expiry.js";
export type { SessionVerdict } from "./session-expiry.js";
export { formatFaultStats } from "./stats.js";
export { FAULT_FLAGS, FAULT_FLAGS_USAGE, parseFaultFlags } from "./flags.js";
export type { FaultFlagValues } from "./flags.js";
export type { FaultStats } from "./stats.js";
export { mulberry32, hash32 } from "../prng.js";
