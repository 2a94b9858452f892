/**
 * Adversarial suite, class "unchecked options": every numeric and enum option of the public API
 * is checked at the entry (lib/core/validate.ts). A value out of range raises
 * InvalidArgumentError naming the option and the allowed range, before any request is sent and
 * before anything is written; never a download that "succeeds" with nothing, never a hang.
 */
import { strict as assert } from "node:assert";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isInvalidArgumentError, type InvalidArgumentError } from "../../lib/errors.js";
import { mapLimit, Slots } from "../../lib/core/pool.js";
import { fakeS3, FAKE_BUCKET, type FakeS3 } from "../helpers/fake-s3.js";
import { hostileServer, rejection, rmaEnvelope, scenario, type HostileServer } from "../helpers/hostile.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const OBJECTS = { "p/a.bin": Buffer.alloc(1000, 1), "p/b.bin": Buffer.alloc(2000, 2), "p/sub/c.bin": Buffer.alloc(300, 3) };

/** The error must be InvalidArgumentError naming `option` and the range in `allowed`. */
function assertNamed(error: unknown, option: string, allowed: RegExp): asserts error is InvalidArgumentError {
  assert.ok(isInvalidArgumentError(error), `expected InvalidArgumentError, got ${String(error)}`);
  assert.equal(error.code, "E_ARGUMENT");
  assert.match(error.message, new RegExp(`\\b${option}\\b`), error.message);
  assert.match(error.message, allowed, error.message);
}

