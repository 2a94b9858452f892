import { spawn } from "node:child_process";
import * as path from "node:path";
import { startDemoServices } from "../config/demo-package.js";
import { clearDemoState, writeDemoState } from "../config/demo-state.js";
import { isRealMode, REAL_SERVICES } from "../config/services.js";
import { jupyterEnv, PACKAGE_ROOT, SYSTEM_JUPYTER } from "../notebooks/toolchain.js";
import { Command, parseFlags } from "./command.js";

const usage = "neuroportal jupyter [--port 8888] [--lab]";

/**
 * `neuroportal jupyter`: a Jupyter server on the tutorial notebooks, with the demo services
 * started beside it; with `NEUROPORTAL_MODE=real` no demo is started and the kernels use the
 * real services (real mode wins over an inherited `NEUROPORTAL_DEMO` in the kernel too).
 */
export const jupyterCommand: Command = {
  name: "jupyter",
  summary: "start the demo services (none with NEUROPORTAL_MODE=real) and a Jupyter server (tslab kernel) on the tutorial notebooks",
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: "string", default: "8888" }, lab: { type: "boolean", default: false } }, usage);
    const real = isRealMode(process.env);
    const demo = real ? undefined : await startDemoServices();
    if (demo) writeDemoState(demo.info);
    const args = [values.lab ? "lab" : "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${values.port}`, `--notebook-dir=${path.join(PACKAGE_ROOT, "notebooks")}`];
    if (process.getuid?.() === 0) args.push("--allow-root");
    io.stderr.write(
      real
        ? `neuroportal: NEUROPORTAL_MODE=real: no demo services; notebooks use ${REAL_SERVICES.allen}, ${REAL_SERVICES.xnat} and s3://${REAL_SERVICES.s3.buckets.join(", s3://")}; starting ${SYSTEM_JUPYTER} ${args[0]} (Ctrl-C stops it)\n`
        : `neuroportal: demo services running; starting ${SYSTEM_JUPYTER} ${args[0]} (Ctrl-C stops both)\n`,
    );
    const child = spawn(SYSTEM_JUPYTER, args, { env: jupyterEnv(demo ? { NEUROPORTAL_DEMO: JSON.stringify(demo.info) } : {}), stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const code = await new Promise<number>((resolve) => {
      child.on("error", (error) => {
        io.stderr.write(`neuroportal: cannot start ${SYSTEM_JUPYTER}: ${error.message}; install Debian's jupyter-notebook\n`);
        resolve(1);
      });
      child.on("close", (c) => resolve(c ?? 0));
    });
    if (demo) {
      clearDemoState();
      await demo.close();
    }
    return code;
  },
};
