import { strict as assert } from "node:assert";
import type * as http from "node:http";
import * as allen from "../../lib/allen/index.js";
import { createAllenDemoData, createAllenHandler, startAllenDemo } from "../../demo/src/allen/index.js";
import type { LoopbackServer } from "../../demo/src/loopback.js";
import { isHttpError, isUnexpectedContentError } from "../../lib/http/errors.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { NO_RETRY_HTTP, sendJson, serve, withAllenDemo } from "./helpers.js";

describe("allen: paged queries against the demo service", function () {
  let api: string;
  withAllenDemo((url) => (api = url));

  const structures = () => `${api}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;

  it("collects every row over several pages, in order, without duplicates", async () => {
    const urls: string[] = [];
    const pages: allen.PageInfo[] = [];
    const rows = await allen.query(structures(), { numRows: 300, onRequest: (u) => urls.push(u), onPage: (p) => pages.push(p) });
    const total = pages[0].totalRows!;
    assert.ok(total > 2000, `the demo ontology has ${total} structures`);
    assert.equal(rows.length, total);
    assert.equal(urls.length, Math.ceil(total / 300));
    assert.equal(new Set(rows.map((r) => r.id)).size, total);
    const ids = rows.map((r) => r.id as number);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "rows arrive in the server's order (by id)");
    assert.match(urls[1], /&start_row=300&num_rows=300$/);
    assert.match(urls[urls.length - 1], new RegExp(`&start_row=${Math.floor(total / 300) * 300}&num_rows=300$`), "the last page asks for a full page: the server gives what is left");
  });

  it("gives the same rows sequentially, concurrently, with 2000-row pages and as a normalized query", async () => {
    const sequential = await allen.query(structures(), { numRows: 700, concurrency: 1 });
    const concurrent = await allen.query(structures(), { numRows: 700, concurrency: 8 });
    const big = await allen.query(structures());
    const normalized = await allen.query(`${api}api/v2/data/query.json?criteria=model::Structure,rma::criteria,[graph_id$eq1]`, { numRows: 900 });
    assert.deepEqual(concurrent, sequential);
    assert.deepEqual(big, sequential);
    assert.deepEqual(normalized, sequential);
  });

  it("the async generator can stop early", async () => {
    const seen: unknown[] = [];
    for await (const row of allen.rows(structures(), { numRows: 100 })) {
      seen.push(row.id);
      if (seen.length === 150) break;
    }
    assert.equal(seen.length, 150);
  });

  it("queryFrame builds a DataFrame with the explicit column types", async () => {
    const frame = await allen.queryFrame(structures(), ["id", "acronym", "depth", "parent_structure_id"], { id: "string", depth: "integer", parent_structure_id: "string" }, { numRows: 1000 });
    assert.deepEqual(frame.columns, ["id", "acronym", "depth", "parent_structure_id"]);
    assert.ok(frame.shape[0] > 2000);
    const firstId = frame.column("id").values[0];
    assert.equal(typeof firstId, "string");
    assert.equal(typeof frame.column("depth").values[0], "number");
  });

  it("the seed's reference-space URL (with the flattened '*' filter and with the full one) pages with startRow/numRows", async () => {
    const seedUrl = api + "api/v2/data/" + "ReferenceSpace/query.json?criteria=[id$eq10]" + "&include=well_known_files[path$li'*']";
    const printed: string[] = [];
    const warnings: allen.PagingWarning[] = [];
    const loose = await allen.query(seedUrl, { paging: "camel", onRequest: (u) => printed.push(u), onWarning: (w) => warnings.push(w) });
    // With include=, total_rows counts the joined well-known files (as the real API over-counts):
    // one request confirms that the short page was the end. The seed's own loop would ask for
    // startRow=1 forever here, adding 0 rows each time.
    assert.deepEqual(printed, [`${seedUrl}&startRow=0&numRows=2000`, `${seedUrl}&startRow=1&numRows=2000`]);
    assert.equal(loose.length, 1);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].claimedTotal! > 1);
    const looseFiles = loose[0].well_known_files as { path: string; download_link: string }[];
    assert.ok(looseFiles.length >= 2);
    assert.match(looseFiles[0].path, /atlasVolume\.zip$/);
    const strict = await allen.query(allen.referenceSpaceUrl(api), { paging: "camel" });
    const strictFiles = strict[0].well_known_files as { path: string; download_link: string }[];
    assert.deepEqual(strictFiles.map((f) => f.path), [looseFiles[0].path]);
    assert.match(strictFiles[0].download_link, /^\/api\/v2\/well_known_file_download\/\d+$/);
  });

  it("success:false from the server (unknown model, bad criteria), answered with HTTP 200 as the real API does, is an RmaError carrying the URL", async () => {
    const url = `${api}api/v2/data/Nonsense/query.json?criteria=[id$eq1]`;
    await assert.rejects(allen.query(url), (e: unknown) => allen.isRmaError(e) && e.status === 200 && /unknown model Nonsense/.test(e.serverMessage) && e.url!.startsWith(url));
    await assert.rejects(allen.query(`${api}api/v2/data/Structure/query.json?criteria=[id$zz1]`), allen.isRmaError);
  });
});

describe("allen: paging edge cases against hand-made servers", () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A server holding `total` rows that answers start_row/num_rows, with hooks to misbehave. */
  function rowServer(total: number, options: { claimTotal?: number; cap?: number; delayMs?: number; slowFrom?: number; emptyFrom?: number; ignoreStart?: boolean; noTotal?: boolean } = {}) {
    const stats = { requests: 0, inFlight: 0, maxInFlight: 0, starts: [] as number[], aborted: 0 };
    const handler: http.RequestListener = (req, res) => {
      stats.requests++;
      res.on("close", () => {
        if (!res.writableFinished) stats.aborted++;
      });
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      const params = new URL(req.url!, "http://x").searchParams;
      const asked = Number(params.get("start_row") ?? 0);
      stats.starts.push(asked);
      const start = options.ignoreStart ? 0 : asked;
      const size = Math.min(Number(params.get("num_rows") ?? 50), options.cap ?? Infinity);
      const end = options.emptyFrom !== undefined && start >= options.emptyFrom ? start : Math.min(total, start + size);
      const msg = Array.from({ length: Math.max(0, end - start) }, (_, i) => ({ id: start + i }));
      setTimeout(() => {
        stats.inFlight--;
        const claim = options.noTotal ? {} : { total_rows: options.claimTotal ?? total };
        sendJson(res, 200, msg.length === 0 ? { success: true, id: 0, start_row: start, num_rows: 0, msg: {} } : { success: true, id: 0, start_row: start, num_rows: msg.length, ...claim, msg });
      }, options.slowFrom !== undefined && asked >= options.slowFrom ? 400 : (options.delayMs ?? 0));
    };
    return { handler, stats };
  }

  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

  it("asks for the first page alone, then for pages ahead as far as total_rows reaches, bounded by `concurrency`", async () => {
    const { handler, stats } = rowServer(1000, { delayMs: 40 });
    server = await serve(handler);
    const started = Date.now();
    const rows = await allen.query(`${server.url}api/v2/data/X/query.json`, { numRows: 50, concurrency: 5 });
    const elapsed = Date.now() - started;
    assert.deepEqual(rows.map((r) => r.id), ids(1000));
    assert.equal(stats.requests, 20, "a full last page that reaches total_rows ends paging without another request");
    assert.equal(stats.maxInFlight, 5);
    assert.ok(elapsed < 20 * 40, `concurrent paging took ${elapsed} ms, sequential would take at least 800 ms`);
    const sequential = rowServer(200, { delayMs: 5 });
    await server.close();
    server = await serve(sequential.handler);
    await allen.query(`${server.url}q.json`, { numRows: 20, concurrency: 1 });
    assert.equal(sequential.stats.maxInFlight, 1);
  });

  it("a one-page answer costs one request, whatever `concurrency` allows", async () => {
    const { handler, stats } = rowServer(7);
    server = await serve(handler);
    assert.equal((await allen.query(`${server.url}q.json`, { concurrency: 32 })).length, 7);
    assert.equal(stats.requests, 1);
  });

  it("an over-claimed total_rows ends at the first empty page, keeps every row and reports the shortfall as a warning", async () => {
    const { handler, stats } = rowServer(500, { claimTotal: 520 });
    server = await serve(handler);
    const url = `${server.url}api/v2/data/X/query.json`;
    const warnings: allen.PagingWarning[] = [];
    const rows = await allen.query(url, { numRows: 100, concurrency: 1, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(rows.map((r) => r.id), ids(500));
    assert.equal(stats.requests, 6);
    assert.deepEqual(warnings.map((w) => [w.kind, w.received, w.claimedTotal, w.url]), [["total-rows-unmet", 500, 520, url]]);
  });

  it("an empty page in the middle ends paging there: the rows before it are returned, look-ahead pages beyond it are discarded", async () => {
    const { handler, stats } = rowServer(1000, { emptyFrom: 300, delayMs: 5 });
    server = await serve(handler);
    const warnings: allen.PagingWarning[] = [];
    const rows = await allen.query(`${server.url}q.json`, { numRows: 100, concurrency: 4, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(rows.map((r) => r.id), ids(300));
    assert.ok(stats.requests <= 8, `${stats.requests} requests`);
    assert.equal(warnings[0]?.kind, "total-rows-unmet");
  });

  it("an empty first page with total_rows > 0 costs one request and gives no rows", async () => {
    const { handler, stats } = rowServer(10, { emptyFrom: 0 });
    server = await serve(handler);
    assert.deepEqual(await allen.query(`${server.url}q.json`), []);
    assert.equal(stats.requests, 1);
  });

  it("a short page ends paging without total_rows; with total_rows unmet one request confirms it, and a server that caps pages is paged at its size", async () => {
    const capped = rowServer(230, { cap: 50 });
    server = await serve(capped.handler);
    const rows = await allen.query(`${server.url}q.json`, { numRows: 2000 });
    assert.deepEqual(rows.map((r) => r.id), ids(230));
    assert.deepEqual(capped.stats.starts, [0, 50, 100, 150, 200]);
    await server.close();
    const noTotal = rowServer(230, { cap: 50, noTotal: true });
    server = await serve(noTotal.handler);
    assert.equal((await allen.query(`${server.url}q.json`, { numRows: 2000 })).length, 50, "without a claim, a short page is the end (AllenSDK's rule)");
    assert.equal(noTotal.stats.requests, 1);
  });

  it("total_rows of 2e8 plans nothing: pages are asked for lazily, a window at a time, and stopping early stops the requests", async () => {
    const { handler, stats } = rowServer(1e9, { claimTotal: 2e8, slowFrom: 3000 });
    server = await serve(handler);
    let seen = 0;
    for await (const _row of allen.rows(`${server.url}q.json`, { numRows: 1000, concurrency: 4 })) if (++seen === 2500) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(seen, 2500);
    assert.ok(stats.requests <= 3 + 4, `${stats.requests} requests for 3 pages read`);
    assert.ok(stats.aborted >= 1, "the pages still in flight when the reader stopped were aborted");
  });

  it("a server that ignores start_row (every page starts at 0) stops paging with a warning instead of repeating rows", async () => {
    const { handler, stats } = rowServer(1000, { ignoreStart: true });
    server = await serve(handler);
    const warnings: allen.PagingWarning[] = [];
    const rows = await allen.query(`${server.url}q.json`, { numRows: 100, concurrency: 2, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(rows.map((r) => r.id), ids(100));
    assert.deepEqual(warnings.map((w) => w.kind), ["start-row-mismatch"]);
    assert.ok(stats.requests <= 3);
  });

  it("the generator returns a summary of what paging did", async () => {
    const { handler } = rowServer(250, { claimTotal: 260 });
    server = await serve(handler);
    const generator = allen.rows(`${server.url}q.json`, { numRows: 100, concurrency: 1 });
    let step = await generator.next();
    let count = 0;
    while (!step.done) {
      count++;
      step = await generator.next();
    }
    assert.equal(count, 250);
    assert.deepEqual(step.value, { rows: 250, requests: 4, claimedTotal: 260, stop: "empty-page" }, "the short third page left the claim unmet, so one request confirmed the end");
  });

  it("refuses a concurrency outside 1..32 and a numRows that is not a positive whole number", async () => {
    await assert.rejects(allen.query("http://127.0.0.1:9/q.json", { concurrency: 0 }), isInvalidArgumentError);
    await assert.rejects(allen.query("http://127.0.0.1:9/q.json", { concurrency: 1000 }), isInvalidArgumentError);
    await assert.rejects(allen.query("http://127.0.0.1:9/q.json", { numRows: 2.5 }), isInvalidArgumentError);
  });

  it("an HTML maintenance page served with 200 is an UnexpectedContentError naming the URL", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><head><title>Site unavailable</title></head><body>The Allen Brain Atlas is down for maintenance.</body></html>");
    });
    const url = `${server.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;
    await assert.rejects(allen.query(url, { http: NO_RETRY_HTTP }), (e: unknown) => isUnexpectedContentError(e) && e.received === "html" && /received an HTML page/.test(e.message) && e.url!.startsWith(url));
  });

  it("a 404 or 500 answered with an HTML page is an HttpError with the status", async () => {
    server = await serve((req, res) => {
      res.writeHead(req.url!.includes("missing") ? 404 : 500, { "content-type": "text/html" });
      res.end("<html><body>Not here</body></html>");
    });
    await assert.rejects(allen.query(`${server.url}missing/query.json`), (e: unknown) => isHttpError(e) && e.status === 404);
    await assert.rejects(allen.query(`${server.url}broken/query.json`, { http: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, statuses: [500] } } }), (e: unknown) => isHttpError(e) && e.status === 500);
  });

  it("success:false with HTTP 200 is an RmaError", async () => {
    server = await serve((_req, res) => sendJson(res, 200, { success: false, id: -1, msg: "Service temporarily disabled" }));
    await assert.rejects(allen.query(`${server.url}q.json`), (e: unknown) => allen.isRmaError(e) && e.serverMessage === "Service temporarily disabled" && e.status === 200);
  });

  it("works over the demo handler wrapped by another handler (the fault-injection seam)", async () => {
    const inner = createAllenHandler(createAllenDemoData());
    let seen = 0;
    server = await serve((req, res) => {
      seen++;
      inner(req, res);
    });
    const rows = await allen.query(`${server.url}api/v2/data/SectionDataSet/query.json?criteria=[id$eq69855739]&include=genes,plane_of_section`);
    assert.equal(rows.length, 1);
    assert.equal((rows[0].plane_of_section as { name: string }).name, "sagittal");
    assert.equal(seen, 1);
  });

  it("startAllenDemo's wrapHandler option puts a layer in front of the handler: a maintenance page once, then recovery", async () => {
    let calls = 0;
    const svc = await startAllenDemo({
      wrapHandler: (handler) => (req, res) => {
        if (++calls === 1) {
          res.writeHead(503, { "content-type": "text/html", "retry-after": "0" });
          return res.end("<html><body>maintenance</body></html>");
        }
        handler(req, res);
      },
    });
    try {
      const rows = await allen.query(allen.referenceSpaceUrl(svc.info.url));
      assert.equal(rows.length, 1);
      assert.equal(calls, 2, "the 503 was retried");
    } finally {
      await svc.close();
    }
  });
});
