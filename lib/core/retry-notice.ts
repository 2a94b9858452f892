import { redact } from "./redact.js";
import type { RetryNotice } from "./retry.js";
import { formatDuration, oneLine } from "./text.js";

/** What errors tell about where they happened. */
interface Located {
  url?: string;
  hint?: string;
  bucket?: string;
  key?: string;
}

/** What a retried operation is called in notices: the URL or `s3://bucket/key` its error names. */
function subjectOf(error: Error | undefined): string {
  const { url, bucket, key } = (error ?? {}) as Located;
  if (url) return redact(url);
  return bucket ? `s3://${bucket}/${key ?? ""}` : "a request";
}

/** The reason of a failed attempt in short: the error's message without its URL, hint and retry summary. */
function reasonOf(error: Error | undefined): string {
  const { url, hint } = (error ?? {}) as Located;
  let text = redact(error?.message ?? "failed").replace(/ \(gave up after \d+ attempts in [^)]*\)$/, "");
  if (hint) text = text.replace(` — ${redact(hint)}`, "");
  if (url) text = text.replace(` (${redact(url)})`, "");
  return oneLine(text, 160);
}

/**
 * One line for a retry notice, for people waiting on it:
 * `retrying http://host/x — attempt 2 of 5 failed (no response from the server for 30000 ms); next in 1.2 s, 1 min 0 s so far`,
 * `http://host/x answered on attempt 3 after 12.1 s`,
 * `http://host/x: gave up after 5 attempts in 2 min 31 s (no response ...)`.
 */
export function formatRetryNotice(notice: RetryNotice, subject?: string): string {
  if (notice.kind === "retry") {
    const what = subject ?? subjectOf(notice.error);
    return `retrying ${what} — attempt ${notice.attempt} of ${notice.maxAttempts} failed (${reasonOf(notice.error)}); next in ${formatDuration(notice.delayMs)}, ${formatDuration(notice.elapsedMs)} so far`;
  }
  const what = subject ?? subjectOf(notice.error);
  if (notice.ok) return `${what} answered on attempt ${notice.attempts} after ${formatDuration(notice.elapsedMs)}`;
  return `${what}: gave up after ${notice.attempts} attempts in ${formatDuration(notice.elapsedMs)} (${reasonOf(notice.error)})`;
}

/**
 * Follows the notices of concurrent retry loops: `line(id, text, final, ok)` is called with each
 * loop's latest line (`final` once it ended, `ok` when it answered in the end; a loop that
 * succeeded keeps the subject it was retrying).
 */
export function retryLines(line: (id: number, text: string, final: boolean, ok: boolean) => void): (notice: RetryNotice) => void {
  const subjects = new Map<number, string>();
  return (notice) => {
    if (notice.kind === "retry") {
      if (!subjects.has(notice.id)) subjects.set(notice.id, subjectOf(notice.error));
      line(notice.id, formatRetryNotice(notice, subjects.get(notice.id)), false, false);
      return;
    }
    const subject = subjects.get(notice.id);
    subjects.delete(notice.id);
    line(notice.id, formatRetryNotice(notice, notice.ok ? subject : undefined), true, notice.ok);
  };
}
