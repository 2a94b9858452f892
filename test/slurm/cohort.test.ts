import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../helpers/capture-io";
import { assertExactlyThePlan } from "../helpers/plan-files";
import { skipUnlessSlurm, startSlurm, type SlurmCluster } from "../helpers/slurm";
import { fromPlanJson, type DownloadPlan } from "../../lib/cohort/plan-format";
import { shardFiles } from "../../lib/cohort/shards";
import { demoBuckets, startS3Demo, type S3DemoInfo } from "../../demo/src/s3/index";
import { Q1_LABELS } from "../../demo/src/xnat/facts";
import type { RunningService } from "../../demo/src/types";
import { faultProxy } from "../s3/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const MOTION = "MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt";
/** The task of this shard stalls on its first file until it is killed. */
const STALLED_SHARD = 2;
const STALL_AFTER = 4_000;

const cli = (argv: string[]) => runCli(argv);

/**
 * Issue 15's cluster test: `neuroportal s3 slurm` writes the job array of a plan, a real
 * single-node Slurm runs it against the demo bucket (through a proxy that stalls one task's first
 * transfer), that task is killed and requeued, and the union of the shards must be the plan's
 * files byte for byte.
 */
describe("slurm: a cohort's download plan as a job array (issue 15)", function () {
  this.timeout(300_000);
  let cluster: SlurmCluster | undefined;
  let s3: RunningService<S3DemoInfo> | undefined;
  let proxy: Awaited<ReturnType<typeof faultProxy>> | undefined;
  let work = "";
  let plan: DownloadPlan;
  let stalledKey = "";
  const saved: Record<string, string | undefined> = {};
  const ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "NEUROPORTAL_S3_ENDPOINT", "NEUROPORTAL_DEMO_FILE"];
  const jobEnv = () => ({ AWS_ACCESS_KEY_ID: s3!.info.accessKeyId, AWS_SECRET_ACCESS_KEY: s3!.info.secretAccessKey, NEUROPORTAL_DEMO_FILE: "/nonexistent/neuroportal-demo.json" });

  before(async function () {
    skipUnlessSlurm(this);
    assert.ok(fs.existsSync(path.join(ROOT, "dist", "cli", "main.js")), "dist/ is missing: the job runs bin/neuroportal.js; run `npm run build` first");
    for (const name of ENV) saved[name] = process.env[name];
    for (const name of ENV) delete process.env[name];
    s3 = await startS3Demo({ layout: "q1" });
    Object.assign(process.env, jobEnv());
    cluster = await startSlurm({ timeoutMs: 30_000 });
    work = path.join(cluster.dir, "work", "cohort");
    fs.mkdirSync(work, { recursive: true });

    const made = await cli(["s3", "plan", "s3://hcp.aws.amazon.com/q1/", "--subjects", Q1_LABELS.slice(0, 26).join(","), "--include", MOTION, "--out", path.join(work, "plan.json"), "--endpoint", s3.info.endpoint]);
    assert.equal(made.code, 0, made.stderr);
    plan = fromPlanJson(fs.readFileSync(path.join(work, "plan.json"), "utf8"));
    stalledKey = shardFiles(plan, { index: STALLED_SHARD, count: 4 })[0].key;
    proxy = await faultProxy(s3.info.endpoint, [{ match: (p) => p.endsWith(stalledKey), stallAfter: STALL_AFTER }]);
  });
  after(async () => {
    await cluster?.stop();
    await proxy?.close();
    await s3?.close();
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("runs every shard as an array task; a task killed mid-transfer and requeued resumes, and the union is the plan byte for byte", async () => {
    const c = cluster!;
    const data = path.join(work, "data");
    const script = path.join(work, "job.sbatch");
    const written = await cli(["s3", "slurm", "--plan", path.join(work, "plan.json"), "--shards", "4", "--out", script, "--dir", data, "--endpoint", proxy!.url, "--concurrency", "4", "--job-name", "np-cohort"]);
    assert.equal(written.code, 0, written.stderr);
    const text = fs.readFileSync(script, "utf8");
    assert.ok(!text.includes(s3!.info.secretAccessKey) && !text.includes(s3!.info.accessKeyId), "no credential in the script");

    const job = await c.sbatch(script, { env: jobEnv() });
    const part = path.join(data, `${stalledKey}.part`);
    await c.waitFor(`${job}_${STALLED_SHARD}`, (tasks) => tasks[0]?.state === "RUNNING" && (fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0) >= STALL_AFTER, 60_000, "the stalled task RUNNING with a part file");

    await c.cancel(`${job}_${STALLED_SHARD}`, "KILL");
    const [killed] = await c.waitForJob(`${job}_${STALLED_SHARD}`, 30_000);
    assert.equal(killed.state, "CANCELLED");
    assert.ok(!fs.existsSync(path.join(data, stalledKey)), "no copy under the final name after the kill");
    assert.equal(fs.statSync(part).size, STALL_AFTER, "the part file keeps what arrived");

    await c.requeue(`${job}_${STALLED_SHARD}`);
    const tasks = await c.waitForJob(job, 120_000);
    assert.deepEqual(
      tasks.map((t) => [t.arrayTaskId, t.state, t.exitCode, t.restarts]).sort(),
      [0, 1, 2, 3].map((i) => [String(i), "COMPLETED", 0, i === STALLED_SHARD ? 1 : 0]),
      c.logs(),
    );

    assertExactlyThePlan(data, plan);
    const [q1] = demoBuckets("q1");
    for (const file of plan.files) assert.ok(fs.readFileSync(path.join(data, file.key)).equals(q1.objects.find((o) => o.key === file.key)!.body), `${file.key} is byte-identical to the bucket's object`);
    const ranges = proxy!.requests.filter((r) => r.path.endsWith(stalledKey)).map((r) => r.range);
    assert.deepEqual(ranges, [undefined, `bytes=${STALL_AFTER}-`], "the requeued task resumed the part file with a range request");

    const log = fs.readFileSync(path.join(work, "logs", `np-cohort-${job}_${STALLED_SHARD}.out`), "utf8");
    assert.match(log, /shard 2\/4, job \d+_2, run 1,[\s\S]*CANCELLED[\s\S]*shard 2\/4, job \d+_2, run 2,/);
    const rerun = /shard 2\/4: \d+ subjects, (\d+) files: (\d+) downloaded, (\d+) resumed, (\d+) skipped \(already verified\), 0 failed/.exec(log);
    assert.ok(rerun, log);
    const [files, downloaded, resumed, skipped] = rerun.slice(1).map(Number);
    assert.ok(resumed >= 1 && resumed <= 4, `the stalled file and at most the other transfers in flight at the kill (--concurrency 4) are resumed: ${log}`);
    assert.equal(downloaded + resumed + skipped, files, "the rerun accounts for every file of the shard: what the killed run finished is skipped, its part files resumed");
    for (const i of [0, 1, 3]) assert.match(fs.readFileSync(path.join(work, "logs", `np-cohort-${job}_${i}.out`), "utf8"), new RegExp(`shard ${i}/4: \\d+ subjects, \\d+ files: \\d+ downloaded, 0 resumed, 0 skipped \\(already verified\\), 0 failed`));
  });

  it("the whole array submitted again finds every file verified and changes nothing", async () => {
    const c = cluster!;
    const data = path.join(work, "data");
    const before = new Map(plan.files.map((f) => [f.key, fs.statSync(path.join(data, f.key)).mtimeMs]));
    const job = await c.sbatch(path.join(work, "job.sbatch"), { env: jobEnv() });
    const tasks = await c.waitForJob(job, 120_000);
    assert.ok(tasks.every((t) => t.state === "COMPLETED" && t.exitCode === 0), c.logs());
    let skipped = 0;
    for (const i of [0, 1, 2, 3]) {
      const log = fs.readFileSync(path.join(work, "logs", `np-cohort-${job}_${i}.out`), "utf8");
      const match = /: 0 downloaded, 0 resumed, (\d+) skipped \(already verified\), 0 failed; 0 bytes received/.exec(log);
      assert.ok(match, log);
      skipped += Number(match[1]);
    }
    assert.equal(skipped, plan.files.length);
    assertExactlyThePlan(data, plan);
    for (const file of plan.files) assert.equal(fs.statSync(path.join(data, file.key)).mtimeMs, before.get(file.key), file.key);
  });
});
