import { NeuroportalError } from "../errors.js";

/** Why the demo package could not be used. */
export type DemoPackageProblem = "missing" | "not-built" | "incompatible";

const SETTINGS = "or set NEUROPORTAL_MODE=real (the public services) or NEUROPORTAL_DEMO (the JSON line of a `neuroportal demo` running elsewhere)";

const MESSAGES: Readonly<Record<DemoPackageProblem, (name: string) => { message: string; hint: string }>> = {
  missing: (name) => ({ message: `the demo services are not installed (package ${name})`, hint: `npm install ${name}, ${SETTINGS}` }),
  "not-built": (name) => ({ message: `the demo services (package ${name}) are installed but not built`, hint: `run \`npm run build\` in the neuroportal repository, ${SETTINGS}` }),
  incompatible: (name) => ({ message: `the installed ${name} does not provide what this version of neuroportal needs`, hint: `install the ${name} of the same release as neuroportal, ${SETTINGS}` }),
};

/**
 * The embedded demo services were needed (no `NEUROPORTAL_MODE=real`, no `NEUROPORTAL_DEMO`,
 * no running `neuroportal demo`, or a command that starts them) but their package cannot be
 * loaded: not installed, installed without its build, or of another release.
 */
export class DemoNotInstalledError extends NeuroportalError {
  /** The package that was looked for. */
  readonly packageName: string;
  readonly problem: DemoPackageProblem;

  constructor(packageName: string, problem: DemoPackageProblem, cause?: unknown) {
    const { message, hint } = MESSAGES[problem](packageName);
    super("E_DEMO_NOT_INSTALLED", message, { hint, cause });
    this.packageName = packageName;
    this.problem = problem;
  }
}

export const isDemoNotInstalledError = (e: unknown): e is DemoNotInstalledError => e instanceof DemoNotInstalledError;
