import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isSlurmClusterError, skipUnlessSlurm, startSlurm, type SlurmCluster } from "../helpers/slurm";

/**
 * A shard job as issue 15's `neuroportal s3 slurm` will write it: each array task does its own shard,
 * writes its result under a temporary name and renames it, and skips a shard whose result is already
 * there, so a requeued task (killed, node failure, or requeued after it finished) ends with the same
 * files. `--open-mode=append` keeps the log of every run of a task; `stall-I` makes task I's first run
 * hang until it is killed.
 */
const SHARD_SCRIPT = `#!/bin/bash
#SBATCH --job-name=np-shards
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --open-mode=append
#SBATCH --requeue
set -euo pipefail
i=$SLURM_ARRAY_TASK_ID
n=$SLURM_ARRAY_TASK_COUNT
restart=\${SLURM_RESTART_COUNT:-0}
final=shards/shard-$i.txt
echo "start task=$i restart=$restart job=$SLURM_JOB_ID"
if [[ -e $final ]]; then echo "task $i restart $restart skipped" >> runs.log; exit 0; fi
echo "task $i restart $restart" >> runs.log
if [[ -e stall-$i && $restart == 0 ]]; then touch "running-$i"; sleep 300; fi
tmp=$(mktemp "$final.XXXXXX")
printf 'shard %s of %s (restart %s)\\n' "$i" "$n" "$restart" > "$tmp"
mv -f "$tmp" "$final"
echo "end task=$i"
`;

/** A work folder inside the cluster's folder with the shard script, its output folders and stall flags. */
function workDir(cluster: SlurmCluster, name: string, stall: number[] = []): string {
  const dir = path.join(cluster.dir, "work", name);
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  fs.mkdirSync(path.join(dir, "shards"));
  fs.writeFileSync(path.join(dir, "shards.sbatch"), SHARD_SCRIPT, { mode: 0o755 });
  stall.forEach((task) => fs.writeFileSync(path.join(dir, `stall-${task}`), ""));
  return dir;
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");
const runs = (dir: string) => read(dir, "runs.log").trim().split("\n").sort();
const isRunning = (pid: number) => fs.existsSync(`/proc/${pid}/stat`) && !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));

