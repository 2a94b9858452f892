import { NeuroportalError } from "../errors.js";

/** A download plan file that cannot be used: not a plan, another format version, damaged, or changed since it was written. */
export class PlanFormatError extends NeuroportalError {
  /** Where the plan came from (a file name), when known. */
  readonly source?: string;
  constructor(message: string, source?: string, hint = "make the plan again with `neuroportal s3 plan` (or cohort.plan) and do not edit it by hand") {
    super("E_PLAN_FORMAT", source ? `${source}: ${message}` : message, { hint });
    this.source = source;
  }
}

/** Two manifests of one subject list the same file with different sizes or MD5s, so the plan cannot say which copy is right. */
export class ManifestConflictError extends NeuroportalError {
  readonly key: string;
  readonly manifests: readonly string[];
  constructor(key: string, manifests: readonly string[], detail: string) {
    super("E_MANIFEST_CONFLICT", `the manifests disagree about ${key}: ${detail} (${manifests.join(" vs ")})`, {
      hint: "report it to the data provider; narrow the plan to one package with packages / --package",
    });
    this.key = key;
    this.manifests = manifests;
  }
}

export const isPlanFormatError = (e: unknown): e is PlanFormatError => e instanceof PlanFormatError;
export const isManifestConflictError = (e: unknown): e is ManifestConflictError => e instanceof ManifestConflictError;