describe("hostile: unchecked options are refused at the entry, before any request or write", () => {
  let bucketServer: FakeS3;
  let api: HostileServer;
  let xnatServer: HostileServer;
  const work = tempDir("np-hostile-options-");

  before(async () => {
    bucketServer = await fakeS3(OBJECTS);
    api = await hostileServer((_req, res) => res.end(rmaEnvelope([{ id: 1 }])));
    xnatServer = await hostileServer((_req, res) => res.end("0123456789ABCDEF0123456789ABCDEF"));
  });
  after(async () => {
    await Promise.all([bucketServer.close(), api.close(), xnatServer.close()]);
    work.remove();
  });
  afterEach(() => {
    bucketServer.hits.length = 0;
  });

  const handle = (options: s3.BucketOptions = {}) => s3.bucket(FAKE_BUCKET, { ...bucketServer.options, ...options });

  for (const concurrency of [NaN, 0, -1, 2.5, Infinity]) {
    scenario(`download with concurrency ${concurrency} raises InvalidArgumentError naming concurrency (1 to 256); no request, nothing written`, async () => {
      const target = `${work.dir}/c-${String(concurrency)}`;
      const error = await rejection(handle().download("p/", target, { concurrency }));
      assertNamed(error, "concurrency", /from 1 to 256/);
      assert.equal(bucketServer.hits.length, 0);
      assert.deepEqual(filesUnder(target), []);
    });
  }

  scenario("walk with concurrency NaN settles at once with InvalidArgumentError instead of never settling", async () => {
    const error = await rejection(handle().walkEntries("p/", { concurrency: NaN }));
    assertNamed(error, "concurrency", /from 1 to 256/);
    assert.equal(bucketServer.hits.length, 0);
  }, 3_000);

  scenario("the one pool primitive refuses NaN and 0 slots itself (defence in depth)", async () => {
    assert.throws(() => new Slots(NaN), isInvalidArgumentError);
    await assert.rejects(mapLimit([1, 2], 0, async (n) => n), isInvalidArgumentError);
    assert.deepEqual(await mapLimit([], 4, async (n) => n), []);
  });

  for (const [option, value, allowed] of [
    ["timeoutMs", NaN, /milliseconds from 1/],
    ["timeoutMs", -5, /milliseconds from 1/],
    ["idleTimeoutMs", Infinity, /milliseconds/],
    ["totalTimeoutMs", 0, /milliseconds from 1/],
    ["maxAttempts", 0, /from 1 to 100/],
    ["maxAttempts", 1.5, /from 1 to 100/],
  ] as const) {
    scenario(`s3.bucket with ${option}: ${value} raises InvalidArgumentError naming ${option}`, async () => {
      const error = await rejection(() => handle({ [option]: value }));
      assertNamed(error, option, allowed);
      assert.equal(bucketServer.hits.length, 0);
    });
  }

  scenario("a listing with pageSize 5000 (S3 allows 1 to 1000) is refused before the request", async () => {
    const error = await rejection(handle().entries("p/", { pageSize: 5000 }));
    assertNamed(error, "pageSize", /from 1 to 1000/);
    assert.equal(bucketServer.hits.length, 0);
  });

  scenario("download with retries 1e9 or a string timeout is refused, nothing written", async () => {
    const target = `${work.dir}/retries`;
    assertNamed(await rejection(handle().download("p/", target, { retries: 1e9 })), "retries", /from 0 to 100/);
    assertNamed(await rejection(handle().download("p/", target, { idleTimeoutMs: "60s" as unknown as number })), "idleTimeoutMs", /not a string|not "60s"/);
    assert.equal(bucketServer.hits.length, 0);
    assert.deepEqual(filesUnder(target), []);
  });

  scenario("a bucket retry policy with negative retries or NaN delays is refused naming `retry`", async () => {
    assertNamed(await rejection(() => handle({ retry: { baseDelayMs: NaN } })), "baseDelayMs", /retry/);
    assertNamed(await rejection(() => handle({ retry: { maxDelayMs: -1 } })), "maxDelayMs", /retry/);
  });

  scenario("allen query with paging \"sideways\" lists the allowed spellings; no page is requested", async () => {
    const before = api.hits.length;
    const error = await rejection(allen.query(`${api.url}api/v2/data/Structure/query.json`, { paging: "sideways" as allen.PagingStyle }));
    assertNamed(error, "paging", /"auto", "snake", "camel", "rma-options"/);
    assert.equal(api.hits.length, before);
  });

  for (const [option, value, allowed] of [
    ["numRows", NaN, /from 1 to 1000000/],
    ["numRows", 0, /from 1 to 1000000/],
    ["concurrency", 0, /from 1 to 32/],
    ["concurrency", 33, /from 1 to 32/],
  ] as const) {
    scenario(`allen query with ${option}: ${value} raises InvalidArgumentError naming ${option}; no page is requested`, async () => {
      const before = api.hits.length;
      const error = await rejection(allen.query(`${api.url}api/v2/data/Structure/query.json`, { [option]: value }));
      assertNamed(error, option, allowed);
      assert.equal(api.hits.length, before);
    });
  }

  scenario("allen query with http.retry.retries -1 or http.timeoutMs \"30s\" is refused naming the option", async () => {
    const before = api.hits.length;
    const url = `${api.url}api/v2/data/Structure/query.json`;
    assertNamed(await rejection(allen.query(url, { http: { retry: { retries: -1 } } })), "retries", /from 0 to 100/);
    assertNamed(await rejection(allen.query(url, { http: { timeoutMs: "30s" as unknown as number } })), "timeoutMs", /milliseconds/);
    assert.equal(api.hits.length, before);
  });

  scenario("allen grid download with a NaN timeout or a members string is refused; nothing written", async () => {
    const target = `${work.dir}/grid`;
    assertNamed(await rejection(allen.downloadGridFile(69855739, target, { api: api.url, http: { idleTimeoutMs: NaN } })), "idleTimeoutMs", /milliseconds/);
    assertNamed(await rejection(allen.downloadGridFile(69855739, target, { api: api.url, members: "energy.mhd" as unknown as string[] })), "members", /"all" or a list of strings/);
    assert.equal(api.hits.length, 0);
    assert.deepEqual(filesUnder(target), []);
  });

  scenario("xnat.connect with timeoutMs \"30s\" or retry.retries Infinity is refused before the login request", async () => {
    const url = xnatServer.url;
    assertNamed(await rejection(xnat.connect(url, { user: "u", password: "p4ss", timeoutMs: "30s" as unknown as number })), "timeoutMs", /milliseconds/);
    assertNamed(await rejection(xnat.connect(url, { user: "u", password: "p4ss", retry: { retries: Infinity } })), "retries", /from 0 to 100/);
    assertNamed(await rejection(xnat.connect(url, { user: "u", password: "p4ss", maxBodyBytes: -1 })), "maxBodyBytes", /bytes/);
    assert.equal(xnatServer.hits.length, 0);
  });

  scenario("experimentsTable with concurrency NaN is refused at once", async () => {
    const error = await rejection(xnat.experimentsTable([], { concurrency: NaN }));
    assertNamed(error, "concurrency", /from 1 to 64/);
  });

  for (const [option, value, allowed] of [
    ["concurrency", 0, /from 1 to 256/],
    ["concurrency", NaN, /from 1 to 256/],
    ["zip", "sometimes", /"auto", "always", "never"/],
    ["zipMinFiles", 0, /at least 1/],
    ["onBusy", "retry", /"wait", "fail"/],
    ["busyTimeoutMs", -1, /milliseconds from 0/],
    ["include", 42, /a string or a list of strings/],
    ["resources", "NIFTI", /a list of strings/],
  ] as const) {
    scenario(`an XNAT session or resource download with ${option}: ${String(value)} is refused before its file listing is asked for; nothing written`, async () => {
      const cdb = await xnat.connect(xnatServer.url, { user: "u", password: "p4ss" });
      try {
        const before = xnatServer.hits.length;
        const target = `${work.dir}/xnat-${option}`;
        const session = cdb.project("P").subject("S").experiment("E");
        assertNamed(await rejection(session.download(target, { [option]: value })), option, allowed);
        assertNamed(await rejection(session.scan("2").resource("NIFTI").download(target, { [option]: value })), option, allowed);
        assert.equal(xnatServer.hits.length, before, "no listing was requested");
        assert.deepEqual(filesUnder(target), []);
      } finally {
        await cdb.close().catch(() => undefined);
      }
    });
  }

  scenario("an XNAT download into \"\" or into 42 is refused naming the target folder, before any request", async () => {
    const cdb = await xnat.connect(xnatServer.url, { user: "u", password: "p4ss" });
    try {
      const before = xnatServer.hits.length;
      for (const dir of ["", 42]) {
        const error = await rejection(cdb.project("P").subject("S").experiment("E").download(dir as string));
        assert.ok(isInvalidArgumentError(error), String(error));
        assert.match((error as Error).message, /target folder must be a non-empty string/);
      }
      assert.equal(xnatServer.hits.length, before);
    } finally {
      await cdb.close().catch(() => undefined);
    }
  });

  scenario("an options argument that is not an object (a number) is refused, naming the call", async () => {
    const error = await rejection(handle().download("p/", `${work.dir}/n`, 8 as unknown as s3.DownloadOptions));
    assert.ok(isInvalidArgumentError(error));
    assert.match((error as Error).message, /download\(\): the options must be an object, not 8/);
  });
});
