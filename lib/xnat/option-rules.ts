import { bytes, callback, checkArgument, checkOptions, flag, integer, milliseconds, record, text, type Rule } from "../core/validate.js";
import { checkRetrySettings } from "../core/retry.js";

/** The rules for `ConnectOptions` (`xnat.connect`). */
export const CONNECT_OPTION_RULES = {
  user: text(),
  password: text(),
  allowInsecure: flag,
  timeoutMs: milliseconds(),
  idleTimeoutMs: milliseconds(),
  totalTimeoutMs: milliseconds(),
  maxBodyBytes: bytes(),
  userAgent: text(true),
  fetch: callback,
  env: record,
  netrcFile: text(true),
} as const;

/** Checks `xnat.connect` options at the entry. */
export function checkConnectOptions(options: object | undefined): void {
  const checked = checkOptions(options, "xnat.connect()", CONNECT_OPTION_RULES) as { retry?: unknown };
  checkRetrySettings(checked.retry, "xnat.connect()");
}

/** The rules for `experimentsTable` options. */
export const TABLE_OPTION_RULES = { concurrency: integer(1, 64) } as const;

/** A string argument of an XNAT call (a data type, an xpath, a word list). */
export function checkText(value: unknown, name: string, where: string, nonEmpty = true): void {
  checkArgument(value, text(nonEmpty), name, where);
}

/** The rule for a list of field names. */
export const fieldList: Rule = { describe: "a list of field names (strings)", test: (v) => Array.isArray(v) && v.every((f) => typeof f === "string") };
