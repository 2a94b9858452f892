import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { startXnatDemo } from "../../demo/src/xnat/index.js";
import { startS3Demo } from "../../demo/src/s3/index.js";
import { withFaults, faultWrapper, FaultSpec, FaultyListener, planFault, resolveFaultSpec, S3_OBJECT_GET, SessionExpiry, formatFaultStats, FAULT_FLAGS, parseFaultFlags } from "../../demo/src/faults/index.js";
import { isDemoArgumentError } from "../../demo/src/errors.js";
import { request, requestJson } from "../../lib/http/request.js";
import { DEFAULT_RETRY, RetryPolicy } from "../../lib/core/retry.js";
import { HttpError, isHttpError, isNetworkError, isTimeoutError, isUnexpectedContentError, UnexpectedContentError } from "../../lib/http/errors.js";
import { mulberry32 } from "../../demo/src/prng.js";
import { rawRequest } from "./raw-http.js";

const BIG = Buffer.alloc(1024 * 1024);
{
  const random = mulberry32(42);
  for (let i = 0; i < BIG.length; i++) BIG[i] = Math.floor(random() * 256);
}
const BIG_SHA = createHash("sha256").update(BIG).digest("hex");
const BIG_ETAG = `"${createHash("md5").update(BIG).digest("hex")}"`;
const jsonFor = (url: string) => JSON.stringify({ url, items: Array.from({ length: 20 }, (_, i) => ({ id: `S${i}`, score: i * 1.5 })) });

/** A small service with the body shapes real demo servers produce. */
function service(hits: { count: number; cookies: (string | undefined)[] }): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    hits.count++;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/json" || path === "/login") {
      if (path === "/login") res.setHeader("set-cookie", "JSESSIONID=ABCDEF0123456789ABCDEF0123456789; Path=/; HttpOnly");
      res.setHeader("content-type", "application/json");
      res.end(jsonFor(req.url ?? "/"));
    } else if (path === "/whoami") {
      hits.cookies.push(req.headers.cookie);
      res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
    } else if (path === "/declared") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(BIG.length), etag: BIG_ETAG });
      Readable.from(chunksOf(BIG, 64 * 1024)).pipe(res);
    } else if (path === "/proxied") {
      res.writeHead(200, ["Content-Type", "application/zip", "Content-Length", String(BIG.length), "ETag", BIG_ETAG]);
      Readable.from(chunksOf(BIG, 16 * 1024)).pipe(res);
    } else if (path === "/stream") {
      res.setHeader("content-type", "application/octet-stream");
      Readable.from(chunksOf(BIG, 64 * 1024)).pipe(res);
    } else if (path === "/bucket/key.bin" || path === "/bucket") {
      res.writeHead(200, { "content-length": String(BIG.length), etag: BIG_ETAG });
      res.end(BIG);
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  };
}

