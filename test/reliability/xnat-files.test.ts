import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as xnat from "../../lib/xnat/index.js";
import { isNeuroportalError } from "../../lib/errors.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { withFaults, XNAT_FILE_GET, XNAT_LOGIN_PATHS, type FaultSpec, type FaultyListener } from "../../demo/src/faults/index.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");
const keyOf = (file: xnat.XnatFile) => (file.scan ? `scans/${file.scan}/${file.resource}/${file.path}` : `resources/${file.resource}/${file.path}`);

/** A fault mode on the demo ConnectomeDB's file downloads, and what a session download must end with. */
interface Scenario {
  name: string;
  spec: FaultSpec;
  options?: xnat.FileDownloadOptions;
  /** The download cannot succeed: every file fails with this code, nothing under a final name. */
  failsWith?: string;
  /** A file may also end failed with this code (a copy damaged on both of its tries), with nothing under its name. */
  tolerates?: string;
}

const FILES_ONLY = { onlyPaths: XNAT_FILE_GET, exceptPaths: XNAT_LOGIN_PATHS };

const SCENARIOS: Scenario[] = [
  { name: "30 % of file bodies dropped", spec: { seed: 3, dropRate: 0.3, ...FILES_ONLY } },
  { name: "30 % of file bodies truncated (Content-Length kept)", spec: { seed: 4, truncateRate: 0.3, ...FILES_ONLY } },
  { name: "30 % of file bodies stalled", spec: { seed: 5, stallRate: 0.3, ...FILES_ONLY }, options: { idleTimeoutMs: 300 } },
  { name: "30 % of files corrupted (one byte flipped, headers kept): fetched again, or failed typed when damaged twice", spec: { seed: 6, corruptRate: 0.3, ...FILES_ONLY }, tolerates: "E_INTEGRITY" },
  { name: "30 % of file requests answered 503 with Retry-After", spec: { seed: 7, errorRate: 0.3, errorStatuses: [503], retryAfterSeconds: 0, ...FILES_ONLY } },
  { name: "the session expiring every 5 requests (401)", spec: { seed: 8, sessionExpiry: { requests: 5 } } },
  { name: "the session expiring every 5 requests (XNAT's login page with 200)", spec: { seed: 9, sessionExpiry: { requests: 5, response: "login-page" } } },
  { name: "a 10 % mix on every request, listings included, and the session expiring every 7", spec: { seed: 10, errorRate: 0.04, dropRate: 0.03, truncateRate: 0.03, exceptPaths: XNAT_LOGIN_PATHS, sessionExpiry: { requests: 7 } } },
  { name: "every zip truncated: its files come one by one", spec: { seed: 11, truncateRate: 1, onlyPaths: /format=zip/ }, options: { zip: "always", retries: 1 } },
  { name: "every file body dropped", spec: { seed: 12, dropRate: 1, ...FILES_ONLY }, options: { retries: 1, zip: "never" }, failsWith: "E_NETWORK" },
  { name: "every file corrupted", spec: { seed: 13, corruptRate: 1, ...FILES_ONLY }, options: { zip: "never" }, failsWith: "E_INTEGRITY" },
];

describe("reliability: XNAT file downloads under faults end in correct files or typed errors", function () {
  this.timeout(180_000);
  let demo: XnatDemo;
  let layer: FaultyListener;
  let temp: ReturnType<typeof tempDir>;
  let reference: xnat.XnatFile[];

  before(async () => {
    const clean = await startXnatDemo();
    const cdb = await xnat.connect(clean.info.url, { user: clean.info.user, password: clean.info.password });
    reference = await cdb.project("HCP_Q1").subject("100307").experiment("100307_3T").fileList();
    await cdb.close();
    await clean.close();
  });
  beforeEach(() => (temp = tempDir("np-xnat-faults-")));
  afterEach(async () => {
    await demo?.close();
    temp.remove();
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      demo = await startXnatDemo({ wrapHandler: (handler) => (layer = withFaults(handler, scenario.spec)) });
      const cdb = await xnat.connect(demo.info.url, { user: demo.info.user, password: demo.info.password, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
      try {
        const experiment = cdb.project("HCP_Q1").subject("100307").experiment("100307_3T");
        const summary = await experiment.download(temp.dir, { concurrency: 4, ...scenario.options });
        const injected = layer.stats();
        assert.ok(injected.faulted > 0 || injected.injected.expired > 0, `faults were injected: ${JSON.stringify(injected)}`);
        if (scenario.failsWith) {
          assert.equal(summary.ok, false);
          assert.equal(summary.failed, reference.length);
          for (const failure of summary.failures) assert.ok(isNeuroportalError(failure.error) && failure.error.code === scenario.failsWith, `${failure.key}: ${failure.error}`);
          assert.ok(filesUnder(temp.dir).every((name) => /\.part(\.json)?$/.test(name)), `only part files: ${filesUnder(temp.dir).join(", ")}`);
          return;
        }
        const failed = new Set(summary.failures.map((failure) => failure.key));
        for (const failure of summary.failures) assert.ok(scenario.tolerates && isNeuroportalError(failure.error) && failure.error.code === scenario.tolerates, `${failure.key}: ${failure.error.message}`);
        assert.ok(failed.size < reference.length / 4, `most files arrive: ${failed.size} failed`);
        for (const file of reference.filter((f) => !failed.has(keyOf(f)))) assert.equal(md5(path.join(temp.dir, keyOf(file))), file.digest, keyOf(file));
        assert.deepEqual(filesUnder(temp.dir), reference.map(keyOf).filter((key) => !failed.has(key)).sort(), "nothing else left behind, nothing under a failed file's name");
        if (scenario.spec.sessionExpiry) assert.ok(cdb.sessionStats().logins > 1, "the session was renewed mid-download");
      } finally {
        await cdb.close().catch(() => undefined);
      }
    });
  }
});
