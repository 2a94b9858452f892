import { isNeuroportalError } from "../errors.js";
import { redact } from "../core/redact.js";
import { observeRetries } from "../core/retry.js";
import { retryLines } from "../core/retry-notice.js";
import type { CliIO, Command } from "./command.js";
import { demoCommand } from "./demo.js";
import { allenCommand } from "./allen.js";
import { s3Command } from "./s3.js";
import { xnatCommand } from "./xnat.js";
import { runNotebooksCommand } from "./run-notebooks.js";
import { jupyterCommand } from "./jupyter.js";

const COMMANDS: readonly Command[] = [demoCommand, allenCommand, xnatCommand, s3Command, runNotebooksCommand, jupyterCommand];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: neuroportal <command> [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `neuroportal <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${helpText()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`neuroportal: unknown command ${JSON.stringify(name)}\n\n${helpText()}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  const notice = (line: string) => io.stderr.write(`${io.isTTY ? "\r\x1b[K" : ""}neuroportal ${name}: ${line}\n`);
  // Each retry is printed while it waits; a retried call that gave up is not: its error is printed below.
  const stopNotices = observeRetries(retryLines((_id, line, final, ok) => (final && !ok ? undefined : notice(line))));
  try {
    return await command.run(rest, io);
  } catch (error) {
    const message = isNeuroportalError(error) ? error.message : redact(error instanceof Error ? error.message : String(error));
    io.stderr.write(`neuroportal ${name}: ${message}\n`);
    return isNeuroportalError(error) && error.code === "E_ARGUMENT" ? 2 : 1;
  } finally {
    stopNotices();
  }
}
