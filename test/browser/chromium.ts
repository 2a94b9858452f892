import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";

/** Debian's Chromium (package chromium). */
export const CHROMIUM = process.env.NEUROPORTAL_CHROMIUM || "/usr/bin/chromium";

/** A DevTools-protocol event: method and params, with the session it came from. */
interface ProtocolEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
 * we write to its fd 3 and read its fd 4, messages end with NUL). No dependency, no port.
 * Network access is fenced off: a proxy on a dead loopback port, no name resolution but 127.0.0.1.
 */
export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; method: string }>();
  private readonly listeners = new Set<(event: ProtocolEvent) => void>();
  private buffer = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly profile: string,
    private readonly stderr: { text: string },
  ) {
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => this.receive(chunk));
    child.on("exit", () => {
      this.exited = true;
      for (const { reject, method } of this.pending.values()) reject(new Error(`chromium exited while waiting for ${method}: ${this.stderr.text.slice(-1000)}`));
      this.pending.clear();
    });
  }

  /** Starts Chromium headless with a fresh profile and the offline fence. */
  static async launch(): Promise<Chromium> {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-chromium-"));
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
      "--hide-scrollbars",
      "--mute-audio",
      "--window-size=1200,1400",
      `--user-data-dir=${profile}`,
      "--proxy-server=http://127.0.0.1:9",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--allow-file-access-from-files",
      "--remote-debugging-pipe",
      "about:blank",
    ];
    const child = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    const stderr = { text: "" };
    child.stderr!.on("data", (chunk) => (stderr.text = (stderr.text + String(chunk)).slice(-20_000)));
    const browser = new Chromium(child, child.stdio[3] as Writable, child.stdio[4] as Readable, profile, stderr);
    await browser.send("Browser.getVersion");
    return browser;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\0")) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } } & ProtocolEvent;
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const listener of this.listeners) listener(message);
      }
    }
  }

  /** Sends one protocol command (to the browser, or to a page session) and waits for its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(`chromium is not running (${method})`));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.input.write(`${message}\0`);
    });
  }

  /** Subscribes to protocol events; returns the unsubscribe function. */
  on(listener: (event: ProtocolEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens a new page (tab) and returns its session id, with Page, Runtime and Network enabled. */
  async newPage(): Promise<{ sessionId: string; targetId: string }> {
    const { targetId } = (await this.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
    const { sessionId } = (await this.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
    await Promise.all(["Page.enable", "Runtime.enable", "Network.enable"].map((method) => this.send(method, {}, sessionId)));
    return { sessionId, targetId };
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.send("Browser.close").catch(() => undefined);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}
