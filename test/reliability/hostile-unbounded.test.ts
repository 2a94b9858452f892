/**
 * Adversarial suite, class "unbounded work": every request has an overall deadline
 * (`totalTimeoutMs`, in the seam), bodies stop at their declared or listed size or at the
 * in-memory bound (`maxBodyBytes`, decompressed bytes), waits between retries are capped
 * whatever Retry-After says, redirects and paging are bounded. Each scenario asserts the typed
 * outcome and what is on disk.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isHttpError, isNetworkError, isResponseTooLargeError, isTimeoutError, isUnexpectedContentError, type TimeoutError } from "../../lib/http/errors.js";
import { isIntegrityError, isNeuroportalError } from "../../lib/errors.js";
import type { RetryEvent } from "../../lib/core/retry.js";
import { fakeS3, FAKE_BUCKET, listingXml, type FakeS3 } from "../helpers/fake-s3.js";
import { closedAfterEach, FAST_RETRY, flood, type HostileServer, hostileServer, md5, rejection, rmaEnvelope, scenario, trickle, xnatFileListing, xnatLikeServer } from "../helpers/hostile.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const QUERY = "api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";

/** A gzip body that decodes to `decodedBytes` zeros (about 1000 times smaller on the wire). */
function gzipBomb(decodedBytes: number): Buffer {
  return zlib.gzipSync(Buffer.alloc(decodedBytes), { level: 9 });
}

