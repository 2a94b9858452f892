import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { runCli } from "../helpers/capture-io";
import { useDemoBucketForCli } from "../helpers/cli-bucket";
import { tempDir } from "../helpers/files";
import { assertExactlyThePlan } from "../helpers/plan-files";
import { fromPlanJson } from "../../lib/cohort/plan-format";
import { Q1_LABELS } from "../../demo/src/xnat/facts";
import { faultProxy } from "../s3/fixtures";

const run = promisify(execFile);
const MOTION = "MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt";

const cli = (argv: string[]) => runCli(argv);

describe("cohort: neuroportal s3 plan / get --plan / slurm", function () {
  this.timeout(180_000);
  const bucket = useDemoBucketForCli({ layout: "q1" });
  let temp: ReturnType<typeof tempDir>;
  const planPath = () => path.join(temp.dir, "plan.json");
  const makeMotionPlan = async (subjects = Q1_LABELS.slice(0, 12).join(",")) => {
    const made = await cli(["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", subjects, "--include", MOTION, "--out", planPath()]);
    assert.equal(made.code, 0, made.stderr);
    return fromPlanJson(fs.readFileSync(planPath(), "utf8"));
  };

  beforeEach(() => (temp = tempDir("np-cohort-")));
  afterEach(() => temp.remove());

  it("plan: subjects from a file, missing ones on stderr and in the plan, the same bytes on a second run", async () => {
    const cohort = path.join(temp.dir, "cohort.txt");
    fs.writeFileSync(cohort, "# word-memory group, part\n111312\n230926   # not on S3\n114924, 235128\n");
    const first = await cli(["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", `@${cohort}`, "--include", MOTION, "--include", "T1w/T1w_acpc_dc_restore.nii.gz", "--out", planPath()]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /plan\.json: 2 of 4 subjects, 6 files, \d+ bytes \([\d.]+ MB\) from s3:\/\/hcp\.aws\.amazon\.com\/q1\/ \(sha256:[0-9a-f]{64}\)\n$/);
    assert.equal(
      first.stderr,
      "neuroportal s3 plan: 2 of 4 subjects have no file in the plan:\n  230926: no q1/230926/ folder in s3://hcp.aws.amazon.com\n  235128: no q1/235128/ folder in s3://hcp.aws.amazon.com\n",
    );
    const text = fs.readFileSync(planPath(), "utf8");
    const plan = fromPlanJson(text);
    assert.deepEqual(plan.missing.map((m) => m.subject), ["230926", "235128"]);
    assert.deepEqual(plan.include, [MOTION, "T1w/T1w_acpc_dc_restore.nii.gz"]);
    const second = await cli(["s3", "plan", "s3://hcp.aws.amazon.com/q1", "--subjects", "235128,114924,230926,111312", "--include", MOTION, "--include", "T1w/T1w_acpc_dc_restore.nii.gz", "--out", "-"]);
    assert.equal(second.stdout, text, "the same request in another order, to stdout, gives the same bytes");
  });

  it("plan: no file at all exits 1; bad arguments exit 2 with the usage", async () => {
    const none = await cli(["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "144428", "--include", MOTION, "--out", planPath()]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /the plan holds no file/);
    assert.equal(fromPlanJson(fs.readFileSync(planPath(), "utf8")).missing[0].reason, "no-prefix");
    for (const argv of [
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--include", MOTION, "--out", planPath()],
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "100307", "--out", planPath()],
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "100307", "--include", MOTION],
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "../x", "--include", MOTION, "--out", planPath()],
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "100307", "--include", "/abs/*", "--out", planPath()],
      ["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", "@/nonexistent/list", "--include", MOTION, "--out", planPath()],
    ]) {
      const result = await cli(argv);
      assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
    }
  });

  it("get --plan: every shard, in any order, in parallel and twice, gives exactly the plan's files, verified", async () => {
    const plan = await makeMotionPlan();
    const out = path.join(temp.dir, "data");
    const shard = (i: number, n: number) => cli(["s3", "get", "--plan", planPath(), out, "--shard", `${i}/${n}`, "--concurrency", "4"]);
    const parallel = await Promise.all([3, 1, 0, 2].map((i) => shard(i, 4)));
    for (const result of parallel) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^shard \d\/4: \d+ subjects, \d+ files: \d+ downloaded, 0 resumed, 0 skipped \(already verified\), 0 failed; \d+ bytes received\n$/);
    }
    const subjects = parallel.map((r) => Number(/: (\d+) subjects/.exec(r.stdout)![1]));
    assert.equal(subjects.reduce((a, b) => a + b, 0), plan.totals.subjects, "each subject in exactly one shard");
    assertExactlyThePlan(out, plan);
    const again = await Promise.all([0, 1, 2, 3].map((i) => shard(i, 4)));
    for (const result of again) assert.match(result.stdout, /: 0 downloaded, 0 resumed, \d+ skipped \(already verified\), 0 failed; 0 bytes received\n$/);
    const whole = await cli(["s3", "get", "--plan", planPath(), out]);
    assert.match(whole.stdout, new RegExp(`^plan: ${plan.totals.subjects} subjects, ${plan.files.length} files: 0 downloaded, 0 resumed, ${plan.files.length} skipped`));
    assertExactlyThePlan(out, plan);
    const empty = await cli(["s3", "get", "--plan", planPath(), out, "--shard", "20/24"]);
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /no subject falls in this shard/);
  });

  it("get --plan: a copy that differs from the plan's MD5 is refused (exit 1), a cut transfer resumes by range against the plan's MD5", async () => {
    const plan = await makeMotionPlan("100307,103515");
    const target = plan.files[0].key;
    const corrupt = await faultProxy(bucket.service.info.endpoint, [{ match: (p) => p.endsWith(target), corrupt: true, times: Infinity }]);
    try {
      const out = path.join(temp.dir, "corrupt");
      const result = await cli(["s3", "get", "--plan", planPath(), out, "--endpoint", corrupt.url]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /3 downloaded, 0 resumed, 0 skipped \(already verified\), 1 failed/);
      assert.match(result.stderr, new RegExp(`${target.replace(/[.*]/g, "\\$&")}: .*failed verification twice`));
      assert.ok(!fs.existsSync(path.join(out, target)), "no unverified copy under the final name");
    } finally {
      await corrupt.close();
    }
    const cut = await faultProxy(bucket.service.info.endpoint, [{ match: (p) => p.endsWith(target), cutAfter: 10_000 }]);
    try {
      const out = path.join(temp.dir, "cut");
      const result = await cli(["s3", "get", "--plan", planPath(), out, "--endpoint", cut.url]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /3 downloaded, 1 resumed, 0 skipped/);
      const ranges = cut.requests.filter((r) => r.path.endsWith(target)).map((r) => r.range);
      assert.deepEqual(ranges, [undefined, "bytes=10000-"]);
      assertExactlyThePlan(out, plan);
    } finally {
      await cut.close();
    }
  });

  it("get --plan: a damaged or edited plan is a usage error (exit 2) that names the file", async () => {
    await makeMotionPlan("100307");
    const doc = JSON.parse(fs.readFileSync(planPath(), "utf8"));
    doc.files[0].md5 = "0".repeat(32);
    fs.writeFileSync(planPath(), JSON.stringify(doc));
    const result = await cli(["s3", "get", "--plan", planPath(), path.join(temp.dir, "x")]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /plan\.json: the digest does not match the content/);
    assert.equal((await cli(["s3", "get", "--plan", planPath(), path.join(temp.dir, "x"), "--shard", "4/4"])).code, 2);
    assert.equal((await cli(["s3", "get", "--plan", path.join(temp.dir, "none.json"), path.join(temp.dir, "x")])).code, 2);
  });

  it("slurm: a job-array script with absolute paths, requeue-safe options, its log folder created, and no credential in it", async () => {
    await makeMotionPlan();
    const script = path.join(temp.dir, "jobs", "job.sbatch");
    fs.mkdirSync(path.dirname(script));
    const result = await cli(["s3", "slurm", "--plan", planPath(), "--shards", "4", "--out", script, "--dir", path.join(temp.dir, "data"), "--endpoint", bucket.service.info.endpoint, "--time", "01:00:00", "--max-parallel", "2", "--concurrency", "4"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /job\.sbatch: 4 array tasks \(shards 0-3\)[\s\S]*submit with: sbatch /);
    const text = fs.readFileSync(script, "utf8");
    assert.equal(fs.statSync(script).mode & 0o777, 0o755);
    assert.ok(fs.statSync(path.join(temp.dir, "jobs", "logs")).isDirectory(), "the --output folder exists before submission");
    const sbatchLines = text.split("\n").filter((line) => line.startsWith("#SBATCH"));
    assert.deepEqual(sbatchLines, [
      "#SBATCH --job-name=neuroportal-plan",
      "#SBATCH --array=0-3%2",
      `#SBATCH --output=${path.join(temp.dir, "jobs", "logs")}/%x-%A_%a.out`,
      "#SBATCH --open-mode=append",
      "#SBATCH --requeue",
      "#SBATCH --export=ALL",
      "#SBATCH --time=01:00:00",
    ]);
    const exec = text.split("\n").find((line) => line.startsWith("exec "))!;
    assert.equal(
      exec,
      `exec ${process.execPath} ${path.resolve(__dirname, "../../bin/neuroportal.js")} s3 get --plan ${planPath()} ${path.join(temp.dir, "data")} --shard "\${shard}/4" --concurrency 4 --endpoint ${bucket.service.info.endpoint}`,
    );
    assert.ok(path.isAbsolute(process.execPath));
    for (const secret of [bucket.service.info.secretAccessKey, bucket.service.info.accessKeyId]) assert.ok(!text.includes(secret), "no credential in the script");
    await run("bash", ["-n", script]);
    const noTask = await run("bash", [script]).catch((error: { code: number; stderr: string }) => error);
    assert.match((noTask as { stderr: string }).stderr, /submit this script with sbatch/);
  });

  it("slurm: refuses a missing plan, a bad shard count and credentials passed as sbatch options", async () => {
    await makeMotionPlan("100307");
    const base = ["s3", "slurm", "--plan", planPath(), "--out", path.join(temp.dir, "job.sbatch")];
    assert.equal((await cli([...base, "--shards", "0"])).code, 2);
    assert.equal((await cli([...base.slice(0, 2), "--plan", path.join(temp.dir, "none.json"), "--shards", "2", "--out", path.join(temp.dir, "job.sbatch")])).code, 2);
    const secret = await cli([...base, "--shards", "2", "--sbatch=--aws-secret-access-key=abc"]);
    assert.equal(secret.code, 2);
    assert.match(secret.stderr, /refusing to write/);
    assert.ok(!fs.existsSync(path.join(temp.dir, "job.sbatch")));
    const more = await cli([...base, "--shards", "5"]);
    assert.equal(more.code, 0);
    assert.match(more.stderr, /5 shards for 1 subjects: 4 tasks will have nothing to do/);
  });
});
