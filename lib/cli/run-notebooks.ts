import * as fs from "node:fs";
import * as path from "node:path";
import { startDemoServices } from "../config/demo-package.js";
import { isRealMode } from "../config/services.js";
import { InvalidArgumentError } from "../errors.js";
import { formatRunTable, runNotebook, NotebookRun } from "../notebooks/run.js";
import { tutorialNotebooks } from "../notebooks/toolchain.js";
import { Command, parseFlags } from "./command.js";

const usage = "neuroportal run-notebooks [NOTEBOOK.ipynb ...] [--out build/notebooks] [--no-html] [--timeout SECONDS]";

/**
 * `neuroportal run-notebooks`: the main job. Starts the embedded demo services (unless
 * NEUROPORTAL_MODE=real or NEUROPORTAL_DEMO points elsewhere), executes every tutorial
 * notebook against them and writes executed notebooks and HTML reports.
 */
export const runNotebooksCommand: Command = {
  name: "run-notebooks",
  summary: "execute the tutorial notebooks against the demo services; write executed copies and HTML reports",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { out: { type: "string", default: path.join("build", "notebooks") }, "no-html": { type: "boolean", default: false }, timeout: { type: "string", default: "300" } },
      usage,
      true,
    );
    const notebooks = positionals.length > 0 ? positionals.map((p) => path.resolve(p)) : tutorialNotebooks();
    if (notebooks.length === 0) throw new InvalidArgumentError("no notebooks to run", "pass .ipynb paths or run from the repository");
    const timeoutSeconds = Number(values.timeout);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new InvalidArgumentError(`--timeout takes a number of seconds, not ${values.timeout}`);
    const useEmbedded = !process.env.NEUROPORTAL_DEMO && !isRealMode(process.env);
    const demo = useEmbedded ? await startDemoServices() : undefined;
    const env: Record<string, string> = demo ? { NEUROPORTAL_DEMO: JSON.stringify(demo.info) } : {};
    const outDir = path.resolve(values.out);
    const runs: NotebookRun[] = [];
    try {
      for (const notebook of notebooks) {
        io.stderr.write(`▶ ${path.basename(notebook)}\n`);
        const run = await runNotebook(notebook, { outDir, env, html: !values["no-html"], timeoutSeconds, onLog: (line) => io.stderr.write(`${line}\n`) });
        runs.push(run);
      }
    } finally {
      await demo?.close();
    }
    fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(runs.map(({ log, ...rest }) => rest), null, 2));
    io.stdout.write(`\n${formatRunTable(runs)}\n\nexecuted notebooks and HTML reports: ${path.relative(process.cwd(), outDir) || "."}\n`);
    return runs.every((r) => r.status === "ok") ? 0 : 1;
  },
};
