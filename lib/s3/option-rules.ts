import { abortSignal, callback, flag, integer, milliseconds, oneOf, text } from "../core/validate.js";

/** The rules for `ListOptions` (`ls`, `iterate`, `entries`). */
export const LIST_OPTION_RULES = {
  delimiter: text(),
  pageSize: integer(1, 1000),
  signal: abortSignal,
} as const;

/** The rules for `WalkOptions` (`walk`, `walkEntries`). */
export const WALK_OPTION_RULES = {
  concurrency: integer(1, 256),
  signal: abortSignal,
} as const;

/** The rules for `DownloadOptions` (`download`). */
export const DOWNLOAD_OPTION_RULES = {
  concurrency: integer(1, 256),
  verify: flag,
  onProgress: callback,
  signal: abortSignal,
  retries: integer(0, 100),
  idleTimeoutMs: milliseconds(),
  totalTimeoutMs: milliseconds(),
  allowEmpty: flag,
  onRetry: callback,
  onBusy: oneOf("wait", "fail"),
  busyTimeoutMs: milliseconds(0),
} as const;
