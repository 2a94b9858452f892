import * as fs from "node:fs";
import * as path from "node:path";

/** The folder this package is installed in (holds jupyter/, scripts/, notebooks/). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Debian's Python and Jupyter: the ones that have nbclient and nbconvert installed. */
export const SYSTEM_PYTHON = process.env.NEUROPORTAL_PYTHON || "/usr/bin/python3";
export const SYSTEM_JUPYTER = process.env.NEUROPORTAL_JUPYTER || "/usr/bin/jupyter";

/** Environment for Jupyter processes: the committed tslab kernelspec first on JUPYTER_PATH. */
export function jupyterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kernels = path.join(PACKAGE_ROOT, "jupyter");
  const jupyterPath = [kernels, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1", ...extra };
}

/** The tutorial notebooks shipped with the package, in order. */
export function tutorialNotebooks(folder = path.join(PACKAGE_ROOT, "notebooks")): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => path.join(folder, name));
}