describe("hostile: unbounded work is cut — deadlines, size bounds, capped waits, bounded paging", () => {
  const work = tempDir("np-hostile-unbounded-");
  const track = closedAfterEach();
  after(() => work.remove());

  describe("deadlines: a body that trickles forever is cut by totalTimeoutMs", () => {
    scenario("an RMA answer trickling one byte every 100 ms is cut at its deadline on every attempt: TimeoutError (total), attempts and time in the message", async () => {
      const api = track(await hostileServer((_req, res) => trickle(res, Buffer.from(rmaEnvelope([{ id: 1, name: "x".repeat(5000) }])), 100, { "content-type": "application/json" })));
      const started = Date.now();
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { totalTimeoutMs: 800, retry: { retries: 1, baseDelayMs: 5 } } }));
      assert.ok(isTimeoutError(error), String(error));
      assert.equal((error as TimeoutError).phase, "total");
      assert.match((error as Error).message, /still not complete after 800 ms \(its deadline\).*gave up after 2 attempts in/);
      assert.equal(api.hits.length, 2);
      assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
    });

    scenario("an XNAT login answer trickling forever is cut by the session's totalTimeoutMs (TimeoutError, not a silent wait)", async () => {
      const server = track(await hostileServer((_req, res) => trickle(res, Buffer.alloc(100_000, 0x41), 100)));
      const error = await rejection(xnat.connect(server.url, { user: "u", password: "pw-trickle", totalTimeoutMs: 600, retry: { retries: 1, baseDelayMs: 5 } }));
      assert.ok(isTimeoutError(error) && error.phase === "total", String(error));
      assert.equal(server.hits.length, 2);
    });

    scenario("an S3 object trickling forever: the file fails with TimeoutError (total), nothing under its name, a resumable .part left", async () => {
      const body = Buffer.alloc(5000, 7);
      const bucketServer = track(
        await fakeS3({ "t/slow.bin": body }, {
          object: (key, req, res) => {
            if (req.method !== "GET") return false;
            trickle(res, body, 50, { "content-length": String(body.length), etag: `"${md5(body)}"` });
            return true;
          },
        }),
      );
      const target = path.join(work.dir, "trickle");
      const bucket = s3.bucket(FAKE_BUCKET, { ...bucketServer.options, totalTimeoutMs: 700 });
      try {
        const summary = await bucket.download("t/", target, { retries: 1 });
        assert.equal(summary.failed, 1);
        const failure = summary.failures[0].error;
        assert.ok(isTimeoutError(failure) && failure.phase === "total", String(failure));
        const files = filesUnder(target);
        assert.ok(!files.includes(path.join("t", "slow.bin")), files.join(","));
        assert.ok(files.includes(path.join("t", "slow.bin.part")), "the bytes that arrived stay resumable");
        assert.ok(fs.statSync(path.join(target, "t", "slow.bin.part")).size < body.length);
      } finally {
        bucket.close();
      }
    });

    scenario("a listing page that trickles forever (slowloris) fails with TimeoutError after maxAttempts, never hangs", async () => {
      const bucketServer = track(
        await fakeS3({}, {
          list: (query, _req, res) => {
            trickle(res, Buffer.from(listingXml(new Map([["x", Buffer.from("1")]]), query.get("prefix") ?? "", null) + " ".repeat(10_000)), 100, { "content-type": "application/xml" });
            return true;
          },
        }),
      );
      const bucket = s3.bucket(FAKE_BUCKET, { ...bucketServer.options, totalTimeoutMs: 600, maxAttempts: 2, retry: { baseDelayMs: 5 } });
      try {
        const error = await rejection(bucket.entries(""));
        assert.ok(isTimeoutError(error), String(error));
        assert.equal(bucketServer.hits.length, 2);
      } finally {
        bucket.close();
      }
    });
  });

  describe("size bounds: bodies stop at their declared or listed size", () => {
    for (const zip of ["never", "always"] as const) {
      scenario(`an XNAT file listed without a size (zip: ${zip}) fails typed (UnexpectedContentError) with no request for it and no zip asked for; its sibling comes exact`, async () => {
        const good = Buffer.alloc(1000, 3);
        const base = "/data/experiments/E1/scans/2/resources/NIFTI/files";
        const rows = [
          { Name: "t1.nii", Size: "", URI: `${base}/t1.nii`, collection: "NIFTI", cat_ID: "7", digest: md5("x"), file_format: "", file_content: "", file_tags: "" },
          { Name: "t2.nii", Size: "1000", URI: `${base}/t2.nii`, collection: "NIFTI", cat_ID: "7", digest: md5(good), file_format: "", file_content: "", file_tags: "" },
        ];
        const asked: string[] = [];
        const server = track(
          await xnatLikeServer((req, res) => {
            const url = req.url ?? "";
            if (url.includes("/files?format=json")) return void res.writeHead(200, { "content-type": "application/json" }).end(xnatFileListing(rows));
            asked.push(url);
            if (url.startsWith(`${base}/t2.nii`)) return void res.writeHead(200, { "content-length": "1000" }).end(good);
            void flood(res, 4 * 1024 * 1024, { "content-type": "application/zip" });
          }),
        );
        const cdb = await xnat.connect(server.url, { user: "u", password: "pw-nosize" });
        try {
          const target = path.join(work.dir, `xnat-nosize-${zip}`);
          const summary = await cdb.project("P").subject("S").experiment("E").scan("2").resource("NIFTI").download(target, { zip });
          assert.deepEqual(summary.failures.map((f) => f.key), ["t1.nii"]);
          assert.ok(isUnexpectedContentError(summary.failures[0].error), String(summary.failures[0].error));
          assert.match(summary.failures[0].error.message, /t1\.nii is listed with size NaN/);
          assert.deepEqual(asked, [`${base}/t2.nii`], "only the sized file was asked for: no zip a listed size cannot bound");
          assert.deepEqual(filesUnder(target), ["t2.nii"]);
          assert.ok(fs.readFileSync(path.join(target, "t2.nii")).equals(good));
        } finally {
          await cdb.close().catch(() => undefined);
        }
      });
    }

    scenario("an XNAT file streaming 4 MiB for a file listed at 1000 bytes is cut at 1000: IntegrityError after one more try, nothing on disk, little read", async () => {
      const listed = Buffer.alloc(1000, 6);
      const uri = "/data/experiments/E1/scans/2/resources/NIFTI/files/t1.nii";
      const row = { Name: "t1.nii", Size: "1000", URI: uri, collection: "NIFTI", cat_ID: "7", digest: md5(listed), file_format: "NIFTI", file_content: "", file_tags: "" };
      let gets = 0;
      const server = track(
        await xnatLikeServer((req, res) => {
          if ((req.url ?? "").includes("/files?")) return void res.writeHead(200, { "content-type": "application/json" }).end(xnatFileListing([row]));
          gets++;
          void flood(res, 4 * 1024 * 1024, { "content-type": "application/octet-stream" });
        }),
      );
      const cdb = await xnat.connect(server.url, { user: "u", password: "pw-long", retry: FAST_RETRY });
      try {
        const target = path.join(work.dir, "xnat-long");
        const summary = await cdb.project("P").subject("S").experiment("E").scan("2").resource("NIFTI").download(target, { zip: "never" });
        assert.equal(summary.failed, 1);
        assert.ok(isIntegrityError(summary.failures[0].error), String(summary.failures[0].error));
        assert.match(summary.failures[0].error.message, /sent more than the 1000 bytes expected/);
        assert.deepEqual(filesUnder(target), []);
        assert.equal(gets, 2);
      } finally {
        await cdb.close().catch(() => undefined);
      }
    });

    scenario("an S3 GET streaming 64 MiB for an object listed at 1000 bytes is cut at 1000: IntegrityError after one more try, nothing on disk, little read", async () => {
      const listed = Buffer.alloc(1000, 9);
      let sent = 0;
      const bucketServer = track(
        await fakeS3({ "big/file.bin": listed }, {
          object: (_key, req, res) => {
            if (req.method !== "GET") return false;
            void flood(res, 64 * 1024 * 1024, { etag: `"${md5(listed)}"` }).then((n) => (sent = n));
            return true;
          },
        }),
      );
      const target = path.join(work.dir, "oversize");
      const bucket = s3.bucket(FAKE_BUCKET, bucketServer.options);
      try {
        const summary = await bucket.download("big/", target);
        assert.equal(summary.failed, 1);
        assert.ok(isIntegrityError(summary.failures[0].error), String(summary.failures[0].error));
        assert.match(summary.failures[0].error.message, /sent more than the 1000 bytes expected/);
        assert.deepEqual(filesUnder(target), []);
        assert.equal(bucketServer.objectGets().length, 2, "fetched again once (the listing may be stale), then reported");
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.ok(sent < 16 * 1024 * 1024, `the server got to send ${sent} bytes`);
      } finally {
        bucket.close();
      }
    });

    scenario("a Content-Length that promises more than arrives (every attempt) fails the file with NetworkError; nothing under its name", async () => {
      const body = Buffer.alloc(4000, 5);
      const bucketServer = track(
        await fakeS3({ "cl/short.bin": body }, {
          object: (_key, req, res) => {
            if (req.method !== "GET") return false;
            res.writeHead(200, { "content-length": String(body.length), etag: `"${md5(body)}"` });
            res.write(body.subarray(0, 1500));
            setTimeout(() => res.destroy(), 20);
            return true;
          },
        }),
      );
      const target = path.join(work.dir, "cl-short");
      const bucket = s3.bucket(FAKE_BUCKET, { ...bucketServer.options, retry: { baseDelayMs: 2, maxDelayMs: 5 } });
      try {
        const summary = await bucket.download("cl/", target, { retries: 2 });
        assert.equal(summary.failed, 1);
        assert.ok(isNetworkError(summary.failures[0].error), String(summary.failures[0].error));
        assert.ok(!filesUnder(target).includes(path.join("cl", "short.bin")));
        assert.equal(bucketServer.objectGets().length, 3);
      } finally {
        bucket.close();
      }
    });

    scenario("a Content-Length that promises less than the JSON sent: the client reads what was promised and fails typed (never reads past it)", async () => {
      const api = track(
        await hostileServer((_req, res) => {
          const text = rmaEnvelope([{ id: 1 }, { id: 2 }]);
          res.writeHead(200, { "content-type": "application/json", "content-length": "20", connection: "close" });
          res.socket?.end(`${text}`);
        }),
      );
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: FAST_RETRY } }));
      assert.ok(isNeuroportalError(error), String(error));
    });

    scenario("a gzip bomb (64 MiB of zeros in 64 KB) as an RMA answer stops at maxBodyBytes: ResponseTooLargeError, memory stays flat", async () => {
      const bomb = gzipBomb(64 * 1024 * 1024);
      const api = track(await hostileServer((_req, res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bomb.length) }).end(bomb)));
      const heapBefore = process.memoryUsage().rss;
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { maxBodyBytes: 1024 * 1024, retry: FAST_RETRY } }));
      assert.ok(isResponseTooLargeError(error), String(error));
      assert.equal(error.limitBytes, 1024 * 1024);
      assert.equal(api.hits.length, 1, "a body too large is not retried");
      assert.ok(process.memoryUsage().rss - heapBefore < 48 * 1024 * 1024, "the bomb was not inflated in memory");
    });

    scenario("a gzip bomb as an XNAT listing stops at the session's maxBodyBytes with ResponseTooLargeError", async () => {
      const bomb = gzipBomb(32 * 1024 * 1024);
      const server = track(await xnatLikeServer((_req, res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(bomb)));
      const cdb = await xnat.connect(server.url, { user: "u", password: "pw-bomb", maxBodyBytes: 256 * 1024 });
      try {
        const error = await rejection(cdb.projects());
        assert.ok(isResponseTooLargeError(error), String(error));
      } finally {
        await cdb.close().catch(() => undefined);
      }
    });

    scenario("a declared Content-Length above maxBodyBytes is refused before reading the body", async () => {
      let written = 0;
      const api = track(
        await hostileServer((_req, res) => {
          void flood(res, 256 * 1024 * 1024, { "content-type": "application/json", "content-length": String(256 * 1024 * 1024) }).then((n) => (written = n));
        }),
      );
      const started = Date.now();
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { maxBodyBytes: 4096, retry: false } }));
      assert.ok(isResponseTooLargeError(error), String(error));
      assert.match((error as Error).message, /larger than the allowed size \(4096 bytes\)/);
      assert.ok(Date.now() - started < 1_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(written < 64 * 1024 * 1024, `the server got to send ${written} bytes of 256 MiB`);
    });

    scenario("response headers of 64 KiB are refused as NetworkError naming the headers; bounded attempts", async () => {
      const api = track(
        await hostileServer((_req, res) => {
          res.setHeader("x-padding", "a".repeat(64 * 1024));
          res.end(rmaEnvelope([]));
        }),
      );
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: FAST_RETRY } }));
      assert.ok(isNetworkError(error), String(error));
      assert.match((error as Error).message, /headers larger than this client accepts/);
      assert.ok(api.hits.length <= 3);
    });
  });

  describe("waits: Retry-After is capped and read against the server's clock", () => {
    const serve503 = (retryAfter: string, date?: string) =>
      hostileServer((_req, res) => {
        const headers: Record<string, string> = { "content-type": "text/plain", "retry-after": retryAfter };
        if (date) headers.date = date;
        res.writeHead(503, headers).end("busy");
      });

    scenario("Retry-After: 999999999 (31 years) waits at most maxDelayMs; HttpError 503 after the bounded retries", async () => {
      const api = track(await serve503("999999999"));
      const events: RetryEvent[] = [];
      const started = Date.now();
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 40 }, onRetry: (e) => events.push(e) } }));
      assert.ok(isHttpError(error) && error.status === 503, String(error));
      assert.deepEqual(events.map((e) => e.delayMs), [40, 40]);
      assert.match((error as Error).message, /gave up after 3 attempts/);
      assert.ok(Date.now() - started < 2_000);
    });

    for (const garbage of ["-5", "soon", "1e400", "Infinity"]) {
      scenario(`Retry-After: ${JSON.stringify(garbage)} is ignored: the normal jittered backoff applies`, async () => {
        const api = track(await serve503(garbage));
        const events: RetryEvent[] = [];
        const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 100, random: () => 1 }, onRetry: (e) => events.push(e) } }));
        assert.ok(isHttpError(error));
        assert.deepEqual(events.map((e) => e.delayMs), [10, 20]);
      });
    }

    scenario("a Retry-After date from a server whose clock is an hour behind is measured against its own Date header (2 s, not 0)", async () => {
      const serverNow = Date.now() - 3_600_000;
      const api = track(await serve503(new Date(serverNow + 2_000).toUTCString(), new Date(serverNow).toUTCString()));
      const events: RetryEvent[] = [];
      await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 5_000 }, onRetry: (e) => events.push(e) } }));
      assert.equal(events.length, 1);
      assert.ok(events[0].delayMs >= 1_000 && events[0].delayMs <= 3_000, `waited ${events[0].delayMs} ms`);
    }, 10_000);

    scenario("a redirect loop ends after 20 hops with a typed error, not an endless chase", async () => {
      const api = track(await hostileServer((req, res) => res.writeHead(302, { location: req.url?.startsWith("/a") ? "/b" : "/a" }).end()));
      const error = await rejection(allen.query(`${api.url}a`, { http: { retry: false } }));
      assert.ok(isNetworkError(error), String(error));
      assert.match((error as Error).message, /more than 20 redirects/);
      assert.ok(api.hits.length <= 21, `${api.hits.length} requests`);
    });
  });

  describe("paging: an RMA answer claiming 2e8 rows plans nothing from the claim", () => {
    const twoHundredMillion = 200_000_000;
    const pagedApi = (lastStart: number) =>
      hostileServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        const start = Number(url.searchParams.get("start_row") ?? 0);
        const size = Number(url.searchParams.get("num_rows") ?? 2000);
        const rows = start > lastStart ? [] : Array.from({ length: size }, (_, i) => ({ id: start + i }));
        res.writeHead(200, { "content-type": "application/json" }).end(rmaEnvelope(rows, twoHundredMillion, start));
      });

    scenario("a query whose answers claim total_rows 2e8 but end after 5 pages completes with 500 rows and a bounded number of requests", async () => {
      const api = track(await pagedApi(400));
      const rss = process.memoryUsage().rss;
      const rows = await allen.query(`${api.url}${QUERY}`, { numRows: 100, concurrency: 4 });
      assert.equal(rows.length, 500);
      assert.deepEqual(rows.map((r) => r.id), Array.from({ length: 500 }, (_, i) => i));
      assert.ok(api.hits.length <= 5 + 4 + 1, `${api.hits.length} requests for 5 pages`);
      assert.ok(process.memoryUsage().rss - rss < 64 * 1024 * 1024);
    });

    scenario("reading only the first rows of a 2e8-row claim asks for at most the look-ahead window", async () => {
      const api = track(await pagedApi(Number.MAX_SAFE_INTEGER));
      let taken = 0;
      for await (const _row of allen.rows(`${api.url}${QUERY}`, { numRows: 10, concurrency: 3 })) {
        if (++taken === 25) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(api.hits.length <= 3 + 3, `${api.hits.length} requests to read 25 rows`);
    });

    scenario("a server that ignores start_row (the same full page forever) stops paging instead of repeating rows", async () => {
      const api = track(await hostileServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(rmaEnvelope(Array.from({ length: 10 }, (_, i) => ({ id: i })), twoHundredMillion, 0))));
      const warnings: string[] = [];
      const rows = await allen.query(`${api.url}${QUERY}`, { numRows: 10, concurrency: 2, onWarning: (w) => warnings.push(w.kind) });
      assert.equal(rows.length, 10);
      assert.deepEqual(warnings, ["start-row-mismatch"]);
      assert.ok(api.hits.length <= 3);
    });
  });

  describe("listings: a continuation token that never ends", () => {
    scenario("an S3 listing that answers IsTruncated with the same continuation token forever is refused after it repeats", async () => {
      const objects = new Map([["loop/a", Buffer.from("a")]]);
      const bucketServer = track(
        await fakeS3({}, {
          list: (query, _req, res) => {
            res.writeHead(200, { "content-type": "application/xml" }).end(listingXml(objects, query.get("prefix") ?? "", null, "<IsTruncated>true</IsTruncated><NextContinuationToken>same-token</NextContinuationToken>"));
            return true;
          },
        }),
      );
      const bucket = s3.bucket(FAKE_BUCKET, bucketServer.options);
      try {
        const error = await rejection(bucket.entries("loop/"));
        assert.ok(isNeuroportalError(error), String(error));
        assert.match((error as Error).message, /continuation token/);
        assert.ok(bucketServer.hits.length <= 3, `${bucketServer.hits.length} listing requests`);
      } finally {
        bucket.close();
      }
    });
  });

  describe("leaks: nothing the library starts keeps a finished script alive", () => {
    const good = { "leak/ok/a.bin": Buffer.alloc(70_000, 7), "leak/ok/b.bin": Buffer.alloc(3000, 8) };
    const long = Buffer.alloc(1000, 9);

    /** Runs fixtures/exit-child.ts on `prefix`; fails if the process is still alive 12 s after it started. */
    async function runToExit(bucketServer: FakeS3, prefix: string, target: string): Promise<{ downloaded: number; failed: number; errors: string[] }> {
      const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "fixtures", "exit-child.ts"), prefix, target], {
        env: { ...process.env, NEUROPORTAL_TEST_BUCKET: JSON.stringify({ name: FAKE_BUCKET, ...bucketServer.options }) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.stderr.on("data", (chunk) => (err += chunk));
      const kept = setTimeout(() => child.kill("SIGKILL"), 12_000);
      const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
      clearTimeout(kept);
      assert.equal(signal, null, `the process was still alive 12 s after it started (killed); stdout: ${out} stderr: ${err}`);
      assert.equal(code, 0, err);
      return JSON.parse(out.trim().split("\n").pop()!);
    }

    const serve = () =>
      fakeS3({ ...good, "leak/long/file.bin": long }, {
        object: (key, req, res) => {
          if (key !== "leak/long/file.bin" || req.method !== "GET") return false;
          void flood(res, 4 * 1024 * 1024, { etag: `"${md5(long)}"` });
          return true;
        },
      });

    scenario("a script that downloaded a prefix (hashing while writing) exits by itself, with the right bytes on disk", async () => {
      const bucketServer = track(await serve());
      const target = path.join(work.dir, "exit-ok");
      assert.deepEqual(await runToExit(bucketServer, "leak/ok/", target), { downloaded: 2, failed: 0, errors: [] });
      assert.deepEqual(filesUnder(target).sort(), ["leak/ok/a.bin", "leak/ok/b.bin"]);
      for (const [key, bytes] of Object.entries(good)) assert.ok(fs.readFileSync(path.join(target, key)).equals(bytes), key);
    }, 20_000);

    scenario("a script whose only file failed (longer than listed, its hash streams dropped unfinished) still exits by itself; nothing on disk", async () => {
      const bucketServer = track(await serve());
      const target = path.join(work.dir, "exit-failed");
      assert.deepEqual(await runToExit(bucketServer, "leak/long/", target), { downloaded: 0, failed: 1, errors: ["IntegrityError"] });
      assert.deepEqual(filesUnder(target), []);
    }, 20_000);
  });
});
