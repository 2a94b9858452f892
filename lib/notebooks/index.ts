export { runNotebook, formatRunTable } from "./run.js";
export type { NotebookRun, RunNotebookOptions } from "./run.js";
export { tutorialNotebooks, jupyterEnv, PACKAGE_ROOT } from "./toolchain.js";
