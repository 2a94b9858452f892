import type { DownloadProgress } from "./download-types.js";

/** Progress events come at least every 100 ms or every 256 KiB, whichever is first. */
const PROGRESS_INTERVAL_MS = 100;
const PROGRESS_BYTES = 256 * 1024;

/** The running totals of one download and the throttled events they produce. */
export class ProgressState {
  private last = 0;
  private bytesAtLast = 0;
  private readonly state: DownloadProgress;

  constructor(
    filesTotal: number,
    bytesTotal: number,
    private readonly listener?: (progress: DownloadProgress) => void,
  ) {
    this.state = { filesDone: 0, filesTotal, bytesDone: 0, bytesTotal, event: "start" };
  }

  bytes(delta: number): void {
    this.state.bytesDone += delta;
    if (Date.now() - this.last >= PROGRESS_INTERVAL_MS || Math.abs(this.state.bytesDone - this.bytesAtLast) >= PROGRESS_BYTES) this.emit("bytes");
  }

  file(key: string): void {
    this.state.filesDone++;
    this.emit("file", key);
  }

  emit(event: DownloadProgress["event"], key?: string): void {
    this.last = Date.now();
    this.bytesAtLast = this.state.bytesDone;
    this.listener?.({ ...this.state, event, key });
  }
}
