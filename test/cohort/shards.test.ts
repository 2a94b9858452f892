import { strict as assert } from "node:assert";
import { isInvalidArgumentError } from "../../lib/errors";
import { assignShards, parseShard, shardFiles } from "../../lib/cohort/shards";
import type { PlannedFile } from "../../lib/cohort/plan-format";

/** A plan's files for `subjects` subjects with sizes that differ between subjects. */
function files(subjects: number): PlannedFile[] {
  const out: PlannedFile[] = [];
  for (let s = 0; s < subjects; s++) {
    const subject = String(100000 + s * 7919);
    for (const run of ["LR", "RL"]) out.push({ subject, key: `q1/${subject}/${run}.txt`, size: 1000 + ((s * 37) % 13) * 100, md5: "0".repeat(32) });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe("cohort: shards", () => {
  it("parses I/N, 0-based, and refuses the rest with a usable hint", () => {
    assert.deepEqual(parseShard("0/4"), { index: 0, count: 4 });
    assert.deepEqual(parseShard(" 3/4 "), { index: 3, count: 4 });
    for (const bad of ["4/4", "-1/4", "1/0", "a/b", "1", "1/4/2", "0/10001"]) assert.throws(() => parseShard(bad), isInvalidArgumentError, bad);
    assert.throws(() => parseShard("4/4"), /counted from 0 to 3/);
  });

  it("puts every subject in exactly one shard; the union of the shards is the plan, each subject's files together", () => {
    const plan = { files: files(71) };
    for (const count of [1, 2, 3, 4, 7, 71, 100]) {
      const union = Array.from({ length: count }, (_, index) => shardFiles(plan, { index, count })).flat();
      assert.deepEqual([...union].sort((a, b) => (a.key < b.key ? -1 : 1)), plan.files, `${count} shards`);
      const shards = assignShards(plan, count);
      for (const file of plan.files) assert.ok(shards.get(file.subject)! < count);
    }
  });

  it("balances bytes (largest first, to the lightest shard) and does not depend on the order subjects came in", () => {
    const plan = { files: files(71) };
    const shuffled = { files: [...plan.files].reverse() };
    for (const count of [2, 4, 16]) {
      assert.deepEqual([...assignShards(shuffled, count)].sort(), [...assignShards(plan, count)].sort());
      const loads = Array.from({ length: count }, (_, index) => shardFiles(plan, { index, count }).reduce((s, f) => s + f.size, 0));
      const largestSubject = 2 * 2200;
      assert.ok(Math.max(...loads) - Math.min(...loads) <= largestSubject, `${count} shards: ${loads}`);
    }
    assert.equal(shardFiles(plan, { index: 80, count: 100 }).length, 0, "more shards than subjects: some are empty");
  });
});
