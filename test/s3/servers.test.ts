import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isInvalidArgumentError, isUnsafePathError } from "../../lib/errors";
import * as s3 from "../../lib/s3/index";
import { toBucketOptions } from "../../lib/s3/options.js";
import { EDGE_KEYS, EDGE_PREFIX } from "../../demo/src/s3/index";
import { S3_SERVER_KINDS, sharedS3Server, type S3TestServer } from "../helpers/s3-servers";
import { faultProxy, filesUnder, MOTOR_PREFIX, SEED_Q1_LISTING, tempDir } from "./fixtures";

const BUCKET = "hcp.aws.amazon.com";
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const md5 = (data: Buffer | string) => createHash("md5").update(data).digest("hex");
/** Keys no local file may stand for: an empty segment, `.`/`..` segments, control characters. */
const REFUSED = EDGE_KEYS.filter((key) => /\/\/|\/\.{1,2}\/|[\u0000-\u001f]/.test(key));

for (const kind of S3_SERVER_KINDS) {
  describe(`s3 against ${kind}: neuroportal agrees with boto3 on listings and bytes`, function () {
    this.timeout(120_000);
    let server: S3TestServer;
    let q1: s3.Bucket;
    let temp: ReturnType<typeof tempDir>;

    before(async function () {
      this.timeout(240_000); // the first suite to use moto starts and seeds it
      server = await sharedS3Server(kind);
      q1 = s3.fromServices({ s3: server.info }, BUCKET);
    });
    after(() => q1?.close());
    beforeEach(() => {
      temp = tempDir();
    });
    afterEach(() => temp.remove());

    const keysOf = (entries: { key: string }[]) => entries.map((entry) => entry.key);

    it("lists q1/ with a delimiter as the tutorial shows, and as boto3 lists it", async () => {
      const mine = await q1.entries("q1/", { delimiter: "/" });
      assert.deepEqual(keysOf(mine), SEED_Q1_LISTING);
      assert.deepEqual(keysOf(mine), keysOf(await server.boto3.list(BUCKET, "q1/", "/")));
    });

    it("lists every key of a subject (several pages) with the sizes and ETags boto3 sees", async () => {
      const reference = await server.boto3.list(BUCKET, "q1/100307/");
      for (const pageSize of [undefined, 97]) {
        const mine = await q1.entries("q1/100307/", { pageSize });
        assert.deepEqual(mine.map((e) => [e.key, e.size, e.etag]), reference.map((e) => [e.key, e.size, e.etag]), `pageSize ${pageSize}`);
      }
    });

    it("decodes edge-case keys (space, +, %, ', `, &, <, U+0001, tab, non-ASCII, //, ., ..) as stored, sorted by UTF-8 bytes, as boto3 does", async () => {
      const mine = keysOf(await q1.entries(EDGE_PREFIX));
      assert.deepEqual(mine, [...EDGE_KEYS].sort(byBytes));
      assert.deepEqual(mine, keysOf(await server.boto3.list(BUCKET, EDGE_PREFIX)));
      const folders = keysOf(await q1.entries(EDGE_PREFIX, { delimiter: "/" }));
      assert.deepEqual(folders, keysOf(await server.boto3.list(BUCKET, EDGE_PREFIX, "/")));
      assert.ok(folders.includes(`${EDGE_PREFIX}odd/`));
      const odd = keysOf(await q1.entries(`${EDGE_PREFIX}odd/`, { delimiter: "/" }));
      assert.deepEqual(odd, keysOf(await server.boto3.list(BUCKET, `${EDGE_PREFIX}odd/`, "/")));
      assert.deepEqual(odd, [`${EDGE_PREFIX}odd/../`, `${EDGE_PREFIX}odd/./`, `${EDGE_PREFIX}odd//`, `${EDGE_PREFIX}odd/double-slash.txt`]);
      assert.deepEqual(keysOf(await q1.walkEntries(EDGE_PREFIX)), mine, "the folder-by-folder walk finds the same keys (prefixes ending in //, ./ and ../ included)");
    });

    it("reads every edge-case key's own bytes (never another key's), byte-identical to boto3's", async () => {
      for (const key of EDGE_KEYS) {
        const text = await q1.getText(key);
        assert.ok(text.includes(JSON.stringify(key)), `${JSON.stringify(key)} read ${JSON.stringify(text)}`);
        assert.equal(md5(text), (await server.boto3.read(BUCKET, key)).md5, key);
        assert.equal((await q1.head(key)).size, Buffer.byteLength(text), key);
      }
    });

    it("through a user's fetch (which rewrites . and .. segments) refuses such keys instead of reading another key, and reads the rest", async () => {
      const viaFetch = s3.bucket(BUCKET, { ...toBucketOptions(server.info), fetch: globalThis.fetch });
      try {
        for (const key of EDGE_KEYS.filter((k) => /\/\.{1,2}\//.test(k))) {
          await assert.rejects(viaFetch.getText(key), (e: unknown) => isInvalidArgumentError(e) && e.message.includes(JSON.stringify(key)), key);
          await assert.rejects(viaFetch.head(key), isInvalidArgumentError, key);
        }
        for (const key of EDGE_KEYS.filter((k) => !/\/\.{1,2}\//.test(k))) assert.equal(md5(await viaFetch.getText(key)), (await server.boto3.read(BUCKET, key)).md5, key);
      } finally {
        viaFetch.close();
      }
    });

    it("downloads the task folder byte-identical to boto3's reads", async () => {
      const summary = await q1.download(MOTOR_PREFIX, temp.dir, { concurrency: 4 });
      assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
      const reference = await server.boto3.list(BUCKET, MOTOR_PREFIX);
      assert.deepEqual(filesUnder(temp.dir), keysOf(reference).sort());
      for (const entry of reference) assert.equal(md5(fs.readFileSync(path.join(temp.dir, entry.key))), (await server.boto3.read(BUCKET, entry.key)).md5, entry.key);
    });

    it("refuses edge-case keys no local file may stand for, naming each as failed, and never writes one key over another", async () => {
      const summary = await q1.download(EDGE_PREFIX, temp.dir);
      assert.deepEqual(summary.failures.map((f) => f.key).sort(byBytes), [...REFUSED].sort(byBytes));
      for (const failure of summary.failures) {
        assert.ok(isUnsafePathError(failure.error), String(failure.error));
        assert.equal(failure.error.path, failure.key);
        assert.ok(failure.error.message.includes(JSON.stringify(failure.key)), failure.error.message);
      }
      assert.equal(summary.downloaded, EDGE_KEYS.length - REFUSED.length);
      const twin = `${EDGE_PREFIX}odd/double-slash.txt`;
      assert.equal(fs.readFileSync(path.join(temp.dir, twin), "utf8"), await q1.getText(twin), "a//b did not overwrite a/b");
      assert.ok(filesUnder(temp.dir).every((file) => !/[\u0000-\u001f]/.test(file)));
      await assert.rejects(q1.download([`${EDGE_PREFIX}odd//double-slash.txt`], temp.dir), isUnsafePathError);
    });

    it("starts a file over when the object changed between two attempts (If-Match → 412): never old bytes spliced onto new ones", async () => {
      const key = `resume-test/${kind}/changing.bin`;
      const first = `${"a".repeat(200_000)}\n`;
      const second = `${"b".repeat(200_000)}\n`;
      await server.boto3.put(BUCKET, key, first);
      const proxy = await faultProxy(server.info.endpoint, [{ match: (p) => p.endsWith("/changing.bin"), cutAfter: 50_000 }]);
      const cut = s3.bucket(BUCKET, { ...toBucketOptions(server.info), endpoint: proxy.url, retry: { baseDelayMs: 1500, maxDelayMs: 1500, random: () => 1 } });
      let replaced: Promise<unknown> | undefined;
      try {
        const summary = await cut.download([key], temp.dir, { verify: false, onRetry: () => void (replaced ??= server.boto3.put(BUCKET, key, second)) });
        await replaced;
        assert.deepEqual([summary.downloaded, summary.resumed, summary.failed], [1, 0, 0], JSON.stringify(summary.failures));
        assert.equal(fs.readFileSync(path.join(temp.dir, key), "utf8"), second);
        const gets = proxy.requests.filter((r) => r.method === "GET" && r.path.endsWith("/changing.bin")).map((r) => r.range ?? "whole");
        assert.deepEqual(gets, ["whole", "bytes=50000-", "whole"], "cut, resumed with If-Match (412), started over");
      } finally {
        cut.close();
        await proxy.close();
      }
    });

    it("names a missing key and a missing bucket with typed not-found errors, as boto3 does", async () => {
      const missing = await q1.getText("q1/100307/no-such-file.txt").catch((e: unknown) => e);
      assert.ok(s3.isS3NotFoundError(missing) && missing.s3Code === "NoSuchKey", String(missing));
      await assert.rejects(server.boto3.read(BUCKET, "q1/100307/no-such-file.txt"), (e: { code?: string }) => e.code === "NoSuchKey");
      const none = s3.bucket("no-such-bucket", toBucketOptions(server.info));
      try {
        await assert.rejects(none.entries("x/"), (e: unknown) => s3.isS3NotFoundError(e) && e.s3Code === "NoSuchBucket");
      } finally {
        none.close();
      }
    });
  });
}
