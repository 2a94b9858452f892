import { strict as assert } from "node:assert";
import { demoBuckets, Q1_S3_SUBJECTS, HCP1200_SUBJECTS } from "../../demo/src/s3/index";
import { fromManifestJson } from "../../lib/s3/manifest";

const RUNS = ["tfMRI_MOTOR_LR", "tfMRI_MOTOR_RL"];
const FRAMES = 284;
/** Power et al.'s framewise displacement: rotations (degrees here) as arc length on a 50 mm sphere. */
const meanFramewiseDisplacement = (rows: number[][]) =>
  rows.slice(1).reduce((sum, row) => sum + row.slice(6, 9).reduce((s, v) => s + Math.abs(v), 0) + row.slice(9, 12).reduce((s, v) => s + (Math.abs(v) * Math.PI * 50) / 180, 0), 0) / (rows.length - 1);

describe("cohort: the demo's MOTOR motion files are real-format and plausible for every subject", () => {
  const [q1, today] = demoBuckets("both");
  const body = (bucket: typeof q1, key: string) => bucket.objects.find((o) => o.key === key)?.body;

  it("every Q1 subject on S3 and every HCP_1200 subject has both MOTOR runs' Movement_Regressors.txt, listed in the MOTOR package's manifest", () => {
    for (const [bucket, root, subjects] of [[q1, "q1/", Q1_S3_SUBJECTS], [today, "HCP_1200/", HCP1200_SUBJECTS]] as const) {
      for (const subject of subjects) {
        const manifestKey = `${root}${subject}/.xdlm/${subject}_3T_tfMRI_MOTOR_preproc.json`;
        const listed = new Set(fromManifestJson(body(bucket, manifestKey)!.toString("utf8"), manifestKey).map((entry) => entry.key));
        for (const run of RUNS) {
          for (const name of ["Movement_Regressors.txt"]) {
            const key = `${root}${subject}/MNINonLinear/Results/${run}/${name}`;
            assert.ok(body(bucket, key), key);
            assert.ok(listed.has(key), `${key} is in ${manifestKey}`);
          }
        }
      }
    }
  });

  it("Movement_Regressors.txt has HCP's layout: 284 lines of 12 `%10.6f ` fields; columns 7-12 are the backward differences of 1-6", () => {
    for (const subject of Q1_S3_SUBJECTS) {
      for (const run of RUNS) {
        const text = body(q1, `q1/${subject}/MNINonLinear/Results/${run}/Movement_Regressors.txt`)!.toString("utf8");
        const lines = text.split("\n");
        assert.equal(lines.pop(), "");
        assert.equal(lines.length, FRAMES);
        for (const line of lines) {
          assert.equal(line.length, 12 * 11, line);
          for (const field of line.match(/.{11}/g)!) assert.match(field, /^ *-?\d+\.\d{6} $/, line);
        }
        const rows = lines.map((line) => line.trim().split(/\s+/).map(Number));
        assert.deepEqual(rows[0].slice(6), [0, 0, 0, 0, 0, 0]);
        for (let frame = 1; frame < FRAMES; frame++) {
          for (let c = 0; c < 6; c++) assert.ok(Math.abs(rows[frame][6 + c] - (rows[frame][c] - rows[frame - 1][c])) <= 2.1e-6, `${subject} ${run} frame ${frame} column ${c + 7}`);
        }
      }
    }
  });

  it("head motion is plausible for HCP task runs: mean framewise displacement 0.02-0.4 mm, spread over subjects, similar in a subject's two runs", () => {
    const perSubject = Q1_S3_SUBJECTS.map((subject) => {
      const [lr, rl] = RUNS.map((run) => {
        const rows = body(q1, `q1/${subject}/MNINonLinear/Results/${run}/Movement_Regressors.txt`)!.toString("utf8").trim().split("\n").map((line) => line.trim().split(/\s+/).map(Number));
        assert.ok(rows.every((row) => row.slice(0, 3).every((mm) => Math.abs(mm) < 3)), `${subject} ${run}: translations under 3 mm`);
        return meanFramewiseDisplacement(rows);
      });
      assert.ok(Math.abs(lr - rl) / Math.max(lr, rl) < 0.25, `${subject}: LR ${lr} and RL ${rl} differ by more than 25%`);
      return (lr + rl) / 2;
    });
    const sorted = [...perSubject].sort((a, b) => a - b);
    assert.ok(sorted[0] > 0.02 && sorted[sorted.length - 1] < 0.4, `range ${sorted[0]}-${sorted[sorted.length - 1]}`);
    const median = sorted[Math.floor(sorted.length / 2)];
    assert.ok(median > 0.06 && median < 0.16, `median ${median}`);
    assert.ok(sorted[Math.floor(sorted.length * 0.9)] / sorted[Math.floor(sorted.length * 0.1)] > 1.8, "subjects differ in how much they move");
  });
});
