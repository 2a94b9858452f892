import { checkRetrySettings } from "../core/retry.js";
import { abortSignal, bytes, callback, checkOptions, milliseconds, record } from "../core/validate.js";
import type { HttpOptions } from "./request.js";

/** The rules for the transport settings every client takes (see {@link HttpOptions}). */
export const HTTP_OPTION_RULES = {
  timeoutMs: milliseconds(),
  idleTimeoutMs: milliseconds(),
  totalTimeoutMs: milliseconds(),
  maxBodyBytes: bytes(),
  signal: abortSignal,
  onRetry: callback,
  headers: record,
  fetch: callback,
} as const;

/** Checks transport settings at a public entry: timeouts, body bound, retry settings, signal, callbacks. */
export function checkHttpOptions(options: HttpOptions | undefined, where: string): HttpOptions {
  const checked = checkOptions(options, where, HTTP_OPTION_RULES);
  checkRetrySettings(checked.retry, where);
  return checked;
}
