import { abortSignal, callback, flag, integer, milliseconds, oneOf } from "../core/validate.js";

/** The rules for `TransferOptions`, shared by every download through the engine (S3, XNAT). */
export const TRANSFER_OPTION_RULES = {
  concurrency: integer(1, 256),
  verify: flag,
  onProgress: callback,
  signal: abortSignal,
  retries: integer(0, 100),
  idleTimeoutMs: milliseconds(),
  totalTimeoutMs: milliseconds(),
  onRetry: callback,
  onBusy: oneOf("wait", "fail"),
  busyTimeoutMs: milliseconds(0),
} as const;
