import { strict as assert } from "node:assert";
import { isInvalidArgumentError } from "../../lib/errors";
import { fromPlanJson, planDigest, toPlanJson, totalsOf, type DownloadPlan, type PlannedFile } from "../../lib/cohort/plan-format";
import { isPlanFormatError } from "../../lib/cohort/errors";
import { toPlanFrame, toMissingFrame } from "../../lib/cohort/frame";
import { toSubjectLabels } from "../../lib/cohort/subjects";
import { toSubjectPrefixes, toRoot } from "../../lib/cohort/layouts";

const md5 = (n: number) => n.toString(16).padStart(32, "0");
export function samplePlan(): DownloadPlan {
  const files: PlannedFile[] = [
    { subject: "100307", key: "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt", size: 37488, md5: md5(1) },
    { subject: "100307", key: "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_RL/Movement_Regressors.txt", size: 37488, md5: md5(2) },
    { subject: "103515", key: "q1/103515/MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt", size: 37488, md5: md5(3) },
  ];
  const subjects = ["100307", "103515", "144428"];
  return {
    format: "neuroportal-download-plan",
    version: 1,
    bucket: "hcp.aws.amazon.com",
    root: "q1/",
    include: ["MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt"],
    packages: [],
    subjects,
    missing: [{ subject: "144428", reason: "no-prefix" }],
    files,
    totals: totalsOf(subjects, files),
  };
}

describe("cohort: the plan file (format, version, digest) and its frames", () => {
  it("writes one file per line with a fixed field order and a SHA-256 digest, and reads itself back", () => {
    const plan = samplePlan();
    const text = toPlanJson(plan);
    assert.equal(text, toPlanJson(samplePlan()), "the same plan gives the same bytes");
    assert.doesNotMatch(text, /20\d\d-\d\d-\d\dT/, "no time stamp");
    const lines = text.split("\n");
    assert.equal(lines[1], '  "format": "neuroportal-download-plan",');
    assert.equal(lines[2], '  "version": 1,');
    assert.ok(lines.includes('    {"subject":"100307","key":"q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt","size":37488,"md5":"00000000000000000000000000000001"},'));
    assert.match(text, /"totals": \{"subjects":2,"files":3,"bytes":112464\}/);
    assert.match(text, /"digest": "sha256:[0-9a-f]{64}"\n\}\n$/);
    assert.equal(JSON.parse(text).digest, planDigest(plan));
    assert.deepEqual(fromPlanJson(text), plan);
    assert.deepEqual(fromPlanJson(JSON.stringify(JSON.parse(text))), plan, "white space does not matter, content does");
  });

  it("refuses what is not a version-1 plan, or a plan changed after it was written, with PlanFormatError naming the file", () => {
    const text = toPlanJson(samplePlan());
    const edited = (change: (doc: Record<string, any>) => void) => {
      const doc = JSON.parse(text);
      change(doc);
      return JSON.stringify(doc);
    };
    const cases: [string, string, RegExp][] = [
      ["not json", "{", /not a plan file/],
      ["another format", edited((d) => (d.format = "other")), /not a neuroportal download plan/],
      ["version 2", edited((d) => (d.version = 2)), /version 2; this neuroportal reads version 1/],
      ["changed md5", edited((d) => (d.files[0].md5 = md5(9))), /digest does not match/],
      ["dropped file", edited((d) => d.files.splice(1, 1)), /totals .* do not match/],
      ["no digest", edited((d) => delete d.digest), /digest is missing/],
      ["bad md5", edited((d) => (d.files[0].md5 = "XYZ")), /not 32 lower-case hex digits/],
      ["foreign key", edited((d) => (d.files[0].key = "q1/103515/x")), /not a file in q1\/100307\//],
      ["negative size", edited((d) => (d.files[0].size = -1)), /not a byte count/],
      ["unsorted", edited((d) => d.files.reverse()), /sorted/],
      ["unknown reason", edited((d) => (d.missing[0].reason = "gone")), /reason "gone"/],
      ["unaccounted subject", edited((d) => (d.missing = [])), /144428 has no file and is not listed as missing/],
      ["bad root", edited((d) => (d.root = "../q1/")), /not a release root/],
    ];
    for (const [name, body, message] of cases) {
      assert.throws(() => fromPlanJson(body, "plan.json"), (e: unknown) => isPlanFormatError(e) && e.code === "E_PLAN_FORMAT" && e.message.startsWith("plan.json: ") && message.test(e.message), name);
    }
  });

  it("as DataFrames: one row per file (with its shard when asked), and the missing subjects with the reason in words", () => {
    const plan = samplePlan();
    const frame = toPlanFrame(plan, { shards: 2 });
    assert.deepEqual(frame.columns, ["subject", "key", "size", "md5", "shard"]);
    assert.deepEqual(frame.column("size").values, [37488, 37488, 37488]);
    assert.deepEqual(frame.column("shard").values, [0, 0, 1]);
    assert.deepEqual(toPlanFrame(plan).columns, ["subject", "key", "size", "md5"]);
    const missing = toMissingFrame(plan);
    assert.deepEqual(missing.values, [["144428", "no-prefix", "no q1/144428/ folder in s3://hcp.aws.amazon.com"]]);
  });
});

describe("cohort: subjects and layouts", () => {
  it("labels come trimmed, once each, sorted in byte order, from arrays, strings, search results and frames", () => {
    assert.deepEqual(toSubjectLabels(["103515", " 100307", "103515"]), ["100307", "103515"]);
    assert.deepEqual(toSubjectLabels("103515,100307\n111312 ,"), ["100307", "103515", "111312"]);
    const search = { headers: () => ["subject_id", "subject_label", "cpw_iwrd_tot"], column: (key: string) => (key === "subject_label" ? ["230926", "111312"] : []) };
    assert.deepEqual(toSubjectLabels(search), ["111312", "230926"]);
  });

  it("refuses labels that are not one folder name, blank rows, and results without a label column (naming subject_id's IDs)", () => {
    for (const bad of [["../x"], ["a/b"], ["."], ["a b"], []]) assert.throws(() => toSubjectLabels(bad), isInvalidArgumentError, JSON.stringify(bad));
    assert.throws(() => toSubjectLabels(["100307", ""]), /subject 2 of 2 has an empty label/);
    const ids = { headers: () => ["subject_id", "neo_neofac_a"], column: () => ["ConnectomeDB_S00230"] };
    assert.throws(() => toSubjectLabels(ids), /ConnectomeDB IDs/);
  });

  it("prefixes in either layout; roots are normalised and checked", () => {
    assert.deepEqual(toSubjectPrefixes(["103515", "100307"], "q1"), [
      { subject: "100307", bucket: "hcp.aws.amazon.com", prefix: "q1/100307/" },
      { subject: "103515", bucket: "hcp.aws.amazon.com", prefix: "q1/103515/" },
    ]);
    assert.deepEqual(toSubjectPrefixes("100307", "hcp1200"), [{ subject: "100307", bucket: "hcp-openaccess", prefix: "HCP_1200/100307/" }]);
    assert.deepEqual(toSubjectPrefixes("100307", { bucket: "b", root: "x/y" }), [{ subject: "100307", bucket: "b", prefix: "x/y/100307/" }]);
    assert.equal(toRoot("HCP_1200"), "HCP_1200/");
    assert.equal(toRoot(""), "");
    for (const bad of ["/q1/", "a//b/", "../q1/", "q1/./x"]) assert.throws(() => toRoot(bad), isInvalidArgumentError, bad);
    assert.throws(() => toSubjectPrefixes("1", "q2" as "q1"), /unknown layout "q2"/);
  });
});
