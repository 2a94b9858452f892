/**
 * A demo setting that cannot work: a fault rate outside [0, 1], rates that add up to more than 1,
 * a flag value that is not a number. `code` is `E_ARGUMENT`, as the library's
 * `InvalidArgumentError`, so the `neuroportal` command line answers it with exit code 2.
 */
export class DemoArgumentError extends Error {
  readonly code = "E_ARGUMENT";
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "DemoArgumentError";
    this.hint = hint;
  }
}

export const isDemoArgumentError = (e: unknown): e is DemoArgumentError => e instanceof DemoArgumentError;
