import { abortSignal, flag, integer, text } from "../core/validate.js";
import { TRANSFER_OPTION_RULES } from "../files/option-rules.js";

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
export const DOWNLOAD_OPTION_RULES = { ...TRANSFER_OPTION_RULES, allowEmpty: flag } as const;
