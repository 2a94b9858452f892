import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DownloadPlan } from "../../lib/cohort/plan-format.js";
import { filesUnder } from "./files.js";

/** Asserts that `dir` holds every file of the plan with the plan's size and MD5, and nothing else (no part file, no stray key). */
export function assertExactlyThePlan(dir: string, plan: DownloadPlan): void {
  assert.deepEqual(filesUnder(dir), plan.files.map((f) => f.key).sort());
  for (const file of plan.files) {
    const bytes = fs.readFileSync(path.join(dir, file.key));
    assert.equal(bytes.length, file.size, file.key);
    assert.equal(createHash("md5").update(bytes).digest("hex"), file.md5, file.key);
  }
}
