import { formatProgress } from "../display/progress.js";
import type { DownloadProgress } from "../files/download-types.js";
import type { CliIO } from "./command.js";

/** A download's progress line on stderr, redrawn in place; drawn only when stderr is a terminal. */
export function progressBar(io: CliIO, label: string): { update: (p: DownloadProgress) => void; finish: () => void } {
  let drawn = false;
  let last: DownloadProgress | undefined;
  const draw = (p: DownloadProgress) => {
    const waiting = p.event === "waiting" && p.key ? ` (waiting for another process writing ${p.key})` : "";
    const line = formatProgress(label, { done: p.filesDone, total: p.filesTotal, text: `${megabytes(p.bytesDone)}/${megabytes(p.bytesTotal)} MB${waiting}` }, 24);
    io.stderr.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  return {
    update(p) {
      last = p;
      if (io.isTTY) draw(p);
    },
    finish() {
      if (io.isTTY && last) draw(last);
      if (drawn) io.stderr.write("\n");
    },
  };
}

/** Bytes as megabytes with one decimal, for progress lines and summaries. */
export const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
