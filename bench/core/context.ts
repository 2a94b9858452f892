import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAllenDemo, startS3Demo, startXnatDemo } from "../../demo/src/index.js";
import type { DemoInfo, RunningService } from "../../demo/src/types.js";
import { registerSecret } from "../../lib/core/redact.js";
import { startLatencyProxy, LatencyProxy } from "./latency-proxy.js";
import type { BenchMode, ComparisonRow, ScalingRow } from "./types.js";

/** What one benchmark hands back to the harness. */
export interface BenchmarkResult {
  rows: ComparisonRow[];
  scaling: ScalingRow[];
  notes: string[];
}

/** A benchmark file's export: an id for `--only`, a title for the table, and the run. */
export interface Benchmark {
  id: string;
  title: string;
  run(context: BenchContext): Promise<BenchmarkResult>;
}

type Infos = Required<DemoInfo>;

const TMPFS = "/dev/shm";
const BULK_BYTES_NEEDED = 12 * 2 ** 30;

/** A fresh folder on /dev/shm when it is a tmpfs with room for the S3 benchmark, else undefined. */
function bulkScratch(): string | undefined {
  try {
    const stats = fs.statfsSync(TMPFS);
    if (stats.bavail * stats.bsize < BULK_BYTES_NEEDED) return undefined;
    return fs.mkdtempSync(path.join(TMPFS, "neuroportal-bench-"));
  } catch {
    return undefined;
  }
}

/**
 * Shared state for one harness run: the mode, a scratch folder, the demo services (started
 * on first use and stopped at the end) and latency proxies in front of them.
 */
export class BenchContext {
  readonly workDir: string;
  /** Scratch space in memory (tmpfs) when there is room, else {@link workDir}: for gigabytes of S3 objects and copies. */
  readonly bulkDir: string;
  private readonly services = new Map<keyof Infos, Promise<RunningService<any>>>();
  private readonly proxies: LatencyProxy[] = [];
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(readonly mode: BenchMode, private readonly logLine: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-bench-"));
    this.bulkDir = bulkScratch() ?? this.workDir;
  }

  /** Milliseconds the latency proxies add per request: 20 (a round trip to a remote portal), 2 in quick mode. */
  get latencyMs(): number {
    return this.quick ? 2 : 20;
  }

  get quick(): boolean {
    return this.mode === "quick";
  }

  /** How many times to repeat a measurement: `full` in full mode, once in quick mode. */
  repeats(full: number): number {
    return this.quick ? 1 : full;
  }

  log(line: string): void {
    this.logLine(`bench: ${line}`);
  }

  /** A fresh sub-folder of the scratch folder (on tmpfs when `bulk`, for many or large files). */
  folder(name: string, bulk = false): string {
    const dir = path.join(bulk ? this.bulkDir : this.workDir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The demo service's connection info, starting it on first use (its secrets registered for redaction, as `services()` does). */
  async service<K extends keyof Infos>(name: K): Promise<Infos[K]> {
    let started = this.services.get(name);
    if (!started) {
      const start: Record<keyof Infos, () => Promise<RunningService<any>>> = {
        allen: () => startAllenDemo({}),
        xnat: () => startXnatDemo({}),
        s3: () => startS3Demo({}),
      };
      started = start[name]().then((service) => {
        const secrets = service.info as { password?: string; accessKeyId?: string; secretAccessKey?: string };
        for (const secret of [secrets.password, secrets.accessKeyId, secrets.secretAccessKey]) registerSecret(secret);
        return service;
      });
      this.services.set(name, started);
    }
    return (await started).info as Infos[K];
  }

  /** A proxy adding `latencyMs` before every request to `url`, closed at the end of the run. */
  async latencyProxy(url: string, latencyMs: number, options: { keepHost?: boolean } = {}): Promise<LatencyProxy> {
    const proxy = await startLatencyProxy(url, latencyMs, options);
    this.proxies.push(proxy);
    return proxy;
  }

  /** Registers something to stop when the run ends (a benchmark's own server). */
  onClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** Stops every proxy and service and removes the scratch folder. */
  async close(): Promise<void> {
    await Promise.allSettled(this.closers.splice(0).map((close) => close()));
    await Promise.allSettled(this.proxies.splice(0).map((proxy) => proxy.close()));
    const running = await Promise.allSettled([...this.services.values()]);
    this.services.clear();
    await Promise.allSettled(running.map((r) => (r.status === "fulfilled" ? r.value.close() : undefined)));
    fs.rmSync(this.workDir, { recursive: true, force: true });
    fs.rmSync(this.bulkDir, { recursive: true, force: true });
  }
}
