import { bytes, callback, checkArgument, checkOptions, either, flag, integer, milliseconds, oneOf, record, text, textList, type Rule } from "../core/validate.js";
import { TRANSFER_OPTION_RULES } from "../files/option-rules.js";
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

/** The rules for `FileDownloadOptions` (`download()` of projects, subjects, sessions, scans and resources). */
export const FILE_DOWNLOAD_OPTION_RULES = {
  ...TRANSFER_OPTION_RULES,
  include: either(text(), textList),
  resources: textList,
  scans: textList,
  zip: oneOf("auto", "always", "never"),
  zipMinFiles: integer(1),
} as const;

/** Checks an XNAT download call at its entry, before any listing is asked for: the target folder is a non-empty string, every option within its range. */
export function checkFileDownload(dir: unknown, options: object | undefined, where: string): void {
  checkArgument(dir, text(true), "target folder", where);
  checkOptions(options, where, FILE_DOWNLOAD_OPTION_RULES);
}
