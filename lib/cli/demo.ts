import { clearDemoState, writeDemoState } from "../config/demo-state.js";
import { DemoServiceName, loadDemoPackage, parseDemoFaultFlags, startDemoServices } from "../config/demo-package.js";
import { isDemoNotInstalledError } from "../config/errors.js";
import { InvalidArgumentError } from "../errors.js";
import { Command, parseFlags, parsePort } from "./command.js";

const BASE_USAGE = "neuroportal demo [--allen-port N] [--xnat-port N] [--s3-port N] [--only allen,xnat,s3]";

const PORT_FLAGS = {
  "allen-port": { type: "string" },
  "xnat-port": { type: "string" },
  "s3-port": { type: "string" },
  only: { type: "string" },
} as const;

/** `neuroportal demo`: starts the demo services of `@neuroportal/demo` and prints their JSON description. */
export const demoCommand: Command = {
  name: "demo",
  summary: "start the embedded demo services (Allen API, ConnectomeDB, S3) on 127.0.0.1",
  /** The fault flags are the installed demo package's. */
  get usage() {
    try {
      return `${BASE_USAGE} ${loadDemoPackage().FAULT_FLAGS_USAGE}`;
    } catch (error) {
      if (isDemoNotInstalledError(error)) return `${BASE_USAGE} [--fault-* ...]`;
      throw error;
    }
  },
  async run(argv, io) {
    const demoPackage = loadDemoPackage();
    const { values } = parseFlags(argv, { ...demoPackage.FAULT_FLAGS, ...PORT_FLAGS }, `${BASE_USAGE} ${demoPackage.FAULT_FLAGS_USAGE}`);
    const services = parseServices(values.only as string | undefined);
    const faults = parseDemoFaultFlags(demoPackage, values);
    const demo = await startDemoServices(
      {
        services,
        allen: { port: parsePort(values["allen-port"] as string | undefined, "--allen-port") },
        xnat: { port: parsePort(values["xnat-port"] as string | undefined, "--xnat-port") },
        s3: { port: parsePort(values["s3-port"] as string | undefined, "--s3-port") },
        faults,
      },
      demoPackage,
    );
    writeDemoState(demo.info);
    io.stdout.write(`${JSON.stringify(demo.info)}\n`);
    io.stderr.write(`neuroportal demo: services running on 127.0.0.1${faults ? " with fault injection" : ""}; press Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    clearDemoState();
    if (faults) {
      for (const [name, stats] of Object.entries(demo.faultStats())) io.stderr.write(`neuroportal demo: ${name}: ${demoPackage.formatFaultStats(stats)}\n`);
    }
    await demo.close();
    io.stderr.write("neuroportal demo: stopped\n");
    return 0;
  },
};

function parseServices(only: string | undefined): DemoServiceName[] | undefined {
  if (!only) return undefined;
  const names = only.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (name !== "allen" && name !== "xnat" && name !== "s3") {
      throw new InvalidArgumentError(`--only names unknown service ${JSON.stringify(name)}`, "choose from allen, xnat, s3");
    }
  }
  return names as DemoServiceName[];
}
