import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isInvalidArgumentError, type NeuroportalError } from "../../lib/errors";
import { isNetworkError, isTimeoutError, isUnexpectedContentError } from "../../lib/http/errors";
import * as s3 from "../../lib/s3/index";
import { S3_SERVER_KINDS, sharedS3Server, type S3TestServer } from "../helpers/s3-servers";
import { faultProxy, filesUnder, MOTOR_PREFIX, tempDir, type Fault } from "./fixtures";
import { isLocalWriteError } from "../../lib/files/local-write.js";
import { toBucketOptions } from "../../lib/s3/options.js";

const BUCKET = "hcp.aws.amazon.com";
const EVS = `${MOTOR_PREFIX}EVs/`;
const MANIFEST = "/hcp.aws.amazon.com/q1/100307/.xdlm/100307_3T_tfMRI_MOTOR_preproc.json";
const LISTING = (p: string) => p === `/${BUCKET}` || p === `/${BUCKET}/`;
const md5 = (file: string) => createHash("md5").update(fs.readFileSync(file)).digest("hex");
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

for (const kind of S3_SERVER_KINDS) {
  describe(`s3 against ${kind}: reliability (listings, small reads, timeouts, errors, local writes)`, function () {
    this.timeout(60_000);
    let service: S3TestServer;
    let q1: s3.Bucket;
    let evs: s3.ManifestEntry[];
    let temp: ReturnType<typeof tempDir>;
    const opened: { close(): unknown }[] = [];

    /** A bucket behind a fault proxy; both are closed after the test. */
    async function through(faults: Fault[], options: s3.BucketOptions = {}) {
      const proxy = await faultProxy(service.info.endpoint, faults);
      const bucket = s3.bucket(BUCKET, { ...toBucketOptions(service.info), endpoint: proxy.url, retry: FAST, ...options });
      opened.push(proxy, bucket);
      return { proxy, bucket };
    }

    before(async function () {
      this.timeout(240_000); // the first suite to use moto starts and seeds it
      service = await sharedS3Server(kind);
      q1 = s3.fromServices({ s3: service.info }, BUCKET);
      evs = (await q1.manifestEntries("q1/100307/")).filter((entry) => entry.key.startsWith(EVS));
    });
    after(async () => {
      q1?.close();
      await service?.close();
    });
    beforeEach(() => {
      temp = tempDir();
    });
    afterEach(async () => {
      for (const item of opened.splice(0).reverse()) await item.close();
      temp.remove();
    });

    describe("a listing answered by an HTML page (status 200)", () => {
      it("is retried, and the listing that follows is read correctly", async () => {
        const { proxy, bucket } = await through([{ match: LISTING, htmlStatus: 200, times: 2 }]);
        const keys = (await bucket.entries(EVS)).map((entry) => entry.key);
        assert.deepEqual(keys, (await q1.entries(EVS)).map((entry) => entry.key));
        assert.ok(keys.length > 5);
        assert.equal(proxy.requests.filter((r) => LISTING(r.path)).length, 3);
      });

      it("raises UnexpectedContentError naming an HTML page when it persists: ls and download never report an empty folder", async () => {
        const { proxy, bucket } = await through([{ match: LISTING, htmlStatus: 200, times: Infinity }], { maxAttempts: 3 });
        const listed = await bucket.ls(EVS, { delimiter: "/" }).catch((e) => e);
        assert.ok(isUnexpectedContentError(listed), String(listed));
        assert.equal(listed.received, "html");
        assert.match(listed.message, /received an HTML page/);
        assert.match(listed.message, /s3:\/\/hcp\.aws\.amazon\.com\/q1\/100307\//);
        assert.ok(listed.hint);
        assert.equal(proxy.requests.length, 3, "retried up to maxAttempts");
        const downloaded = await bucket.download(EVS, temp.dir).catch((e) => e);
        assert.ok(isUnexpectedContentError(downloaded), String(downloaded));
        assert.deepEqual(filesUnder(temp.dir), []);
      });
    });

    describe("a folder download whose prefix holds no key", () => {
      it("fails with a not-found error naming the prefix, unless allowEmpty is passed", async () => {
        const error = await q1.download("q1/100307/NoSuchFolder/", temp.dir).catch((e) => e);
        assert.ok(s3.isS3NotFoundError(error), String(error));
        assert.match(error.message, /q1\/100307\/NoSuchFolder\//);
        assert.match(error.hint ?? "", /allowEmpty/);
        const summary = await q1.download("q1/100307/NoSuchFolder/", temp.dir, { allowEmpty: true });
        assert.equal(summary.ok, true);
        assert.equal(summary.files.length, 0);
      });
    });

    describe("manifests and other small reads", () => {
      it("fetch a manifest again after its body was cut, and the download completes", async () => {
        const { proxy, bucket } = await through([{ match: (p) => p === MANIFEST, cutAfter: 100, times: 2 }]);
        const summary = await bucket.download(EVS, temp.dir, { concurrency: 4 });
        assert.equal(summary.failed, 0, summary.failures.map((f) => f.error.message).join("; "));
        for (const entry of evs) assert.equal(md5(path.join(temp.dir, entry.key)), entry.checksum);
        assert.equal(proxy.requests.filter((r) => r.path === MANIFEST).length, 3);
      });

      it("fetch a manifest again when it arrives damaged (one byte flipped, headers kept), instead of failing on its content", async () => {
        const { proxy, bucket } = await through([{ match: (p) => p === MANIFEST, corrupt: true }]);
        const entries = await bucket.manifestEntries("q1/100307/");
        assert.deepEqual(entries, await q1.manifestEntries("q1/100307/"));
        assert.equal(proxy.requests.filter((r) => r.path === MANIFEST).length, 2);
      });

      it("raise a NetworkError naming the manifest when every read is dropped (never a raw 'aborted')", async () => {
        const { proxy, bucket } = await through([{ match: (p) => p === MANIFEST, cutAfter: 50, times: Infinity }], { maxAttempts: 3 });
        const error = await bucket.download(EVS, temp.dir).catch((e) => e);
        assert.ok(isNetworkError(error), String(error));
        assert.match(error.message, /s3:\/\/hcp\.aws\.amazon\.com\/q1\/100307\/\.xdlm\/100307_3T_tfMRI_MOTOR_preproc\.json/);
        assert.ok(error.hint);
        assert.ok(proxy.requests.filter((r) => r.path === MANIFEST).length >= 3);
        assert.deepEqual(filesUnder(temp.dir), []);
      });

      it("getText retries a stalled body and raises TimeoutError when it keeps stalling", async () => {
        const key = `${EVS}lf.txt`;
        const once = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), stallAfter: 10 }], { idleTimeoutMs: 200 });
        assert.equal(await once.bucket.getText(key), await q1.getText(key));
        const always = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), stallAfter: 10, times: Infinity }], { idleTimeoutMs: 150, maxAttempts: 2 });
        const started = Date.now();
        const error = await always.bucket.getText(key).catch((e) => e);
        assert.ok(isTimeoutError(error), String(error));
        assert.match(error.message, /lf\.txt/);
        assert.ok(Date.now() - started < 5000);
      });
    });

    describe("object downloads", () => {
      it("report files whose connection dropped on every attempt as NetworkError naming the key", async () => {
        const { bucket } = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), cutAfter: 5, times: Infinity }]);
        const summary = await bucket.download([`${EVS}lf.txt`], temp.dir, { retries: 1 });
        assert.equal(summary.failed, 1);
        const error = summary.failures[0].error as NeuroportalError;
        assert.ok(isNetworkError(error), `${error.name}: ${error.message}`);
        assert.match(error.message, /s3:\/\/hcp\.aws\.amazon\.com\/q1\/100307\/.*lf\.txt/);
        assert.ok(!fs.existsSync(path.join(temp.dir, `${EVS}lf.txt`)));
      });

      it("resume a body that stalls once (idle timeout) and end byte-identical", async () => {
        const physio = `${MOTOR_PREFIX}tfMRI_MOTOR_LR_Physio_log.txt`;
        const { proxy, bucket } = await through([{ match: (p) => p.endsWith("_Physio_log.txt"), stallAfter: 200_000 }], { idleTimeoutMs: 200 });
        const summary = await bucket.download([physio], temp.dir);
        assert.equal(summary.failed, 0, summary.failures.map((f) => f.error.message).join("; "));
        assert.equal(summary.resumed, 1);
        assert.ok(proxy.requests.some((r) => r.range === "bytes=200000-"), "resumed with a range request");
        assert.equal(md5(path.join(temp.dir, physio)), (await q1.manifestEntries("q1/100307/")).find((e) => e.key === physio)!.checksum);
      });

      it("pause between a file's attempts with the bucket's backoff, reported to onRetry, and stop the pause at once on abort", async () => {
        const events: { attempt: number; delayMs: number }[] = [];
        const { proxy, bucket } = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), htmlStatus: 503, times: Infinity }], {
          retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 },
          onRetry: (event) => events.push(event),
        });
        const controller = new AbortController();
        const reason = new Error("the user stopped the download");
        const started = Date.now();
        const stop = setInterval(() => events.length > 0 && controller.abort(reason), 10);
        const error = await bucket.download([`${EVS}lf.txt`], temp.dir, { signal: controller.signal }).catch((e) => e).finally(() => clearInterval(stop));
        assert.equal(error, reason);
        assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
        assert.deepEqual(events.map((e) => [e.attempt, e.delayMs]), [[1, 60_000]]);
        assert.equal(proxy.requests.filter((r) => r.path.endsWith("/EVs/lf.txt") && r.method === "GET").length, 1);
      });

      it("fail a file that stalls on every attempt with TimeoutError, in bounded time", async () => {
        const { bucket } = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), stallAfter: 5, times: Infinity }], { idleTimeoutMs: 150 });
        const started = Date.now();
        const summary = await bucket.download([`${EVS}lf.txt`], temp.dir, { retries: 1 });
        assert.equal(summary.failed, 1);
        assert.ok(isTimeoutError(summary.failures[0].error), String(summary.failures[0].error));
        assert.ok(Date.now() - started < 5000);
      });
    });

    describe("timeouts and service errors", () => {
      it("raises TimeoutError when the headers do not come within timeoutMs", async () => {
        const { server } = await import("node:http").then((http) => ({ server: http.createServer(() => undefined) }));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        opened.push({ close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) });
        const port = (server.address() as { port: number }).port;
        const silent = s3.bucket(BUCKET, { ...toBucketOptions(service.info), endpoint: `http://127.0.0.1:${port}/`, timeoutMs: 150, maxAttempts: 2 });
        opened.push(silent);
        const started = Date.now();
        const error = await silent.entries(EVS).catch((e) => e);
        assert.ok(isTimeoutError(error), String(error));
        assert.ok(Date.now() - started < 5000);
      });

      it("names a 503 without an S3 error document ServiceUnavailable, with a hint to try later", async () => {
        const { bucket } = await through([{ match: (p) => p.endsWith("/EVs/lf.txt"), htmlStatus: 503, times: Infinity, anyMethod: true }], { maxAttempts: 2 });
        const error = await bucket.head(`${EVS}lf.txt`).catch((e) => e);
        assert.ok(s3.isS3Error(error), String(error));
        assert.equal(error.status, 503);
        assert.match(error.message, /ServiceUnavailable \(HTTP 503\)/);
        assert.match(error.hint ?? "", /try again later/);
        const got = await bucket.getText(`${EVS}lf.txt`).catch((e) => e);
        assert.ok(s3.isS3Error(got) && /ServiceUnavailable/.test(got.message) && got.hint, String(got));
      });
    });

    describe("credentials over plain http", () => {
      it("are refused for a host that is not this machine unless allowInsecure is set", () => {
        const keys = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "not-a-real-secret-0123456789" };
        assert.throws(() => s3.bucket(BUCKET, { endpoint: "http://s3.example.org/", credentials: keys }), (e: unknown) => isInvalidArgumentError(e) && /allowInsecure/.test(`${(e as Error).message}`) && !(e as Error).message.includes(keys.secretAccessKey));
        assert.throws(() => s3.bucket(BUCKET, { endpoint: "http://s3.example.org/" }), isInvalidArgumentError, "the default credential chain is refused too");
        s3.bucket(BUCKET, { endpoint: "http://s3.example.org/", credentials: keys, allowInsecure: true }).close();
        s3.bucket(BUCKET, { endpoint: "http://s3.example.org/", anonymous: true }).close();
        s3.bucket(BUCKET, { endpoint: "https://s3.example.org/", credentials: keys }).close();
        s3.bucket(BUCKET, { endpoint: "http://127.0.0.1:9/", credentials: keys }).close();
      });
    });

    describe("local writes", () => {
      it("an unwritable target folder → LocalWriteError before any request, nothing written", async () => {
        const blocker = path.join(temp.dir, "blocker");
        fs.writeFileSync(blocker, "a file where the folder should be");
        const { proxy, bucket } = await through([]);
        const error = await bucket.download(EVS, path.join(blocker, "out")).catch((e) => e);
        assert.ok(isLocalWriteError(error), String(error));
        assert.equal(error.code, "E_LOCAL_WRITE");
        assert.match(error.message, /blocker/);
        assert.ok(error.hint);
        assert.equal(proxy.requests.length, 0, "no request made");
        assert.deepEqual(filesUnder(temp.dir), ["blocker"]);
      });

      it("a read-only target folder → LocalWriteError (EACCES) before any request", async function () {
        if (process.getuid?.() === 0) this.skip();
        const readOnly = path.join(temp.dir, "ro");
        fs.mkdirSync(readOnly, { mode: 0o555 });
        const { proxy, bucket } = await through([]);
        const error = await bucket.download([`${EVS}lf.txt`], readOnly).catch((e) => e);
        fs.chmodSync(readOnly, 0o755);
        assert.ok(isLocalWriteError(error) && error.osCode === "EACCES", String(error));
        assert.equal(proxy.requests.length, 0);
      });
    });
  });
}

