import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { startS3Demo, Q1_BUCKET, type S3DemoInfo } from "../../demo/src/s3/index.js";
import type { RunningService } from "../../demo/src/types.js";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";
import { XNAT_LOGIN_PATHS } from "../../demo/src/faults/index.js";
import { isUnsafePathError } from "../../lib/errors.js";
import { HttpError, isHttpError, isNetworkError, isTimeoutError, isUnexpectedContentError, UnexpectedContentError } from "../../lib/http/errors.js";
import { readZip, isZipFormatError } from "../../lib/zip/index.js";
import { createZip } from "../../demo/src/zip.js";
import { tamperProxy } from "../helpers/proxies.js";
import { filesUnder, tempDir } from "../helpers/files.js";
import { isLocalWriteError } from "../../lib/files/local-write.js";
import { toBucketOptions } from "../../lib/s3/options.js";

const MOTOR = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/";
const NEO = ["SUBJECT_ID", "NEO_NEOFAC_A"].map((f) => `nt:scores/${f}`);
const IN_Q1 = ["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"];
const FAST = { retries: 2, baseDelayMs: 1, maxDelayMs: 5, statuses: [500, 502, 503] };
const EXPERIMENT_XML = (_method: string, url: string) => /\/experiments\/100307_NonToolbox(\?|$)/.test(url);
const GRID_ZIP = (_method: string, url: string) => /grid_data\/download\/69855739/.test(url);

