import { startDemo, DemoServiceName } from "../demo/index.js";
import { clearDemoState, writeDemoState } from "../config/demo-state.js";
import { InvalidArgumentError } from "../errors.js";
import { Command, parseFlags, parsePort } from "./command.js";
import { FAULT_FLAGS, FAULT_FLAGS_USAGE, parseFaultFlags } from "./faults.js";
import { formatFaultStats } from "../demo/faults/index.js";

const usage = `neuroportal demo [--allen-port N] [--xnat-port N] [--s3-port N] [--only allen,xnat,s3] ${FAULT_FLAGS_USAGE}`;

/** `neuroportal demo`: starts the embedded services and prints their JSON description. */
export const demoCommand: Command = {
  name: "demo",
  summary: "start the embedded demo services (Allen API, ConnectomeDB, S3) on 127.0.0.1",
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        "allen-port": { type: "string" },
        "xnat-port": { type: "string" },
        "s3-port": { type: "string" },
        only: { type: "string" },
        ...FAULT_FLAGS,
      },
      usage,
    );
    const services = parseServices(values.only);
    const faults = parseFaultFlags(values);
    const demo = await startDemo({
      services,
      allen: { port: parsePort(values["allen-port"], "--allen-port") },
      xnat: { port: parsePort(values["xnat-port"], "--xnat-port") },
      s3: { port: parsePort(values["s3-port"], "--s3-port") },
      faults,
    });
    writeDemoState(demo.info);
    io.stdout.write(`${JSON.stringify(demo.info)}\n`);
    io.stderr.write(`neuroportal demo: services running on 127.0.0.1${faults ? " with fault injection" : ""}; press Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    clearDemoState();
    if (faults) {
      for (const [name, stats] of Object.entries(demo.faultStats())) io.stderr.write(`neuroportal demo: ${name}: ${formatFaultStats(stats!)}\n`);
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
