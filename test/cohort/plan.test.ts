import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { startS3Demo, demoBuckets, type DemoBucket, type S3DemoInfo } from "../../demo/src/s3/index";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index";
import { IWRD_30_TO_34, Q1_LABELS } from "../../demo/src/xnat/facts";
import type { RunningService } from "../../demo/src/types";
import { connect } from "../../lib/xnat/client";
import { bucket as openBucket, type Bucket } from "../../lib/s3/bucket";
import { makePlan } from "../../lib/cohort/plan";
import { locateSubjects } from "../../lib/cohort/locate";
import { toPlanJson, fromPlanJson } from "../../lib/cohort/plan-format";
import { isManifestConflictError } from "../../lib/cohort/errors";
import { isUnsafePathError } from "../../lib/errors";

const MOTION = "MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt";
const NOT_ON_S3 = ["144428", "230926", "235128", "707244", "733548"];

/** A bucket handle on a running demo S3 service. */
export const handle = (info: S3DemoInfo, name: string, endpoint = info.endpoint): Bucket =>
  openBucket(name, { endpoint, region: info.region, credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey } });

describe("cohort: plans against the demo bucket", function () {
  this.timeout(120_000);
  let s3: RunningService<S3DemoInfo>;
  let q1: Bucket;
  let today: Bucket;
  const [q1Contents] = demoBuckets("both");
  const object = (key: string) => q1Contents.objects.find((o) => o.key === key);

  before(async () => {
    s3 = await startS3Demo();
    q1 = handle(s3.info, "hcp.aws.amazon.com");
    today = handle(s3.info, "hcp-openaccess");
  });
  after(async () => {
    q1?.close();
    today?.close();
    await s3?.close();
  });

  it("plans the 76 HCP_Q1 subjects' MOTOR regressors: 71 subjects x 2 runs, each with the bucket's size and MD5; the five without a q1/ folder reported, not dropped", async () => {
    const plan = await makePlan(q1, { root: "q1/", subjects: Q1_LABELS, include: [MOTION] });
    assert.equal(plan.subjects.length, 76);
    assert.deepEqual(plan.missing, NOT_ON_S3.map((subject) => ({ subject, reason: "no-prefix" })));
    assert.equal(plan.files.length, 142);
    assert.deepEqual(plan.totals, { subjects: 71, files: 142, bytes: plan.files.reduce((s, f) => s + f.size, 0) });
    for (const file of plan.files) {
      const body = object(file.key)!.body;
      assert.equal(file.size, body.length, file.key);
      assert.equal(file.md5, createHash("md5").update(body).digest("hex"), file.key);
      assert.match(file.key, new RegExp(`^q1/${file.subject}/MNINonLinear/Results/tfMRI_MOTOR_(LR|RL)/Movement_Regressors\\.txt$`));
    }
    assert.deepEqual(fromPlanJson(toPlanJson(plan)), plan);
  });

  it("the tutorial's word-memory group from a real project search (30 <= CPW_IWRD_TOT < 35): 26 subjects, three of them without data", async () => {
    let xnatDemo: XnatDemo | undefined;
    try {
      xnatDemo = await startXnatDemo();
      const cdb = await connect(xnatDemo.info.url, { user: xnatDemo.info.user, password: xnatDemo.info.password });
      const group = await cdb.project("HCP_Q1").select("nt:scores", ["nt:scores/CPW_IWRD_TOT"]).where([["nt:scores/CPW_IWRD_TOT", ">=", "30"], ["nt:scores/CPW_IWRD_TOT", "<", "35"], "AND"]);
      assert.equal(group.length, 26);
      const plan = await makePlan(q1, { root: "q1/", subjects: group, include: [MOTION] });
      assert.deepEqual(plan.subjects, [...IWRD_30_TO_34].sort());
      assert.deepEqual(plan.missing, [
        { subject: "230926", reason: "no-prefix" },
        { subject: "235128", reason: "no-prefix" },
        { subject: "707244", reason: "no-prefix" },
      ]);
      assert.equal(plan.totals.subjects, 23);
      assert.equal(plan.files.length, 46);
      await cdb.close();
    } finally {
      await xnatDemo?.close();
    }
  });

  it("is deterministic: the same request in another order, another concurrency, gives the same bytes", async () => {
    const subjects = ["100307", "733548", "103515", "111312", "144428"];
    const a = toPlanJson(await makePlan(q1, { root: "q1", subjects, include: [MOTION, "T1w/T1w_acpc_dc_restore.nii.gz"] }));
    const b = toPlanJson(await makePlan(q1, { root: "q1/", subjects: [...subjects].reverse(), include: ["T1w/T1w_acpc_dc_restore.nii.gz", MOTION], concurrency: 1 }));
    assert.notEqual(a, b, "include keeps the order given (it is part of the request)");
    const c = toPlanJson(await makePlan(q1, { root: "q1/", subjects: subjects.join(","), include: [MOTION, "T1w/T1w_acpc_dc_restore.nii.gz"], concurrency: 2 }));
    assert.equal(a, c);
    assert.deepEqual(JSON.parse(a).files, JSON.parse(b).files);
  });

  it("today's layout (hcp-openaccess, HCP_1200/): subjects found there, the rest reported; a pattern that matches nothing says so per subject", async () => {
    const plan = await makePlan(today, { root: "HCP_1200/", subjects: ["100307", "103515", "103818", "111312"], include: [MOTION, "T1w/Diffusion/bvals"] });
    assert.deepEqual(plan.missing, [{ subject: "111312", reason: "no-prefix" }]);
    assert.equal(plan.files.length, 9);
    assert.ok(plan.files.every((f) => f.key.startsWith(`HCP_1200/${f.subject}/`)));
    const none = await makePlan(today, { root: "HCP_1200/", subjects: ["100307"], include: ["MNINonLinear/Results/tfMRI_WM_*/Movement_Regressors.txt"] });
    assert.deepEqual(none.missing, [{ subject: "100307", reason: "no-match" }]);
    assert.deepEqual(none.files, []);
  });

  it("packages restricts the manifests read (one GET per subject instead of five) and finds the same files", async () => {
    const subjects = ["100307", "103515", "103818"];
    const counted = countingBucket(s3.info, "hcp.aws.amazon.com");
    try {
      const all = await makePlan(counted.bucket, { root: "q1/", subjects, include: [MOTION] });
      const everyManifest = counted.manifestGets();
      const some = await makePlan(counted.bucket, { root: "q1/", subjects, include: [MOTION], packages: ["*_tfMRI_MOTOR_preproc"] });
      assert.equal(everyManifest, 15);
      assert.equal(counted.manifestGets() - everyManifest, 3);
      assert.deepEqual(some.files, all.files);
      assert.deepEqual(some.packages, ["*_tfMRI_MOTOR_preproc"]);
      const wrongPackage = await makePlan(counted.bucket, { root: "q1/", subjects: ["100307"], include: [MOTION], packages: ["*_Structural_preproc"] });
      assert.deepEqual(wrongPackage.missing, [{ subject: "100307", reason: "no-match" }]);
    } finally {
      counted.bucket.close();
    }
  });

  it("locates subjects with one listing of the root", async () => {
    const counted = countingBucket(s3.info, "hcp.aws.amazon.com");
    try {
      const located = await locateSubjects(counted.bucket, "q1/", Q1_LABELS);
      assert.equal(located.found.length, 71);
      assert.deepEqual(located.missing, NOT_ON_S3);
      assert.equal(counted.requests().length, 1);
    } finally {
      counted.bucket.close();
    }
  });

  describe("against buckets with other contents", () => {
    let custom: RunningService<S3DemoInfo>;
    let odd: Bucket;
    before(async () => {
      custom = await startS3Demo({ buckets: [oddBucket()] });
      odd = handle(custom.info, "odd");
    });
    after(async () => {
      odd?.close();
      await custom?.close();
    });

    it("reports a subject folder without manifests as no-manifest", async () => {
      const plan = await makePlan(odd, { root: "rel/", subjects: ["a1", "b2"], include: ["data/*.txt"] });
      assert.deepEqual(plan.missing, [{ subject: "b2", reason: "no-manifest" }]);
      assert.deepEqual(plan.files.map((f) => f.key), ["rel/a1/data/x.txt"]);
    });

    it("raises ManifestConflictError when two manifests disagree about a file, UnsafePathError for a key that would escape", async () => {
      await assert.rejects(makePlan(odd, { root: "rel/", subjects: ["c3"], include: ["data/*.txt"] }), (e: unknown) => isManifestConflictError(e) && e.key === "rel/c3/data/x.txt");
      await assert.rejects(makePlan(odd, { root: "rel/", subjects: ["d4"], include: ["**"] }), isUnsafePathError);
    });
  });
});

