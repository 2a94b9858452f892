import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { startS3Demo, Q1_BUCKET, type S3DemoInfo } from "../../demo/src/s3/index.js";
import type { RunningService } from "../../demo/src/types.js";
import { formatFaultStats, type FaultSpec, type FaultStats } from "../../demo/src/faults/index.js";
import { tamperProxy } from "../helpers/proxies.js";
import { toBucketOptions } from "../../lib/s3/options.js";

/** Seconds of load (default 20; NEUROPORTAL_SOAK_SECONDS up to 50 keeps the whole test under a minute). */
const SECONDS = Math.min(50, Number(process.env.NEUROPORTAL_SOAK_SECONDS ?? 20));
const MOTOR = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/EVs/";
const NEO = ["SUBJECT_ID", ..."AOCNE".split("").map((e) => `NEO_NEOFAC_${e}`)].map((f) => `nt:scores/${f}`);
const IN_Q1 = ["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"];
const STRUCTURES = "api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";
const RETRY = { retries: 6, baseDelayMs: 5, maxDelayMs: 100, statuses: [500, 502, 503] };
const FAULTS: FaultSpec = { seed: 77, errorRate: 0.03, errorStatuses: [502, 503], dropRate: 0.01, truncateRate: 0.01, slowMs: 50, slowRate: 0.02, retryAfterSeconds: 0 };

describe("reliability: soak (bounded, loopback only)", function () {
  this.timeout((SECONDS + 60) * 1000);
  let xnatDemo: XnatDemo;
  let allenDemo: RunningService<{ url: string }>;
  let s3Demo: RunningService<S3DemoInfo>;
  let scratch: string;

  before(async () => {
    [xnatDemo, allenDemo, s3Demo] = await Promise.all([startXnatDemo(), startAllenDemo(), startS3Demo({ layout: "q1" })]);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "np-soak-"));
  });
  after(async () => {
    await Promise.all([xnatDemo?.close(), allenDemo?.close(), s3Demo?.close()]);
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it(`runs concurrent searches and downloads through one session expiring every 2 s, with injected faults, for ${SECONDS} s: 0 failures`, async () => {
    const login = { user: xnatDemo.info.user, password: xnatDemo.info.password };
    const direct = await xnat.connect(xnatDemo.info.url, login);
    const expectedSearch = (await direct.select("nt:scores", NEO).where([IN_Q1])).items();
    const expectedXpath = await direct.project("HCP_Q1").subject("100307").experiment("100307_NonToolbox").xpath("nt:ER40/nt:ER40_CR");
    await direct.close();
    const expectedRows = await allen.query(`${allenDemo.info.url}${STRUCTURES}`, { numRows: 200 });
    const reference = path.join(scratch, "reference");
    await allen.downloadGridFile(69855739, reference, { api: allenDemo.info.url });
    const expectedRaw = createHash("md5").update(fs.readFileSync(path.join(reference, "energy.raw"))).digest("hex");
    const bucket = s3.fromServices({ s3: s3Demo.info }, Q1_BUCKET);
    const manifest = (await bucket.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR));
    bucket.close();

    const xnatProxy = await tamperProxy(xnatDemo.info.url, [], { ...FAULTS, sessionExpiry: { seconds: 2 } });
    const allenProxy = await tamperProxy(allenDemo.info.url, [], { ...FAULTS, seed: 78 });
    const s3Proxy = await tamperProxy(s3Demo.info.endpoint, [], { ...FAULTS, seed: 79 });
    const cdb = await xnat.connect(xnatProxy.url, login);
    const flakyBucket = s3.bucket(Q1_BUCKET, { ...toBucketOptions(s3Demo.info), endpoint: s3Proxy.url, maxAttempts: 6 });
    const done = { search: 0, xpath: 0, query: 0, grid: 0, s3: 0 };
    const failures: string[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const names = ["search", "xpath", "query", "grid", "s3"];
    const tasks: (() => Promise<void>)[] = [
      async () => {
        assert.deepEqual((await cdb.select("nt:scores", NEO).where([IN_Q1])).items(), expectedSearch);
        done.search++;
      },
      async () => {
        assert.deepEqual(await cdb.project("HCP_Q1").subject("100307").experiment("100307_NonToolbox").xpath("nt:ER40/nt:ER40_CR"), expectedXpath);
        done.xpath++;
      },
      async () => {
        assert.deepEqual(await allen.query(`${allenProxy.url}${STRUCTURES}`, { numRows: 200, http: { retry: RETRY } }), expectedRows);
        done.query++;
      },
      async () => {
        const out = fs.mkdtempSync(path.join(scratch, "grid-"));
        await allen.downloadGridFile(69855739, out, { api: allenProxy.url, http: { retry: RETRY } });
        assert.equal(createHash("md5").update(fs.readFileSync(path.join(out, "energy.raw"))).digest("hex"), expectedRaw);
        fs.rmSync(out, { recursive: true });
        done.grid++;
      },
      async () => {
        const out = fs.mkdtempSync(path.join(scratch, "s3-"));
        const summary = await flakyBucket.download(MOTOR, out, { concurrency: 4, retries: 6 });
        assert.equal(summary.failed, 0, summary.failures.map((f) => f.error.message).join("; "));
        for (const entry of manifest) assert.equal(createHash("md5").update(fs.readFileSync(path.join(out, entry.key))).digest("hex"), entry.checksum);
        fs.rmSync(out, { recursive: true });
        done.s3++;
      },
    ];
    const deadline = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let round = 0; Date.now() < deadline; round++) {
          const task = tasks[(worker + round) % tasks.length];
          await task().catch((error: Error) => failures.push(`${names[(worker + round) % tasks.length]}: ${error.name}: ${error.message}`));
        }
      }),
    );
    clearInterval(sampler);
    const session = cdb.sessionStats();
    await cdb.close().catch(() => undefined);
    flakyBucket.close();
    const stats: Record<string, FaultStats> = { xnat: xnatProxy.faults!.stats(), allen: allenProxy.faults!.stats(), s3: s3Proxy.faults!.stats() };
    await Promise.all([xnatProxy.close(), allenProxy.close(), s3Proxy.close()]);
    const requests = Object.values(stats).reduce((sum, s) => sum + s.requests, 0);
    const injected = Object.values(stats).reduce((sum, s) => sum + s.injected.error + s.injected.drop + s.injected.truncate, 0);
    console.log(`      soak ${SECONDS} s: ${requests} requests, ${session.logins - 1} re-logins, ${injected} injected failures retried, ${failures.length} failures, peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`);
    console.log(`      completed: ${JSON.stringify(done)}`);
    for (const [name, s] of Object.entries(stats)) console.log(`      ${name}: ${formatFaultStats(s)}`);
    assert.deepEqual(failures, []);
    assert.ok(session.logins > 1 && stats.xnat.injected.expired > 0, "the session expired and was renewed");
    assert.ok(Object.values(done).every((count) => count > 0), JSON.stringify(done));
    assert.ok(injected > 0);
  });
});
