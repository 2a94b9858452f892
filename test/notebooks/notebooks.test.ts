import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startDemo, Demo } from "../../demo/src/index.js";
import { runNotebook, NotebookRun } from "../../lib/notebooks/run.js";
import { tutorialNotebooks, PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { chartProblems, firstOutputText, headingTitle, htmlTitle, listProblems, readNotebook, tableProblems } from "./teaching.js";

/** Executed copies land here; the browser test renders the HTML reports from this folder. */
export const EXECUTED_DIR = path.join(PACKAGE_ROOT, "build", "test-notebooks");

interface Expectations {
  contains?: string[];
  notContains?: string[];
  /** Found in the outputs once lines wrapped between list items (",\n ") are joined again (", "). */
  containsUnwrapped?: string[];
}

/** Output text with wrapped list literals joined back into one line, as formatList's lines join. */
const unwrapped = (text: string) => text.replace(/,\n +/g, ", ");

function textOutputs(executedPath: string): string {
  const nb = JSON.parse(fs.readFileSync(executedPath, "utf8"));
  const parts: string[] = [];
  for (const cell of nb.cells) {
    for (const output of cell.outputs ?? []) {
      if (output.text) parts.push([].concat(output.text).join(""));
      for (const [mime, value] of Object.entries<any>(output.data ?? {})) {
        if (mime.startsWith("text/")) parts.push([].concat(value).join(""));
      }
    }
  }
  return parts.join("\n");
}

describe("tutorial notebooks @notebook", function () {
  this.timeout(600_000);
  const notebooks = tutorialNotebooks();
  let demo: Demo;
  const secrets: string[] = [];

  before(async () => {
    demo = await startDemo();
    if (demo.info.xnat) secrets.push(demo.info.xnat.password);
    if (demo.info.s3) secrets.push(demo.info.s3.secretAccessKey, demo.info.s3.accessKeyId);
    fs.rmSync(EXECUTED_DIR, { recursive: true, force: true });
  });
  after(async () => demo?.close());

  it("ships at least one notebook, each committed without outputs and declaring the tslab kernel", () => {
    assert.ok(notebooks.length > 0, "no notebooks in notebooks/");
    for (const file of notebooks) {
      const nb = JSON.parse(fs.readFileSync(file, "utf8"));
      assert.equal(nb.metadata?.kernelspec?.name, "tslab", `${path.basename(file)} must use the tslab kernel`);
      for (const cell of nb.cells.filter((c: any) => c.cell_type === "code")) {
        assert.deepEqual(cell.outputs, [], `${path.basename(file)} is committed with outputs; clear them`);
        assert.equal(cell.execution_count, null, `${path.basename(file)} is committed with execution counts`);
      }
    }
  });

  for (const file of notebooks) {
    const name = path.basename(file, ".ipynb");
    it(`${name} executes cleanly under tslab against the demo services`, async () => {
      const run: NotebookRun = await runNotebook(file, { outDir: EXECUTED_DIR, env: { NEUROPORTAL_DEMO: JSON.stringify(demo.info) } });
      assert.equal(run.status, "ok", `${name} failed at cell ${run.failedCell}:\n${run.log}`);
      const text = textOutputs(run.executed);
      const expectFile = path.join(__dirname, `${name}.expect.json`);
      if (fs.existsSync(expectFile)) {
        const expectations: Expectations = JSON.parse(fs.readFileSync(expectFile, "utf8"));
        for (const needle of expectations.contains ?? []) assert.ok(text.includes(needle), `${name}: outputs lack ${JSON.stringify(needle)}`);
        for (const needle of expectations.notContains ?? []) assert.ok(!text.includes(needle), `${name}: outputs contain ${JSON.stringify(needle)}`);
        for (const needle of expectations.containsUnwrapped ?? []) assert.ok(unwrapped(text).includes(needle), `${name}: outputs lack ${JSON.stringify(needle)} (wrapped lines joined)`);
      }
      const executed = readNotebook(run.executed);
      assert.match(firstOutputText(executed) ?? "", /^neuroportal uses the demo services[^\n]*:\n {2}\w+ http/, `${name}: the first output does not say which services the notebook uses (svc.show())`);
      assert.deepEqual(chartProblems(executed), [], `${name}: charts without axis titles, units, colour-bar titles or instrument ranges`);
      assert.deepEqual(tableProblems(executed), [], `${name}: summary tables without units`);
      assert.deepEqual(listProblems(executed), [], `${name}: long lists printed on one line`);
      if (run.html) assert.equal(htmlTitle(fs.readFileSync(run.html, "utf8")), headingTitle(readNotebook(file)), `${name}: the HTML report is not titled after the notebook`);
      const raw = fs.readFileSync(run.executed, "utf8") + (run.html ? fs.readFileSync(run.html, "utf8") : "");
      for (const secret of secrets) assert.ok(!raw.includes(secret), `${name}: a demo secret appears in the executed notebook or its HTML`);
      assert.doesNotMatch(raw, /JSESSIONID=[0-9A-F]{32}/i, `${name}: a session id appears in the outputs`);
      assert.doesNotMatch(raw, /Basic [A-Za-z0-9+/=]{12,}/, `${name}: an Authorization header appears in the outputs`);
    });
  }
});
