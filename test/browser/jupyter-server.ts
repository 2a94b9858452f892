import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { jupyterEnv, PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { freePort } from "../helpers/free-port.js";

/** The venv with JupyterLab 4, Notebook 7 and plotly that scripts/frontends-venv.js builds. */
export const FRONTENDS_VENV = process.env.NEUROPORTAL_FRONTENDS_VENV || path.join(PACKAGE_ROOT, "build", "frontends-venv");
const JUPYTER = path.join(FRONTENDS_VENV, "bin", "jupyter");

/**
 * The plugin id of plotly's JupyterLab renderer. Disabling the package name `jupyterlab-plotly`
 * is not enough: `jupyter labextension list` then says "disabled", but JupyterLab matches
 * disabled names against plugin ids and their package part, and the renderer's plugin id is
 * "@jupyterlab/plotly-extension:factory" (plotly 7.1), so it stays active.
 */
export const PLOTLY_RENDERER_PLUGIN = "@jupyterlab/plotly-extension:factory";

/** Outgoing HTTP from the server and its kernels goes to a dead loopback port; loopback itself is exempt. */
const DEAD_PROXY = "http://127.0.0.1:9";

export interface JupyterServerOptions {
  /** The folder the server serves (notebook paths are relative to it). */
  root: string;
  /** Whether JupyterLab's plotly renderer is enabled (disabled for this server alone, in its own config dir, when false). */
  plotlyRenderer: boolean;
  /** Extra environment for the server and its kernels (e.g. NEUROPORTAL_DEMO). */
  env?: Record<string, string>;
  /** How long to wait for the server to answer (default 60 s). */
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Jupyter server from the front-ends venv (JupyterLab 4 at /lab, Notebook 7 at /notebooks) on a
 * free 127.0.0.1 port, with the repo's tslab kernelspec, no token, the app exposed to the page as
 * `window.jupyterapp`, no update checks or news, and its own config, data (notebook-signing key)
 * and runtime folders, removed by `stop()`.
 */
export class JupyterServer {
  private output = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    private readonly home: string,
    private readonly serverEnv: NodeJS.ProcessEnv,
  ) {
    child.stdout!.on("data", (chunk) => this.append(chunk));
    child.stderr!.on("data", (chunk) => this.append(chunk));
  }

  private append(chunk: unknown): void {
    this.output = (this.output + String(chunk)).slice(-40_000);
  }

  /** True when the venv exists (scripts/frontends-venv.js has run). */
  static available(): boolean {
    return fs.existsSync(JUPYTER);
  }

  static async start(options: JupyterServerOptions): Promise<JupyterServer> {
    if (!JupyterServer.available()) throw new Error(`${JUPYTER} is missing: run \`node scripts/frontends-venv.js\` (npm test does it through scripts/setup.js --for=test)`);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "neuroportal-frontends-"));
    const dirs = { JUPYTER_CONFIG_DIR: path.join(home, "config"), JUPYTER_DATA_DIR: path.join(home, "data"), JUPYTER_RUNTIME_DIR: path.join(home, "runtime") };
    const env = jupyterEnv({
      ...dirs,
      ...options.env,
      HTTP_PROXY: DEAD_PROXY, HTTPS_PROXY: DEAD_PROXY, http_proxy: DEAD_PROXY, https_proxy: DEAD_PROXY, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost",
    });
    const labconfig = path.join(dirs.JUPYTER_CONFIG_DIR, "labconfig");
    fs.mkdirSync(labconfig, { recursive: true });
    fs.writeFileSync(path.join(labconfig, "page_config.json"), JSON.stringify({ disabledExtensions: { "@jupyterlab/apputils-extension:announcements": true } }));
    if (!options.plotlyRenderer) {
      const disable = spawnSync(JUPYTER, ["labextension", "disable", "--level=user", PLOTLY_RENDERER_PLUGIN], { env, encoding: "utf8" });
      if (disable.status !== 0) throw new Error(`jupyter labextension disable ${PLOTLY_RENDERER_PLUGIN} failed: ${disable.stderr}`);
    }
    const port = await freePort();
    const args = [
      "lab", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--ServerApp.root_dir=${options.root}`,
      "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
      "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True",
      "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
      "--LabApp.extension_manager=readonly",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ];
    const child = spawn(JUPYTER, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const server = new JupyterServer(child, `http://127.0.0.1:${port}`, home, env);
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      try {
        const response = await fetch(`${server.base}/api`);
        if (response.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        const log = server.log();
        await server.stop();
        throw new Error(`jupyter lab did not start: ${log.slice(-3000)}`);
      }
      await sleep(200);
    }
    return server;
  }

  /** The server's recent output (for failure messages). */
  log(): string {
    return this.output;
  }

  /** Signs a notebook with this server's key (`jupyter trust`), as a user who ran it would have it. */
  trust(file: string): void {
    const result = spawnSync(JUPYTER, ["trust", file], { env: this.serverEnv, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`jupyter trust ${file} failed: ${result.stderr}`);
  }

  /** Shuts down every kernel session (each opened notebook starts one). */
  async shutdownKernels(): Promise<void> {
    try {
      const sessions = (await (await fetch(`${this.base}/api/sessions`)).json()) as { id: string }[];
      await Promise.all(sessions.map((s) => fetch(`${this.base}/api/sessions/${s.id}`, { method: "DELETE" })));
    } catch {
      /* the server is gone */
    }
  }

  /** Stops kernels and server (SIGTERM, SIGKILL after 10 s) and removes its folders. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await this.shutdownKernels();
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