/** A bucket whose requests go through a counting loopback proxy. */
function countingBucket(info: S3DemoInfo, name: string): { bucket: Bucket; requests: () => string[]; manifestGets: () => number } {
  const seen: string[] = [];
  const fetchCounting: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    seen.push(`${init?.method ?? "GET"} ${decodeURIComponent(url.pathname)}${url.search}`);
    return fetch(input, init);
  };
  const bucket = openBucket(name, { endpoint: info.endpoint, region: info.region, credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey }, fetch: fetchCounting });
  return { bucket, requests: () => [...seen], manifestGets: () => seen.filter((line) => /\/\.xdlm\/[^/?]+\.json$/.test(line)).length };
}

/** A bucket `odd`: rel/a1 is fine, rel/b2 has no manifest, rel/c3's two manifests disagree, rel/d4 lists a key with `..`. */
function oddBucket(): DemoBucket {
  const when = new Date(Date.UTC(2020, 0, 1));
  const md5 = (text: string) => createHash("md5").update(text).digest("hex");
  const manifest = (subject: string, includes: { uri: string; body: string }[]) =>
    JSON.stringify({ DownloadManifest: { Subject: subject, Includes: includes.map((i) => ({ Name: i.uri.split("/").pop(), URI: i.uri, Size: String(i.body.length), Checksum: md5(i.body) })) } });
  const objects = [
    { key: "rel/a1/data/x.txt", body: "x" },
    { key: "rel/a1/.xdlm/a1_3T_A.json", body: manifest("a1", [{ uri: "a1/data/x.txt", body: "x" }]) },
    { key: "rel/b2/data/x.txt", body: "y" },
    { key: "rel/c3/data/x.txt", body: "z" },
    { key: "rel/c3/.xdlm/c3_3T_A.json", body: manifest("c3", [{ uri: "c3/data/x.txt", body: "z" }]) },
    { key: "rel/c3/.xdlm/c3_3T_B.json", body: manifest("c3", [{ uri: "c3/data/x.txt", body: "zz" }]) },
    { key: "rel/d4/data/x.txt", body: "w" },
    { key: "rel/d4/.xdlm/d4_3T_A.json", body: manifest("d4", [{ uri: "d4/../../escape.txt", body: "w" }]) },
  ];
  return { name: "odd", objects: objects.map((o) => ({ key: o.key, body: Buffer.from(o.body), lastModified: when })).sort((a, b) => (a.key < b.key ? -1 : 1)) };
}
