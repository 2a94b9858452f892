import { observeRetries } from "../core/retry.js";
import { retryLines } from "../core/retry-notice.js";
import { inKernel, tslab, type KernelDisplay } from "./kernel.js";

let registered = false;

/**
 * Makes retries visible in notebooks: inside a tslab kernel, each operation that is being
 * retried gets one output line that updates in place (attempt, reason, pause, time waited so
 * far) and ends with how it came out. Outside a kernel it shows nothing (the CLI prints its own
 * lines on stderr; scripts pass `onRetry`). Registered once, by the package's entry point.
 */
export function noticeRetriesInNotebooks(): void {
  if (registered) return;
  registered = true;
  const displays = new Map<number, KernelDisplay>();
  const follow = retryLines((id, text, final) => {
    if (!inKernel()) return;
    let display = displays.get(id);
    if (!display) displays.set(id, (display = tslab().newDisplay()));
    display.text(text);
    if (final) displays.delete(id);
  });
  observeRetries(follow);
}