function* chunksOf(buffer: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

const fast: RetryPolicy = { ...DEFAULT_RETRY, baseDelayMs: 2, maxDelayMs: 20 };
const sha = (body: Buffer) => createHash("sha256").update(body).digest("hex");

describe("reliability: fault injection layer", () => {
  const servers: LoopbackServer[] = [];
  let hits: { count: number; cookies: (string | undefined)[] };

  async function serve(spec: FaultSpec): Promise<{ url: string; faults: FaultyListener }> {
    hits = { count: 0, cookies: [] };
    const faults = withFaults(service(hits), spec);
    const server = await listenLoopback(faults);
    servers.push(server);
    return { url: server.url, faults };
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe("settings", () => {
    it("rejects rates outside [0, 1], rates that add up to more than 1, non-error statuses and bad regexes", () => {
      for (const spec of [{ errorRate: 1.5 }, { dropRate: -0.1 }, { errorRate: 0.6, truncateRate: 0.6 }, { errorStatuses: [200] }, { exceptPaths: "(" }, { slowMs: -1 }, { seed: 1.5 }, { sessionExpiry: { requests: 0 } }]) {
        assert.throws(() => resolveFaultSpec(spec as FaultSpec), (e: unknown) => isDemoArgumentError(e), JSON.stringify(spec));
      }
    });

    it("parses the demo command's flags into a spec", () => {
      const { values } = parseArgs({
        args: ["--fault-error-rate", "0.1", "--fault-drop-rate", "0.05", "--fault-truncate-rate", "0.02", "--fault-stall-rate", "0.01", "--fault-slow-ms", "50", "--fault-maintenance-rate", "0.01",
          "--fault-seed", "7", "--fault-error-statuses", "502,503", "--fault-except-paths", "^/data/JSESSION", "--session-expiry-seconds", "30", "--session-expiry-requests", "100"],
        options: FAULT_FLAGS,
        strict: true,
      });
      const spec = parseFaultFlags(values)!;
      assert.deepEqual({ ...spec, exceptPaths: undefined }, {
        seed: 7, errorRate: 0.1, errorStatuses: [502, 503], dropRate: 0.05, truncateRate: 0.02, stallRate: 0.01, maintenanceRate: 0.01, slowMs: 50, exceptPaths: undefined,
        sessionExpiry: { seconds: 30, requests: 100, response: undefined },
      });
      assert.ok((spec.exceptPaths as RegExp[])[0].test("/data/JSESSION"));
      assert.equal(parseFaultFlags({}), undefined);
    });

    it("names the flag when a value is wrong", () => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ "fault-error-rate": "ten percent" }, /--fault-error-rate takes a fraction/],
        [{ "fault-drop-rate": "2" }, /--fault-drop-rate takes a fraction/],
        [{ "fault-error-statuses": "500,200" }, /--fault-error-statuses/],
        [{ "fault-seed": "x" }, /--fault-seed/],
        [{ "session-expiry-requests": "0" }, /--session-expiry-requests/],
        [{ "session-expiry-response": "302" }, /--session-expiry-response/],
        [{ "fault-error-rate": "0.7", "fault-truncate-rate": "0.7" }, /add up to/],
      ];
      for (const [values, message] of cases) {
        assert.throws(() => parseFaultFlags(values), (e: unknown) => isDemoArgumentError(e) && message.test((e as Error).message), JSON.stringify(values));
      }
      assert.throws(() => parseFaultFlags({ "fault-except-paths": ["(unclosed"] }), /--fault-except-paths takes a regular expression/);
    });
  });

  describe("seeded decisions", () => {
    it("repeats exactly with the same seed and differs with another", async () => {
      const outcomes = async (seed: number) => {
        const { url, faults } = await serve({ seed, errorRate: 0.3, maintenanceRate: 0.2 });
        const statuses: string[] = [];
        for (let i = 0; i < 40; i++) {
          const raw = await rawRequest(url, `/json?i=${i % 10}`);
          statuses.push(`${raw.status}:${raw.headers["content-type"]}`);
        }
        return { statuses, stats: faults.stats() };
      };
      const first = await outcomes(11);
      const again = await outcomes(11);
      const other = await outcomes(12);
      assert.deepEqual(again.statuses, first.statuses);
      assert.deepEqual(again.stats, first.stats);
      assert.notDeepEqual(other.statuses, first.statuses);
      assert.ok(first.stats.injected.error > 0 && first.stats.injected.maintenance > 0, formatFaultStats(first.stats));
    });

    it("decides per method, URL and occurrence, so concurrency does not change the outcome", () => {
      const spec = resolveFaultSpec({ seed: 3, errorRate: 0.5 });
      const sequential = Array.from({ length: 30 }, (_, n) => planFault(spec, "GET", "/a", n).kind);
      const reversed = Array.from({ length: 30 }, (_, n) => 29 - n).map((n) => planFault(spec, "GET", "/a", n).kind).reverse();
      assert.deepEqual(reversed, sequential);
    });

    it("injects each kind at about its rate", () => {
      const spec = resolveFaultSpec({ seed: 5, errorRate: 0.1, dropRate: 0.05, truncateRate: 0.05, stallRate: 0.03, maintenanceRate: 0.02, slowMs: 1, slowRate: 0.1 });
      const counts: Record<string, number> = {};
      let slow = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const plan = planFault(spec, "GET", `/x?i=${i}`, 0);
        counts[plan.kind] = (counts[plan.kind] ?? 0) + 1;
        if (plan.delayMs > 0) slow++;
      }
      const near = (count: number | undefined, rate: number) => Math.abs((count ?? 0) / n - rate) < 0.01;
      assert.ok(near(counts.error, 0.1) && near(counts.drop, 0.05) && near(counts.truncate, 0.05) && near(counts.stall, 0.03) && near(counts.maintenance, 0.02) && near(slow, 0.1), JSON.stringify({ counts, slow }));
    });
  });

  describe("error responses", () => {
    it("answers with the configured statuses and Retry-After without reaching the service", async () => {
      const { url, faults } = await serve({ errorRate: 1, errorStatuses: [503], retryAfterSeconds: 2 });
      const raw = await rawRequest(url, "/json");
      assert.equal(raw.status, 503);
      assert.equal(raw.headers["retry-after"], "2");
      assert.equal(hits.count, 0);
      assert.equal(faults.stats().injected.error, 1);
    });

    it("the seam retries them, honouring Retry-After, and then raises HttpError with the status", async () => {
      const { url, faults } = await serve({ errorRate: 1, errorStatuses: [503], retryAfterSeconds: 2 });
      const delays: number[] = [];
      const policy = { ...fast, retries: 2, maxDelayMs: 40, random: () => 0 };
      const error = await request(`${url}json`, { retry: policy, onRetry: (info) => delays.push(info.delayMs) }).catch((e) => e);
      assert.ok(isHttpError(error));
      assert.equal((error as HttpError).status, 503);
      assert.deepEqual(delays, [40, 40], "Retry-After (2 s, capped at maxDelayMs) instead of jitter (0)");
      assert.equal(faults.stats().injected.error, 3);
    });

    it("never retries a POST that is not marked idempotent", async () => {
      const { url, faults } = await serve({ errorRate: 1, errorStatuses: [502] });
      await assert.rejects(request(`${url}json`, { method: "POST", body: "{}", retry: fast }), HttpError);
      assert.equal(faults.stats().requests, 1);
    });
  });

  describe("maintenance page", () => {
    it("is HTML with status 200", async () => {
      const { url } = await serve({ maintenanceRate: 1, retryAfterSeconds: 1 });
      const raw = await rawRequest(url, "/json");
      assert.equal(raw.status, 200);
      assert.match(raw.headers["content-type"], /text\/html/);
      assert.match(raw.body.toString(), /Down for maintenance/);
      assert.equal(raw.headers["retry-after"], "1");
      assert.equal(hits.count, 0);
    });

    it("becomes an UnexpectedContentError naming an HTML page where JSON was expected", async () => {
      const { url, faults } = await serve({ maintenanceRate: 1 });
      const error = await requestJson(`${url}json`, { retry: fast }).catch((e) => e);
      assert.ok(isUnexpectedContentError(error), String(error));
      assert.equal((error as UnexpectedContentError).received, "html");
      assert.match((error as UnexpectedContentError).message, /received an HTML page/);
      assert.match(error.message, /maintenance/);
      assert.ok(faults.stats().injected.maintenance >= 1);
    });

    it("is retried for idempotent GETs before UnexpectedContentError is raised", async () => {
      const { url, faults } = await serve({ maintenanceRate: 1 });
      const error = await requestJson(`${url}json`, { retry: { ...fast, retries: 2 } }).catch((e) => e);
      assert.ok(isUnexpectedContentError(error));
      assert.equal(faults.stats().injected.maintenance, 3);
    });
  });

  describe("truncated bodies", () => {
    it("keeps the full Content-Length of a small JSON body and sends fewer bytes", async () => {
      const { url, faults } = await serve({ truncateRate: 1 });
      const raw = await rawRequest(url, "/json");
      const full = Buffer.from(jsonFor("/json"));
      assert.equal(raw.status, 200);
      assert.equal(raw.headers["content-length"], String(full.length));
      assert.ok(raw.body.length < full.length, `${raw.body.length} < ${full.length}`);
      assert.deepEqual(raw.body, full.subarray(0, raw.body.length));
      assert.equal(raw.ending, "close");
      assert.equal(faults.stats().injected.truncate, 1);
    });

    it("cuts a large streamed body with a declared length short of it", async () => {
      const { url } = await serve({ truncateRate: 1 });
      for (const path of ["/declared", "/proxied"]) {
        const raw = await rawRequest(url, path);
        assert.equal(raw.headers["content-length"], String(BIG.length), path);
        assert.equal(raw.headers.etag, BIG_ETAG, path);
        assert.ok(raw.body.length < BIG.length, path);
        assert.ok(raw.body.equals(BIG.subarray(0, raw.body.length)), path);
      }
    });

    it("cuts a chunked body of unknown length before its terminating chunk", async () => {
      const { url } = await serve({ truncateRate: 1 });
      const raw = await rawRequest(url, "/stream");
      assert.equal(raw.headers["transfer-encoding"], "chunked");
      assert.equal(raw.chunkedComplete, false);
      assert.ok(raw.body.length < BIG.length);
      assert.ok(raw.body.equals(BIG.subarray(0, raw.body.length)));
    });

    it("is detected by the seam, retried, and raised as NetworkError when every attempt is cut", async () => {
      const { url, faults } = await serve({ truncateRate: 1 });
      for (const path of ["json", "declared", "stream"]) {
        const error = await request(`${url}${path}`, { retry: { ...fast, retries: 2 } }).catch((e) => e);
        assert.ok(isNetworkError(error), `${path}: ${error}`);
      }
      assert.equal(faults.stats().injected.truncate, 9);
    });
  });

  describe("dropped connections", () => {
    it("resets the connection part-way through the body", async () => {
      const { url, faults } = await serve({ dropRate: 1 });
      for (const path of ["/declared", "/stream", "/json"]) {
        const raw = await rawRequest(url, path);
        assert.ok(raw.body.length < (path === "/json" ? jsonFor("/json").length : BIG.length), path);
        assert.ok(raw.ending === "ECONNRESET" || raw.ending === "close", `${path}: ${raw.ending}`);
        if (raw.body.length > 0) assert.ok(raw.body.equals((path === "/json" ? Buffer.from(jsonFor("/json")) : BIG).subarray(0, raw.body.length)), path);
      }
      assert.equal(faults.stats().injected.drop, 3);
    });

    it("is raised as NetworkError by the seam once the retries are spent", async () => {
      const { url } = await serve({ dropRate: 1 });
      const error = await request(`${url}declared`, { retry: { ...fast, retries: 1 } }).catch((e) => e);
      assert.ok(isNetworkError(error), String(error));
    });
  });

  describe("stalled bodies", () => {
    it("stop part-way with the connection left open, so only the caller's idle timeout ends the wait", async () => {
      const { url, faults } = await serve({ stallRate: 1 });
      for (const path of ["json", "declared", "stream"]) {
        const started = Date.now();
        const error = await request(`${url}${path}`, { idleTimeoutMs: 200, retry: { ...fast, retries: 1 } }).catch((e) => e);
        assert.ok(isTimeoutError(error), `${path}: ${error}`);
        assert.match(error.message, /no data from the server for 200 ms/);
        assert.ok(Date.now() - started >= 400, "each attempt waited for the idle timeout");
      }
      assert.equal(faults.stats().injected.stall, 6);
    });
  });

  describe("corrupted objects", () => {
    it("flips one byte and keeps the status, length and ETag", async () => {
      const { url, faults } = await serve({ corruptRate: 1 });
      for (const path of ["/declared", "/proxied", "/stream", "/bucket/key.bin"]) {
        const raw = await rawRequest(url, path);
        assert.equal(raw.status, 200);
        assert.equal(raw.body.length, BIG.length, path);
        let differing = 0;
        for (let i = 0; i < BIG.length; i++) if (raw.body[i] !== BIG[i]) differing++;
        assert.equal(differing, 1, path);
        if (path !== "/stream") assert.equal(raw.headers.etag, BIG_ETAG);
      }
      assert.equal(faults.stats().injected.corrupt, 4);
    });

    it("passes the seam unnoticed, so only a checksum (the ETag's MD5) can catch it", async () => {
      const { url } = await serve({ corruptRate: 1 });
      const response = await request(`${url}bucket/key.bin`, { retry: fast });
      assert.equal(response.body.length, BIG.length);
      assert.notEqual(`"${createHash("md5").update(response.body).digest("hex")}"`, response.headers.get("etag"));
    });

    it("only touches object GETs when limited to S3_OBJECT_GET", async () => {
      assert.ok(S3_OBJECT_GET.test("/bucket/q1/100307/file.nii.gz"));
      assert.ok(S3_OBJECT_GET.test("/bucket/key.bin?x-id=GetObject"));
      assert.ok(!S3_OBJECT_GET.test("/bucket?list-type=2&prefix=q1%2F"));
      assert.ok(!S3_OBJECT_GET.test("/bucket/?list-type=2"));
      const { url, faults } = await serve({ corruptRate: 1, corruptPaths: S3_OBJECT_GET });
      assert.ok((await rawRequest(url, "/bucket?list-type=2")).body.equals(BIG));
      assert.ok(!(await rawRequest(url, "/bucket/key.bin")).body.equals(BIG));
      assert.equal(faults.stats().injected.corrupt, 1);
    });
  });

  describe("slow responses", () => {
    it("delays the response by slowMs", async () => {
      const { url, faults } = await serve({ slowMs: 300 });
      const started = Date.now();
      assert.equal((await request(`${url}json`)).status, 200);
      assert.ok(Date.now() - started >= 280);
      assert.equal(faults.stats().injected.slow, 1);
    });

    it("runs into the caller's timeout as a TimeoutError", async () => {
      const { url } = await serve({ slowMs: 500 });
      const error = await request(`${url}json`, { timeoutMs: 100, retry: false }).catch((e) => e);
      assert.ok(isTimeoutError(error), String(error));
    });
  });

  describe("path filters", () => {
    it("never faults excluded paths and only faults included ones", async () => {
      const { url } = await serve({ errorRate: 1, errorStatuses: [500], exceptPaths: ["^/login"] });
      assert.equal((await rawRequest(url, "/login")).status, 200);
      assert.equal((await rawRequest(url, "/json")).status, 500);
      const only = await serve({ errorRate: 1, errorStatuses: [502], onlyPaths: [/^\/json/] });
      assert.equal((await rawRequest(only.url, "/login")).status, 200);
      assert.equal((await rawRequest(only.url, "/json")).status, 502);
    });
  });

  describe("session expiry", () => {
    const cookie = "JSESSIONID=ABCDEF0123456789ABCDEF0123456789";

    it("rejects a session after N requests with 401 and a Basic challenge", async () => {
      const { url, faults } = await serve({ sessionExpiry: { requests: 3 } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await rawRequest(url, "/whoami", { cookie })).status!);
      assert.deepEqual(statuses, [200, 200, 200, 401, 401]);
      const raw = await rawRequest(url, "/whoami", { cookie });
      assert.match(raw.headers["www-authenticate"], /^Basic/);
      assert.equal(faults.stats().injected.expired, 3);
    });

    it("lets a request with credentials through without the dead cookie, so the service logs it in again", async () => {
      const { url } = await serve({ sessionExpiry: { requests: 1 } });
      await rawRequest(url, "/whoami", { cookie: `${cookie}; theme=dark` });
      const raw = await rawRequest(url, "/whoami", { cookie: `${cookie}; theme=dark`, authorization: "Basic dXNlcjpwYXNz" });
      assert.equal(raw.status, 200);
      assert.deepEqual(hits.cookies, [`${cookie}; theme=dark`, "theme=dark"]);
    });

    it("expires a session after N seconds, or answers with XNAT's login page when asked to", async () => {
      const { url } = await serve({ sessionExpiry: { seconds: 0.2, response: "login-page" } });
      assert.equal((await rawRequest(url, "/whoami", { cookie })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const raw = await rawRequest(url, "/whoami", { cookie });
      assert.equal(raw.status, 200);
      assert.match(raw.body.toString(), /<!-- BEGIN xnat-templates\/screens\/Login.vm -->/);
      const error = await requestJson(`${url}whoami`, { headers: { cookie }, retry: false }).catch((e) => e);
      assert.ok(isUnexpectedContentError(error));
    });

    it("counts time from the first request that carried the cookie", () => {
      let now = 1000;
      const expiry = new SessionExpiry({ seconds: 10, cookie: "JSESSIONID", response: "401" }, () => now);
      const req = (value: string) => ({ headers: { cookie: `JSESSIONID=${value}` } }) as unknown as IncomingMessage;
      assert.equal(expiry.check(req("a")), "live");
      now += 9_999;
      assert.equal(expiry.check(req("a")), "live");
      assert.equal(expiry.check(req("b")), "live");
      now += 1;
      assert.equal(expiry.check(req("a")), "expired-rejected");
      assert.equal(expiry.check(req("b")), "live");
    });
  });

  describe("wiring into the demo services", () => {
    it("faultWrapper plugs into each service's wrapHandler option and reports per service", async () => {
      assert.equal(faultWrapper(undefined), undefined);
      const layers: FaultyListener[] = [];
      const wrapHandler = faultWrapper({ errorRate: 1, errorStatuses: [502] }, (layer) => layers.push(layer));
      const started = await Promise.all([startAllenDemo({ wrapHandler }), startXnatDemo({ wrapHandler }), startS3Demo({ layout: "q1", wrapHandler })]);
      try {
        const [allenInfo, xnatInfo, s3Info] = started.map((service) => service.info as { url?: string; endpoint?: string });
        for (const base of [allenInfo.url, xnatInfo.url, s3Info.endpoint]) assert.equal((await rawRequest(base!, "/")).status, 502);
        assert.equal(layers.length, 3);
        assert.deepEqual(layers.map((layer) => layer.stats().injected.error), [1, 1, 1]);
      } finally {
        await Promise.all(started.map((service) => service.close()));
      }
    });
  });

  describe("recovery through the request seam", () => {
    const mix: FaultSpec = { seed: 2024, errorRate: 0.04, dropRate: 0.03, truncateRate: 0.03, slowMs: 30, slowRate: 0.05, retryAfterSeconds: 0 };
    const policy: RetryPolicy = { ...DEFAULT_RETRY, baseDelayMs: 5, maxDelayMs: 50 };

    async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < items.length) await work(items[next++]);
      }));
    }

    it("completes every JSON request and download with correct results at 10% injected failures", async () => {
      const { url, faults } = await serve(mix);
      let retries = 0;
      const ids = Array.from({ length: 400 }, (_, i) => i);
      await pool(ids, 16, async (i) => {
        const body = await requestJson<{ url: string }>(`${url}json?i=${i}`, { retry: policy, onRetry: () => retries++ });
        assert.deepEqual(body, JSON.parse(jsonFor(`/json?i=${i}`)));
      });
      const downloads = Array.from({ length: 60 }, (_, i) => `${["declared", "proxied", "stream"][i % 3]}?i=${i}`);
      await pool(downloads, 8, async (path) => {
        const response = await request(`${url}${path}`, { retry: policy, onRetry: () => retries++ });
        assert.equal(sha(response.body), BIG_SHA, path);
      });
      const stats = faults.stats();
      assert.ok(stats.injected.error > 0 && stats.injected.drop > 0 && stats.injected.truncate > 0 && stats.injected.slow > 0, formatFaultStats(stats));
      assert.equal(retries, stats.injected.error + stats.injected.drop + stats.injected.truncate, formatFaultStats(stats));
      assert.ok(stats.faulted / stats.requests > 0.08, formatFaultStats(stats));
    });

    it("with maintenance pages in the mix, every request returns the right data (maintenance pages are retried)", async () => {
      const { url, faults } = await serve({ ...mix, maintenanceRate: 0.05 });
      let correct = 0;
      let maintenance = 0;
      await pool(Array.from({ length: 300 }, (_, i) => i), 16, async (i) => {
        try {
          const body = await requestJson(`${url}json?i=${i}`, { retry: policy });
          assert.deepEqual(body, JSON.parse(jsonFor(`/json?i=${i}`)));
          correct++;
        } catch (error) {
          assert.ok(isUnexpectedContentError(error), String(error));
          maintenance++;
        }
      });
      assert.equal(correct + maintenance, 300);
      assert.equal(maintenance, 0, "a maintenance page surfaced although retries were left");
      assert.ok(faults.stats().injected.maintenance > 0, formatFaultStats(faults.stats()));
    });
  });
});
