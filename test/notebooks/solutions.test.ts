import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startDemo, type Demo } from "../../demo/src/index.js";
import { runNotebook } from "../../lib/notebooks/run.js";
import { tutorialNotebooks, PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { chartProblems, readNotebook, solutionBlocks, withSolutionsRun } from "./teaching.js";

const WORK = path.join(PACKAGE_ROOT, "build", "test-solutions");

/**
 * The exercises' collapsed solutions are code a reader will paste: each notebook runs once more
 * under tslab (a copy in build/, which its relative data paths then use) with its solutions as
 * code cells right after the exercises, and must still run cleanly to the end, charts the
 * solutions draw labelled like the rest.
 */
describe("tutorial exercise solutions run where they are asked @notebook", function () {
  this.timeout(600_000);
  let demo: Demo;

  before(async () => {
    demo = await startDemo();
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(path.join(WORK, "notebooks"), { recursive: true });
  });
  after(async () => demo?.close());

  for (const file of tutorialNotebooks()) {
    const name = path.basename(file, ".ipynb");
    it(`${name}: every solution runs after the cells before it`, async () => {
      const nb = readNotebook(file);
      const solutions = nb.cells.filter((c) => c.cell_type === "markdown").flatMap((c) => solutionBlocks([].concat(c.source as never).join("")));
      assert.ok(solutions.length >= 2, `${name} has ${solutions.length} solutions`);
      const copy = path.join(WORK, "notebooks", path.basename(file));
      fs.writeFileSync(copy, JSON.stringify(withSolutionsRun(nb), null, 1));
      const run = await runNotebook(copy, { outDir: path.join(WORK, "executed"), html: false, env: { NEUROPORTAL_DEMO: JSON.stringify(demo.info) } });
      assert.equal(run.status, "ok", `${name} with its solutions failed at cell ${run.failedCell}:\n${run.log.slice(-3000)}`);
      assert.deepEqual(chartProblems(readNotebook(run.executed)), []);
    });
  }
});