describe("slurm: a real single-node cluster on loopback (slurm-wlm, munge)", function () {
  this.timeout(120_000);
  let cluster: SlurmCluster | undefined;
  const live = () => cluster ?? assert.fail("the cluster did not start");

  before(async function () {
    skipUnlessSlurm(this);
    cluster = await startSlurm({ timeoutMs: 30_000 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it("starts idle on free loopback ports with the machine's CPUs, from a folder of its own", async () => {
    const c = live();
    assert.equal((await c.run("scontrol", ["ping"])).includes("is UP"), true);
    assert.equal((await c.run("sinfo", ["-h", "-o", "%T %c %N %P"])).trim(), `idle ${os.cpus().length} localhost debug*`);
    const config = fs.readFileSync(path.join(c.dir, "slurm.conf"), "utf8");
    assert.match(config, new RegExp(`^SlurmctldPort=${c.ports.slurmctld}$`, "m"));
    assert.match(config, /^SlurmctldHost=localhost\(127\.0\.0\.1\)$/m);
    assert.notEqual(c.ports.slurmctld, c.ports.slurmd);
    assert.ok(c.startupMs < 30_000);
  });

  it("runs a 4-task array whose tasks see their SLURM_ARRAY_TASK_ID; a killed and requeued task runs again and ends correct", async () => {
    const c = live();
    const work = workDir(c, "array", [2]);
    const job = await c.sbatch(path.join(work, "shards.sbatch"), { array: "0-3", chdir: work });
    await c.waitFor(`${job}_2`, (tasks) => tasks[0]?.state === "RUNNING" && fs.existsSync(path.join(work, "running-2")), 30_000, "RUNNING");

    await c.cancel(`${job}_2`, "KILL");
    const [killed] = await c.waitForJob(`${job}_2`, 30_000);
    assert.equal(killed.state, "CANCELLED");
    assert.equal(fs.existsSync(path.join(work, "shards", "shard-2.txt")), false);

    await c.requeue(`${job}_2`);
    const tasks = await c.waitForJob(job, 60_000);
    assert.deepEqual(
      tasks.map((t) => [t.id, t.state, t.exitCode, t.restarts]).sort(),
      [
        [`${job}_0`, "COMPLETED", 0, 0],
        [`${job}_1`, "COMPLETED", 0, 0],
        [`${job}_2`, "COMPLETED", 0, 1],
        [`${job}_3`, "COMPLETED", 0, 0],
      ],
    );
    assert.deepEqual(fs.readdirSync(path.join(work, "shards")).sort(), ["shard-0.txt", "shard-1.txt", "shard-2.txt", "shard-3.txt"]);
    for (const i of [0, 1, 3]) assert.equal(read(work, `shards/shard-${i}.txt`), `shard ${i} of 4 (restart 0)\n`);
    assert.equal(read(work, "shards/shard-2.txt"), "shard 2 of 4 (restart 1)\n");
    assert.deepEqual(runs(work), ["task 0 restart 0", "task 1 restart 0", "task 2 restart 0", "task 2 restart 1", "task 3 restart 0"]);
    const log = read(work, `logs/np-shards-${job}_2.out`);
    assert.match(log, /start task=2 restart=0[\s\S]*CANCELLED[\s\S]*start task=2 restart=1[\s\S]*end task=2/);
  });

  it("requeues a running task by itself when its node fails, and the node returns to service (ReturnToService=2)", async () => {
    const c = live();
    const work = workDir(c, "node-failure", [1]);
    const job = await c.sbatch(path.join(work, "shards.sbatch"), { array: "0-1", chdir: work });
    await c.waitFor(job, (tasks) => tasks.some((t) => t.id === `${job}_0` && t.state === "COMPLETED") && fs.existsSync(path.join(work, "running-1")), 30_000, "task 0 done, task 1 running");

    await c.failNode();
    const tasks = await c.waitForJob(job, 60_000);
    assert.deepEqual(tasks.map((t) => [t.id, t.state, t.restarts]).sort(), [
      [`${job}_0`, "COMPLETED", 0],
      [`${job}_1`, "COMPLETED", 1],
    ]);
    assert.equal(read(work, "shards/shard-1.txt"), "shard 1 of 2 (restart 1)\n");
    assert.equal((await c.run("sinfo", ["-h", "-o", "%T"])).trim(), "idle");
  });

  it("a task requeued after it finished finds its shard done and leaves it untouched", async () => {
    const c = live();
    const work = workDir(c, "rerun");
    const job = await c.sbatch(path.join(work, "shards.sbatch"), { array: "0-1", chdir: work });
    await c.waitForJob(job, 30_000);
    const before = fs.statSync(path.join(work, "shards", "shard-0.txt")).mtimeMs;

    await c.requeue(`${job}_0`);
    const tasks = await c.waitFor(job, (ts) => ts.every((t) => t.state === "COMPLETED") && ts.some((t) => t.restarts === 1), 60_000, "the rerun completed");
    assert.deepEqual(tasks.map((t) => [t.id, t.restarts]).sort(), [
      [`${job}_0`, 1],
      [`${job}_1`, 0],
    ]);
    assert.deepEqual(runs(work), ["task 0 restart 0", "task 0 restart 1 skipped", "task 1 restart 0"]);
    assert.equal(read(work, "shards/shard-0.txt"), "shard 0 of 2 (restart 0)\n");
    assert.equal(fs.statSync(path.join(work, "shards", "shard-0.txt")).mtimeMs, before);
  });

  it("stop ends the daemons and the jobs still running, and removes its folder", async () => {
    const c = live();
    const work = path.join(c.dir, "work", "stop");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, "forever.sbatch"), "#!/bin/bash\necho $$ > pid\nexec sleep 600\n");
    const job = await c.sbatch(path.join(work, "forever.sbatch"), { chdir: work });
    await c.waitFor(job, (tasks) => tasks[0]?.state === "RUNNING" && fs.existsSync(path.join(work, "pid")), 30_000, "RUNNING");
    const jobPid = Number(read(work, "pid"));
    assert.ok(isRunning(jobPid));

    await c.stop();
    for (const pid of [...Object.values(c.pids), jobPid]) assert.equal(isRunning(pid), false, `process ${pid} still running`);
    assert.equal(fs.existsSync(c.dir), false);
    await c.stop();
  });
});

describe("slurm: start-up failure", function () {
  this.timeout(60_000);

  it("rejects with a SlurmClusterError that carries the daemons' logs, and leaves nothing running", async function () {
    skipUnlessSlurm(this);
    const folders = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("neuroportal-slurm-"));
    const before = folders();
    await assert.rejects(startSlurm({ extraConfig: ["SelectType=select/none_such"] }), (error: unknown) => {
      assert.ok(isSlurmClusterError(error));
      assert.match(error.message, /slurmctld ended/);
      assert.match(error.logs, /--- slurmctld\.(log|out)[\s\S]*none_such/);
      return true;
    });
    assert.deepEqual(folders(), before);
  });
});