/** Runs the limited-write child under `ulimit -f <kb>`: writes beyond that size fail with EFBIG, as on a full disk. */
function runWithFileSizeLimit(kb: number, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ok: boolean; error?: { code?: string; typed: boolean }; failed?: number; downloaded?: number; failures?: { key: string; code?: string; typed: boolean }[] }> {
  const child = path.join(__dirname, "fixtures", "limited-write-child.ts");
  const command = `ulimit -f ${kb}; exec "$0" --require tsx/cjs "$@"`;
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", command, process.execPath, child, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`the child printed no result: ${error ?? ""} ${stderr}`));
      }
    });
  });
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<nt:NTScores xmlns:nt="http://nrg.wustl.edu/nt" ID="x"><nt:ER40><nt:ER40_CR>&lol9;</nt:ER40_CR></nt:ER40></nt:NTScores>`;

describe("reliability: the catalogue of bad inputs (each with its typed error, against the demo services)", function () {
  let xnatDemo: XnatDemo;
  let allenDemo: RunningService<{ url: string }>;
  let s3Demo: RunningService<S3DemoInfo>;
  let cdb: xnat.XnatConnection;
  let api: string;
  let q1: s3.Bucket;
  const proxies: LoopbackServer[] = [];
  const dirs: string[] = [];
  const login = () => ({ user: xnatDemo.info.user, password: xnatDemo.info.password });
  const dir = () => {
    const made = tempDir("np-catalogue-").dir;
    dirs.push(made);
    return made;
  };
  const proxy = async (...args: Parameters<typeof tamperProxy>) => {
    const started = await tamperProxy(...args);
    proxies.push(started);
    return started;
  };

  before(async () => {
    [xnatDemo, allenDemo, s3Demo] = await Promise.all([startXnatDemo(), startAllenDemo(), startS3Demo({ layout: "q1" })]);
    cdb = await xnat.connect(xnatDemo.info.url, login());
    api = allenDemo.info.url;
    q1 = s3.fromServices({ s3: s3Demo.info }, Q1_BUCKET);
  });
  after(async () => {
    q1?.close();
    await cdb?.close();
    await Promise.all([xnatDemo?.close(), allenDemo?.close(), s3Demo?.close()]);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    for (const made of dirs.splice(0)) fs.rmSync(made, { recursive: true, force: true });
  });

  describe("ConnectomeDB (XNAT)", () => {
    it("C01 wrong password → AuthenticationError, the password nowhere in the error", async () => {
      const wrong = "Wrong-Passw0rd-4711";
      const error = await xnat.connect(xnatDemo.info.url, { user: xnatDemo.info.user, password: wrong }).catch((e) => e);
      assert.ok(xnat.isAuthenticationError(error), String(error));
      assert.ok(!`${error.message} ${error.hint} ${error.stack}`.includes(wrong));
    });

    it("C02 unknown host → NetworkError saying the host cannot be resolved (TimeoutError where the resolver hangs)", async () => {
      const error = await xnat.connect("https://no-such-host.invalid/", { ...login(), timeoutMs: 5000 }).catch((e) => e);
      const slowResolver = isTimeoutError(error);
      assert.ok((isNetworkError(error) && /cannot resolve the host/.test(error.message)) || slowResolver, String(error));
    });

    it("C03 nothing listening at the address → NetworkError asking whether the server runs", async () => {
      const closed = await listenLoopback(() => undefined);
      await closed.close();
      const error = await xnat.connect(closed.url, login()).catch((e) => e);
      assert.ok(isNetworkError(error), String(error));
      assert.match(error.message, /nothing is listening/);
    });

    it("C04 unknown project → NotFoundError naming it", async () => {
      await assert.rejects(cdb.project("HCP_Q9").subjects(), (e: unknown) => xnat.isNotFoundError(e) && /HCP_Q9/.test(e.message));
    });

    it("C05 unknown subject → NotFoundError naming it", async () => {
      await assert.rejects(cdb.project("HCP_Q1").subject("000000").experiments(), (e: unknown) => xnat.isNotFoundError(e) && /000000/.test(e.message));
    });

    it("C06 unknown experiment → NotFoundError naming it", async () => {
      await assert.rejects(cdb.project("HCP_Q1").subject("100307").experiment("100307_NoSuchThing").xml(), (e: unknown) => xnat.isNotFoundError(e) && /100307_NoSuchThing/.test(e.message));
    });

    it("C07 unknown search field → UnknownFieldError with a suggestion, from the server's own answer (the column left out), one search", async () => {
      xnatDemo.resetStats();
      await assert.rejects(cdb.select("nt:scores", ["nt:scores/SUBJECT_ID", "nt:scores/NEO_NEOFAC_X"]).where([IN_Q1]), (e: unknown) => {
        assert.ok(xnat.isUnknownFieldError(e));
        assert.equal(e.reason, "dropped-column");
        assert.match(e.message, /did you mean/);
        return true;
      });
      assert.equal(xnatDemo.stats().searches, 1);
    });

    it("C08 unknown data type (XNAT answers 400) → UnknownDataTypeError, nothing searched", async () => {
      xnatDemo.resetStats();
      await assert.rejects(cdb.select("nt:nonsense", ["SUBJECT_ID"]).where([["nt:nonsense/PROJECTS", "LIKE", "%"]]), (e: unknown) => xnat.isUnknownDataTypeError(e) && e.status === 400);
      assert.equal(xnatDemo.stats().searches, 0);
    });

    it("C09 unknown operator → UnknownOperatorError listing the known ones, nothing searched", async () => {
      xnatDemo.resetStats();
      await assert.rejects(cdb.select("nt:scores", NEO).where([["nt:scores/NEO_NEOFAC_A", "=>", "40"]]), (e: unknown) => xnat.isUnknownOperatorError(e) && /LIKE/.test(e.message));
      assert.equal(xnatDemo.stats().searches, 0);
    });

    it("C10 malformed constraint nesting → ConstraintError saying where", async () => {
      await assert.rejects(cdb.select("nt:scores", NEO).where([IN_Q1, [["nt:scores/NEO_NEOFAC_A", ">"], "OR"], "AND"]), (e: unknown) => xnat.isConstraintError(e) && /constraints\[1\]/.test(e.message));
      await assert.rejects(cdb.select("nt:scores", NEO).where([IN_Q1, "XOR"] as never), xnat.isConstraintError);
    });

    it("C11 a word where a number is compared → ConstraintError before searching", async () => {
      await assert.rejects(cdb.select("nt:scores", NEO).where([["nt:scores/NEO_NEOFAC_A", ">", "forty"]]), (e: unknown) => xnat.isConstraintError(e) && /not a number/.test(e.message));
    });

    it("C12 XML-special characters in a value are escaped: the search still means what it says", async () => {
      const injected = await cdb.select("nt:scores", NEO).where([["nt:scores/SUBJECT_ID", "=", `x</xdat:value></xdat:criteria><xdat:criteria override_value_formatting="0"><xdat:schema_field>nt:scores.SUBJECT_ID</xdat:schema_field><xdat:comparison_type>LIKE</xdat:comparison_type><xdat:value>%`]]);
      assert.equal(injected.length, 0, "the value matched literally, no criterion was injected");
      const quoted = await cdb.select("nt:scores", NEO).where([["nt:scores/SUBJECT_ID", "=", `ConnectomeDB_S00230' OR '1'='1 & "<>"`]]);
      assert.equal(quoted.length, 0);
      const plain = await cdb.select("nt:scores", NEO).where([["nt:scores/SUBJECT_ID", "=", "ConnectomeDB_S00230"]]);
      assert.equal(plain.length, 1, "the same search without the specials finds the subject");
    });

    it("C13 an experiment document with DOCTYPE/entities (billion laughs) → UnsafeXmlError, nothing expanded", async () => {
      const tampered = await proxy(xnatDemo.info.url, [{ match: EXPERIMENT_XML, rewrite: () => ({ body: Buffer.from(BILLION_LAUGHS) }) }]);
      const conn = await xnat.connect(tampered.url, login());
      const started = Date.now();
      await assert.rejects(conn.project("HCP_Q1").subject("100307").experiment("100307_NonToolbox").xpath("nt:ER40/nt:ER40_CR"), xnat.isUnsafeXmlError);
      assert.ok(Date.now() - started < 2000);
      await conn.close();
    });

    it("C14 a body that is not XML where the experiment XML was expected → XmlFormatError", async () => {
      const tampered = await proxy(xnatDemo.info.url, [{ match: EXPERIMENT_XML, rewrite: ({ body }) => ({ body: body.subarray(0, Math.floor(body.length / 2)) }) }]);
      const conn = await xnat.connect(tampered.url, login());
      await assert.rejects(conn.project("HCP_Q1").subject("100307").experiment("100307_NonToolbox").xml(), xnat.isXmlFormatError);
      await conn.close();
    });

    it("C15 an HTML maintenance page (status 200) where JSON was expected → UnexpectedContentError after one re-login", async () => {
      const maintenance = await proxy(xnatDemo.info.url, [], { maintenanceRate: 1, exceptPaths: XNAT_LOGIN_PATHS });
      const conn = await xnat.connect(maintenance.url, login());
      await assert.rejects(conn.projects(), (e: unknown) => isUnexpectedContentError(e) && (e as UnexpectedContentError).received === "html" && /received an HTML page/.test((e as UnexpectedContentError).message));
      assert.ok(conn.sessionStats().logins <= 2, "no login loop");
      await conn.close().catch(() => undefined);
    });

    it("C16 sessions expiring every 3 requests during the tutorial walk → complete, correct results, re-logins counted", async () => {
      const expiring = await proxy(xnatDemo.info.url, [], { sessionExpiry: { requests: 3 } });
      const conn = await xnat.connect(expiring.url, login());
      const q1p = conn.project("HCP_Q1");
      const subjects = await q1p.subjects();
      assert.equal(subjects.shape[0], 76);
      for (const label of ["100307", "103515", "103818", "111312"]) {
        const experiments = await q1p.subject(label).experiments();
        assert.deepEqual(experiments.column("label").values, [`${label}_3T`, `${label}_SubjMeta`, `${label}_NonToolbox`]);
      }
      assert.deepEqual(await q1p.subject("100307").experiment("100307_NonToolbox").xpath("nt:ER40/nt:ER40_CR"), ["39"]);
      const search = await conn.select("nt:scores", NEO).where([IN_Q1]);
      assert.equal(search.length, 76);
      assert.ok(expiring.faults!.stats().injected.expired > 0);
      await conn.close();
    });

    it("C17 credentials over plain http to a host that is not this machine → InsecureConnectionError unless allowed", async () => {
      await assert.rejects(xnat.connect("http://connectomedb.example.invalid/", login()), xnat.isInsecureConnectionError);
      const allowed = await xnat.connect("http://connectomedb.example.invalid/", { ...login(), allowInsecure: true, timeoutMs: 2000 }).catch((e) => e);
      assert.ok(!xnat.isInsecureConnectionError(allowed) && (isNetworkError(allowed) || isTimeoutError(allowed)), String(allowed));
    });

    it("C18 no credentials anywhere → MissingCredentialsError, never a prompt", async () => {
      await assert.rejects(xnat.connect(xnatDemo.info.url, { env: {}, netrcFile: path.join(dir(), "no-netrc") }), xnat.isMissingCredentialsError);
    });

    it("C19 using a connection after close() → SessionClosedError", async () => {
      const conn = await xnat.connect(xnatDemo.info.url, login());
      await conn.close();
      await assert.rejects(conn.projects(), xnat.isSessionClosedError);
    });
  });

  describe("Allen Brain Atlas API", () => {
    it("C20 unknown model (success:false) → RmaError carrying the server's message and the URL", async () => {
      const url = `${api}api/v2/data/NoSuchModel/query.json?criteria=[id$eq1]`;
      await assert.rejects(allen.query(url), (e: unknown) => allen.isRmaError(e) && /NoSuchModel/.test(e.serverMessage) && e.url!.startsWith(url));
    });

    it("C21 criteria with an unknown operator (success:false) → RmaError", async () => {
      await assert.rejects(allen.query(`${api}api/v2/data/Structure/query.json?criteria=[id$zz1]`), allen.isRmaError);
    });

    it("C22 an empty page before total_rows → paging ends there, the rows that arrived are returned and the shortfall is a warning (no endless loop)", async () => {
      const emptyLater = await proxy(api, [{
        match: (_m, url) => /query\.json/.test(url) && /(start_row|startRow)=([1-9]\d*)/.test(url),
        rewrite: ({ body }) => {
          const envelope = JSON.parse(body.toString());
          return { body: Buffer.from(JSON.stringify({ ...envelope, msg: [], num_rows: 0 })) };
        },
      }]);
      const url = `${emptyLater.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;
      const warnings: allen.PagingWarning[] = [];
      const rows = await allen.query(url, { numRows: 100, onWarning: (w) => warnings.push(w) });
      assert.equal(rows.length, 100);
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0].kind === "total-rows-unmet" && warnings[0].received === 100 && warnings[0].claimedTotal! > 100);
      assert.ok([...emptyLater.counts.values()][0] <= 10, "a bounded number of requests");
    });

    it("C23 unknown grid data set → HttpError 404, nothing written", async () => {
      const out = dir();
      await assert.rejects(allen.downloadGridFile(12345, out, { api }), (e: unknown) => isHttpError(e) && (e as HttpError).status === 404);
      assert.deepEqual(filesUnder(out), []);
    });

    it("C24 an HTML maintenance page where JSON was expected → UnexpectedContentError naming the page", async () => {
      const maintenance = await proxy(api, [], { maintenanceRate: 1 });
      await assert.rejects(allen.query(`${maintenance.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`), (e: unknown) => isUnexpectedContentError(e) && /an HTML page/.test(e.message));
    });

    it("C25 a zip entry escaping the folder (zip slip) → UnsafePathError, nothing written inside or outside", async () => {
      const slip = await proxy(api, [{ match: GRID_ZIP, rewrite: ({ body }) => ({ body: createZip([...readZip(body).map((entry) => ({ name: entry.name, data: entry.read() })), { name: "../escaped.txt", data: Buffer.from("x") }]) }) }]);
      const parent = dir();
      const out = path.join(parent, "out");
      await assert.rejects(allen.downloadGridFile(69855739, out, { api: slip.url, members: "all" }), isUnsafePathError);
      assert.deepEqual(filesUnder(parent), []);
    });

    it("C26 a corrupt zip (cut short, served complete) → ZipFormatError after a fresh download, nothing written", async () => {
      const corrupt = await proxy(api, [{ match: GRID_ZIP, rewrite: ({ body }) => ({ body: body.subarray(0, body.length - 200) }) }]);
      const out = dir();
      await assert.rejects(allen.downloadGridFile(69855739, out, { api: corrupt.url, http: { retry: FAST } }), isZipFormatError);
      assert.ok([...corrupt.counts.values()][0] >= 2, "the damaged archive was fetched again");
      assert.deepEqual(filesUnder(out), []);
    });

    it("C27 an MHD header whose data file has the wrong size → VolumeSizeError, nothing written", async () => {
      const short = await proxy(api, [{
        match: GRID_ZIP,
        rewrite: ({ body }) => ({ body: createZip(readZip(body).map((entry) => ({ name: entry.name, data: entry.name.endsWith(".raw") ? entry.read().subarray(4) : entry.read() }))) }),
      }]);
      const out = dir();
      await assert.rejects(allen.downloadGridFile(69855739, out, { api: short.url, http: { retry: FAST } }), allen.isVolumeSizeError);
      assert.deepEqual(filesUnder(out), []);
    });

    it("C28 an MHD header whose data file is missing → MetaImageError naming it", async () => {
      const out = dir();
      const [mhd, raw] = await allen.downloadGridFile(69855739, out, { api });
      fs.rmSync(raw);
      await assert.rejects(allen.readVolume(mhd), (e: unknown) => allen.isMetaImageError(e) && /energy\.raw/.test(e.message));
    });

    it("C29 an MHD header without DimSize → MetaImageError", async () => {
      const out = dir();
      const [mhd] = await allen.downloadGridFile(69855739, out, { api });
      fs.writeFileSync(mhd, fs.readFileSync(mhd, "latin1").replace(/^DimSize.*$/m, ""));
      await assert.rejects(allen.readVolume(mhd), (e: unknown) => allen.isMetaImageError(e) && /DimSize/.test(e.message));
    });

    it("C30 a body cut short on every attempt (Content-Length kept) → NetworkError; an older file keeps its content", async () => {
      const cut = await proxy(api, [], { truncateRate: 1, onlyPaths: /grid_data/ });
      const out = dir();
      fs.writeFileSync(path.join(out, "energy.mhd"), "older header");
      await assert.rejects(allen.downloadGridFile(69855739, out, { api: cut.url, http: { retry: FAST } }), isNetworkError);
      assert.deepEqual(filesUnder(out), ["energy.mhd"]);
      assert.equal(fs.readFileSync(path.join(out, "energy.mhd"), "utf8"), "older header");
      assert.equal(cut.faults!.stats().injected.truncate, 3);
    });

    it("C31 a persistent 503 with Retry-After → HttpError 503 after the bounded retries", async () => {
      const busy = await proxy(api, [], { errorRate: 1, errorStatuses: [503], retryAfterSeconds: 0 });
      await assert.rejects(allen.query(`${busy.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`, { http: { retry: FAST } }), (e: unknown) => isHttpError(e) && (e as HttpError).status === 503);
      assert.equal(busy.faults!.stats().injected.error, 3);
    });

    it("C32 Allen paging and grid download complete with correct results at 10% injected faults", async () => {
      const expected = await allen.query(`${api}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`, { numRows: 50 });
      const reference = dir();
      await allen.downloadGridFile(69855739, reference, { api });
      const flaky = await proxy(api, [], { seed: 9, errorRate: 0.04, dropRate: 0.03, truncateRate: 0.03, retryAfterSeconds: 0 });
      const rows = await allen.query(`${flaky.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`, { numRows: 50, http: { retry: { ...FAST, retries: 6 } } });
      assert.deepEqual(rows, expected);
      const out = dir();
      for (let i = 0; i < 5; i++) {
        await allen.downloadGridFile(69855739, out, { api: flaky.url, http: { retry: { ...FAST, retries: 6 } } });
        for (const name of ["energy.mhd", "energy.raw"]) assert.ok(fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(reference, name))));
      }
      assert.ok(flaky.faults!.stats().faulted > 0);
    });
  });

  describe("HCP on S3 (s3rver)", () => {
    it("C33 a key with '..' → UnsafePathError before any request, nothing written", async () => {
      const parent = dir();
      const out = path.join(parent, "a", "b");
      await assert.rejects(q1.download(["q1/../../outside.txt"], out), (e: unknown) => isUnsafePathError(e) && e.path === "q1/../../outside.txt");
      assert.deepEqual(filesUnder(parent), []);
    });

    it("C34 an absolute key → UnsafePathError", async () => {
      await assert.rejects(q1.download(["/etc/passwd"], dir()), isUnsafePathError);
    });

    it("C35 an unknown key → S3 not-found error naming the key", async () => {
      await assert.rejects(q1.getText("q1/100307/no-such-file.txt"), (e: unknown) => s3.isS3NotFoundError(e) && /no-such-file/.test((e as Error).message));
    });

    it("C36 an unknown bucket → S3 not-found error", async () => {
      const missing = s3.bucket("no-such-bucket", toBucketOptions(s3Demo.info));
      await assert.rejects(missing.entries("q1/"), s3.isS3NotFoundError);
      missing.close();
    });

    it("C37 a wrong secret key → S3 access error that does not contain the secret", async () => {
      const secret = "WrongSecretKey0123456789abcdefXYZ";
      const wrong = s3.bucket(Q1_BUCKET, { ...toBucketOptions(s3Demo.info), credentials: { accessKeyId: s3Demo.info.accessKeyId, secretAccessKey: secret } });
      const error = await wrong.entries("q1/").catch((e) => e);
      wrong.close();
      assert.ok(s3.isS3AccessError(error), String(error));
      assert.ok(!`${error.message} ${error.hint}`.includes(secret));
    });

    it("C38 an object corrupted on every transfer → the file fails MD5 (E_INTEGRITY) and nothing sits under its name", async () => {
      const corrupting = await proxy(s3Demo.info.endpoint, [], { corruptRate: 1, corruptPaths: /EVs\/lf\.txt(\?|$)/ });
      const through = s3.bucket(Q1_BUCKET, { ...toBucketOptions(s3Demo.info), endpoint: corrupting.url });
      const out = dir();
      const key = `${MOTOR}EVs/lf.txt`;
      const summary = await through.download([key], out, { retries: 2 });
      through.close();
      assert.equal(summary.failed, 1);
      assert.equal((summary.failures[0].error as { code?: string }).code, "E_INTEGRITY");
      assert.ok(!fs.existsSync(path.join(out, key)));
    });

    it("C39 the task-folder download at 10% injected faults ends byte-identical to the manifest MD5s", async () => {
      const manifest = (await q1.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR));
      const flaky = await proxy(s3Demo.info.endpoint, [], { seed: 4, errorRate: 0.04, dropRate: 0.03, truncateRate: 0.03, retryAfterSeconds: 0 });
      const through = s3.bucket(Q1_BUCKET, { ...toBucketOptions(s3Demo.info), endpoint: flaky.url, maxAttempts: 6 });
      const out = dir();
      const summary = await through.download(MOTOR, out, { concurrency: 4, retries: 6 });
      through.close();
      assert.equal(summary.failed, 0, summary.failures.map((f) => `${f.key}: ${f.error.message}`).join("; "));
      for (const entry of manifest) {
        assert.equal(createHash("md5").update(fs.readFileSync(path.join(out, entry.key))).digest("hex"), entry.checksum, entry.key);
      }
      assert.deepEqual(filesUnder(out), manifest.map((entry) => entry.key).sort(), "no partial files or sidecars left");
      assert.ok(flaky.faults!.stats().faulted > 0);
    });
  });

  describe("local files", () => {
    it("C40 an unwritable target folder (a file in its place) → LocalWriteError before the download, nothing written (Allen)", async () => {
      const parent = dir();
      fs.writeFileSync(path.join(parent, "blocker"), "a file where the folder should be");
      const counting = await proxy(api, [{ match: () => true, rewrite: () => ({}) }]);
      const error = await allen.downloadGridFile(69855739, path.join(parent, "blocker", "out"), { api: counting.url }).catch((e) => e);
      assert.ok(isLocalWriteError(error), String(error));
      assert.match(error.message, /blocker/);
      assert.ok(error.hint);
      assert.equal([...counting.counts.values()].reduce((a, b) => a + b, 0), 0, "no request made");
      assert.deepEqual(filesUnder(parent), ["blocker"]);
    });

    it("C41 an unwritable target folder → S3 download raises LocalWriteError before any request, writes nothing", async () => {
      const parent = dir();
      fs.writeFileSync(path.join(parent, "blocker"), "a file where the folder should be");
      const error = await q1.download([`${MOTOR}EVs/lf.txt`], path.join(parent, "blocker")).catch((e) => e);
      assert.ok(isLocalWriteError(error), String(error));
      assert.equal(error.code, "E_LOCAL_WRITE");
      assert.deepEqual(filesUnder(parent), ["blocker"]);
    });

    it("C42 a full disk (writes fail part-way) during the Allen download → LocalWriteError, nothing half-written", async () => {
      const out = dir();
      const result = await runWithFileSizeLimit(64, ["allen", api, out]);
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, "E_LOCAL_WRITE", JSON.stringify(result));
      assert.ok(result.error?.typed);
      assert.deepEqual(filesUnder(out), [], "no final name and no temporary file left");
    });

    it("C43 a full disk during the S3 task-folder download → big files fail with LocalWriteError, every file under a final name is complete", async () => {
      const manifest = (await q1.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(MOTOR));
      const out = dir();
      const result = await runWithFileSizeLimit(64, ["s3", Q1_BUCKET, MOTOR, out], { NEUROPORTAL_TEST_S3: JSON.stringify(s3Demo.info) });
      const big = manifest.filter((entry) => entry.size > 64 * 1024);
      assert.ok(big.length > 0);
      assert.equal(result.failed, big.length, JSON.stringify(result));
      for (const failure of result.failures ?? []) assert.equal(failure.code, "E_LOCAL_WRITE", JSON.stringify(failure));
      const byKey = new Map(manifest.map((entry) => [entry.key, entry]));
      for (const file of filesUnder(out)) {
        const entry = byKey.get(file);
        if (!entry) {
          assert.ok(!byKey.has(file) && big.some((b) => file.startsWith(b.key)), `${file} is a partial file kept for resuming, never under a final name`);
          continue;
        }
        assert.equal(createHash("md5").update(fs.readFileSync(path.join(out, file))).digest("hex"), entry.checksum, file);
      }
      for (const entry of big) assert.ok(!fs.existsSync(path.join(out, entry.key)), entry.key);
    });
  });
});
