import { parseArgs, ParseArgsConfig } from "node:util";

type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>>;
import { InvalidArgumentError } from "../errors.js";

/** Where a command writes; replaceable in tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  isTTY: boolean;
}

/** One `neuroportal <name>` subcommand. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses flags strictly; an unknown flag or a missing value becomes an {@link InvalidArgumentError}. */
export function parseFlags<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = false): ParsedFlags<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message, `usage: ${usage}`);
  }
}

/** Parses a flag that takes a whole number from `min` to `max`; anything else is an {@link InvalidArgumentError} naming the flag and the range. */
export function parseWholeNumber(value: string | undefined, flag: string, min: number, max: number): number {
  const n = value === undefined || value.trim() === "" ? NaN : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

/** Parses a port flag: a whole number from 0 (any free port) to 65535. */
export function parsePort(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`${flag} takes a port number from 0 to 65535, not ${JSON.stringify(value)}`, "0 picks a free port");
  }
  return port;
}
