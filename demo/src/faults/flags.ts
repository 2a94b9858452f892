import { DemoArgumentError } from "../errors.js";
import { resolveFaultSpec } from "./spec.js";
import type { FaultSpec, PathPattern } from "./spec.js";

/** The fault-injection flags of `neuroportal demo`, in node:util parseArgs form (merge into the command's options). */
export const FAULT_FLAGS = {
  "fault-seed": { type: "string" },
  "fault-error-rate": { type: "string" },
  "fault-error-statuses": { type: "string" },
  "fault-drop-rate": { type: "string" },
  "fault-truncate-rate": { type: "string" },
  "fault-stall-rate": { type: "string" },
  "fault-maintenance-rate": { type: "string" },
  "fault-corrupt-rate": { type: "string" },
  "fault-slow-ms": { type: "string" },
  "fault-slow-rate": { type: "string" },
  "fault-retry-after": { type: "string" },
  "fault-only-paths": { type: "string", multiple: true },
  "fault-except-paths": { type: "string", multiple: true },
  "session-expiry-seconds": { type: "string" },
  "session-expiry-requests": { type: "string" },
  "session-expiry-response": { type: "string" },
} as const;

/** Usage text of {@link FAULT_FLAGS}, to append to a command's usage line. */
export const FAULT_FLAGS_USAGE =
  "[--fault-seed N] [--fault-error-rate F] [--fault-error-statuses 500,502,503] [--fault-drop-rate F] [--fault-truncate-rate F] [--fault-stall-rate F] " +
  "[--fault-maintenance-rate F] [--fault-corrupt-rate F] [--fault-slow-ms MS] [--fault-slow-rate F] [--fault-retry-after S] " +
  "[--fault-only-paths REGEX]... [--fault-except-paths REGEX]... [--session-expiry-seconds S] [--session-expiry-requests N] " +
  "[--session-expiry-response 401|login-page]";

/** Parsed values of {@link FAULT_FLAGS} (other flags of the command may be present too). */
export type FaultFlagValues = { [K in keyof typeof FAULT_FLAGS]?: (typeof FAULT_FLAGS)[K] extends { multiple: true } ? string[] : string } & Record<string, unknown>;

/**
 * Builds a {@link FaultSpec} from parsed flags, or `undefined` when no fault flag was given.
 * Raises {@link DemoArgumentError} naming the flag for a value that is not acceptable.
 */
export function parseFaultFlags(values: FaultFlagValues): FaultSpec | undefined {
  const given = (Object.keys(FAULT_FLAGS) as (keyof typeof FAULT_FLAGS)[]).some((flag) => values[flag] !== undefined);
  if (!given) return undefined;
  const spec: FaultSpec = {
    seed: integer(values["fault-seed"], "--fault-seed", -(2 ** 31), 2 ** 32 - 1),
    errorRate: fraction(values["fault-error-rate"], "--fault-error-rate"),
    errorStatuses: statuses(values["fault-error-statuses"]),
    dropRate: fraction(values["fault-drop-rate"], "--fault-drop-rate"),
    truncateRate: fraction(values["fault-truncate-rate"], "--fault-truncate-rate"),
    stallRate: fraction(values["fault-stall-rate"], "--fault-stall-rate"),
    maintenanceRate: fraction(values["fault-maintenance-rate"], "--fault-maintenance-rate"),
    corruptRate: fraction(values["fault-corrupt-rate"], "--fault-corrupt-rate"),
    slowMs: amount(values["fault-slow-ms"], "--fault-slow-ms"),
    slowRate: fraction(values["fault-slow-rate"], "--fault-slow-rate"),
    retryAfterSeconds: amount(values["fault-retry-after"], "--fault-retry-after"),
    onlyPaths: regexes(values["fault-only-paths"], "--fault-only-paths"),
    exceptPaths: regexes(values["fault-except-paths"], "--fault-except-paths"),
  };
  const seconds = amount(values["session-expiry-seconds"], "--session-expiry-seconds");
  const requests = integer(values["session-expiry-requests"], "--session-expiry-requests", 1, Number.MAX_SAFE_INTEGER);
  const response = values["session-expiry-response"];
  if (response !== undefined && response !== "401" && response !== "login-page") {
    throw new DemoArgumentError(`--session-expiry-response takes 401 or login-page, not ${JSON.stringify(response)}`);
  }
  if (seconds !== undefined || requests !== undefined) spec.sessionExpiry = { seconds, requests, response };
  else if (response !== undefined) throw new DemoArgumentError("--session-expiry-response needs --session-expiry-seconds or --session-expiry-requests");
  for (const key of Object.keys(spec) as (keyof FaultSpec)[]) if (spec[key] === undefined) delete spec[key];
  try {
    resolveFaultSpec(spec);
  } catch (error) {
    throw new DemoArgumentError((error as Error).message, "lower the --fault-*-rate values so that they add up to at most 1");
  }
  return spec;
}

function number(value: string | undefined, flag: string, what: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(parsed)) throw new DemoArgumentError(`${flag} takes ${what}, not ${JSON.stringify(value)}`);
  return parsed;
}

function fraction(value: string | undefined, flag: string): number | undefined {
  const what = "a fraction between 0 and 1 (0.1 = one request in ten)";
  const parsed = number(value, flag, what);
  if (parsed !== undefined && (parsed < 0 || parsed > 1)) throw new DemoArgumentError(`${flag} takes ${what}, not ${JSON.stringify(value)}`);
  return parsed;
}

function amount(value: string | undefined, flag: string): number | undefined {
  const parsed = number(value, flag, "a number of at least 0");
  if (parsed !== undefined && parsed < 0) throw new DemoArgumentError(`${flag} takes a number of at least 0, not ${JSON.stringify(value)}`);
  return parsed;
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  const what = `a whole number from ${min} to ${max}`;
  const parsed = number(value, flag, what);
  if (parsed !== undefined && (!Number.isInteger(parsed) || parsed < min || parsed > max)) throw new DemoArgumentError(`${flag} takes ${what}, not ${JSON.stringify(value)}`);
  return parsed;
}

function statuses(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(",").map((part) => part.trim());
  return list.map((part) => {
    const status = Number(part);
    if (!/^\d{3}$/.test(part) || status < 400 || status > 599) {
      throw new DemoArgumentError(`--fault-error-statuses takes HTTP error statuses separated by commas, e.g. 500,502,503; ${JSON.stringify(part)} is not one`);
    }
    return status;
  });
}

function regexes(values: string[] | undefined, flag: string): PathPattern[] | undefined {
  if (values === undefined) return undefined;
  return values.map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      throw new DemoArgumentError(`${flag} takes a regular expression; ${JSON.stringify(source)} is not one: ${(error as Error).message}`);
    }
  });
}
