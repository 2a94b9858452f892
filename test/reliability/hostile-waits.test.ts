/**
 * Adversarial suite, class "silent waits": against a server that accepts connections and never
 * answers (or keeps failing), retries are visible while they happen — `onRetry`, the process-wide
 * `observeRetries` notices, a line on stderr in the CLI, an updating line in a notebook — and
 * the error finally raised states the attempts and the total time.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isHttpError, isTimeoutError } from "../../lib/http/errors.js";
import { observeRetries, type RetryEvent, type RetryNotice } from "../../lib/core/retry.js";
import { formatRetryNotice } from "../../lib/core/retry-notice.js";
import { main } from "../../lib/cli/main.js";
import { runNotebook } from "../../lib/notebooks/index.js";
import { fakeS3, FAKE_BUCKET } from "../helpers/fake-s3.js";
import { captureIo } from "../helpers/capture-io.js";
import { writeNotebook } from "../helpers/notebooks.js";
import { closedAfterEach, hostileServer, rejection, rmaEnvelope, scenario, silentServer } from "../helpers/hostile.js";

const QUERY = "api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";
const FAST = { retries: 2, baseDelayMs: 20, maxDelayMs: 40 };

/** Records the process-wide retry notices while `run` runs. */
async function noticesDuring(run: () => Promise<unknown>): Promise<{ notices: RetryNotice[]; outcome: unknown }> {
  const notices: RetryNotice[] = [];
  const stop = observeRetries((notice) => notices.push(notice));
  try {
    return { notices, outcome: await run().catch((error: unknown) => error) };
  } finally {
    stop();
  }
}

describe("hostile: waits are never silent", () => {
  const track = closedAfterEach();

  scenario("an Allen query against a server that never answers: each retry is reported as it happens, the final TimeoutError names 3 attempts and the total time", async () => {
    const silent = track(await silentServer());
    const events: { at: number; event: RetryEvent }[] = [];
    const started = Date.now();
    const error = await rejection(allen.query(`${silent.url}${QUERY}`, { http: { timeoutMs: 300, retry: FAST, onRetry: (event) => events.push({ at: Date.now(), event }) } }));
    const ended = Date.now();
    assert.ok(isTimeoutError(error), String(error));
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => [e.event.attempt, e.event.maxAttempts]), [[1, 3], [2, 3]]);
    assert.ok(events[0].at - started < 600 && ended - events[0].at >= 500, "the first retry was heard long before the end");
    assert.equal(error.attempts, 3);
    assert.ok(error.elapsedMs! >= 900, String(error.elapsedMs));
    assert.match(error.message, /no response from the server for 300 ms .*\(gave up after 3 attempts in \d+(\.\d)? m?s\)/);
    assert.equal(silent.connections(), 3);
  });

  scenario("an XNAT login against a server that never answers: process-wide notices say which URL, which attempt, how long so far, and how it ended", async () => {
    const silent = track(await silentServer());
    const { notices, outcome } = await noticesDuring(() => xnat.connect(silent.url, { user: "u", password: "pw-silent", timeoutMs: 250, retry: FAST }));
    assert.ok(isTimeoutError(outcome), String(outcome));
    assert.deepEqual(notices.map((n) => n.kind), ["retry", "retry", "settled"]);
    const lines = notices.map((n) => formatRetryNotice(n));
    assert.match(lines[0], new RegExp(`^retrying ${silent.url}data/JSESSION — attempt 1 of 3 failed \\(no response from the server for 250 ms\\); next in \\d+ ms, \\d+ ms so far$`));
    assert.match(lines[2], /data\/JSESSION: gave up after 3 attempts in \d/);
    assert.doesNotMatch(lines.join("\n"), /pw-silent/);
  });

  scenario("an S3 listing against an endpoint that never answers fails with TimeoutError naming maxAttempts attempts and the total time", async () => {
    const silent = track(await silentServer());
    const bucket = s3.bucket("b", { endpoint: silent.url, credentials: { accessKeyId: "AKIASILENT", secretAccessKey: "silent-secret" }, timeoutMs: 250, maxAttempts: 3, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    try {
      const { notices, outcome } = await noticesDuring(() => bucket.entries("q1/"));
      assert.ok(isTimeoutError(outcome), String(outcome));
      assert.match((outcome as Error).message, /gave up after 3 attempts in/);
      assert.equal(notices.filter((n) => n.kind === "retry").length, 2);
    } finally {
      bucket.close();
    }
  });

  scenario("a run that recovers ends its notices with the attempt that answered", async () => {
    const api = track(await hostileServer((_req, res, hit) => (hit < 3 ? res.writeHead(503).end("busy") : res.writeHead(200, { "content-type": "application/json" }).end(rmaEnvelope([{ id: 1 }])))));
    const { notices, outcome } = await noticesDuring(() => allen.query(`${api.url}${QUERY}`, { http: { retry: FAST } }));
    assert.deepEqual(outcome, [{ id: 1 }]);
    const last = notices.at(-1)!;
    assert.equal(last.kind, "settled");
    assert.match(formatRetryNotice(last, `${api.url}${QUERY}`), /answered on attempt 3 after/);
  });

  scenario("an abort during a retry pause ends the wait at once, and the notices say it ended", async () => {
    const silent = track(await silentServer());
    const controller = new AbortController();
    const started = Date.now();
    const { notices, outcome } = await noticesDuring(() =>
      allen.query(`${silent.url}${QUERY}`, {
        http: { timeoutMs: 150, retry: { retries: 4, baseDelayMs: 5_000, maxDelayMs: 5_000, random: () => 1 }, signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(new Error("stopped by the user")), 50) },
      }),
    );
    assert.match(String((outcome as Error).message), /stopped by the user|aborted/);
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    assert.equal(notices.at(-1)?.kind, "settled");
  });

  scenario("the CLI prints each retry on stderr while it waits, then the final error with attempts and time (allen query against a failing API)", async () => {
    const api = track(await hostileServer((_req, res) => res.writeHead(503, { "content-type": "text/plain" }).end("down")));
    const io = captureIo();
    const code = await main(["allen", "query", `${api.url}${QUERY}`], io.io);
    assert.equal(code, 1);
    const lines = io.err().trim().split("\n");
    assert.equal(lines.filter((line) => /^neuroportal allen: retrying http:\/\/127\.0\.0\.1:\d+\/api\/v2\/data\/Structure\/query\.json.* — attempt \d of 5 failed \(.*HTTP 503.*\); next in/.test(line)).length, 4, io.err());
    assert.match(lines.at(-1)!, /^neuroportal allen: GET .* failed with HTTP 503.*\(gave up after 5 attempts in \d/);
    assert.equal(api.hits.length, 5);
  });

  scenario("the CLI's s3 ls prints the retries of a listing on stderr (an endpoint answering 503)", async () => {
    const server = track(await fakeS3({}, { list: (_q, _req, res) => (res.writeHead(503, { "content-type": "application/xml" }).end("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>"), true) }));
    const io = captureIo();
    const code = await main(["s3", "ls", `s3://${FAKE_BUCKET}/p/`, "--endpoint", server.url, "--anonymous"], io.io);
    assert.equal(code, 1);
    assert.equal((io.err().match(/^neuroportal s3: retrying s3:\/\/hostile\/p\/ — attempt \d of 4 failed/gm) ?? []).length, 3, io.err());
    assert.match(io.err(), /SlowDown.*gave up after 4 attempts in/);
  });

  scenario("the CLI's xnat ls prints the retries of its login on stderr, then the final error with attempts and time (a server answering 503), never the password", async () => {
    const server = track(await hostileServer((_req, res) => res.writeHead(503, { "content-type": "text/plain" }).end("down for maintenance")));
    const saved = { user: process.env.NEUROPORTAL_XNAT_USER, password: process.env.NEUROPORTAL_XNAT_PASSWORD };
    process.env.NEUROPORTAL_XNAT_USER = "hostile-user";
    process.env.NEUROPORTAL_XNAT_PASSWORD = "pw-never-printed";
    try {
      const io = captureIo();
      const code = await main(["xnat", "ls", "--url", server.url], io.io);
      assert.equal(code, 1);
      const retries = io.err().match(/^neuroportal xnat: retrying http:\/\/127\.0\.0\.1:\d+\/\S* — attempt \d of (\d) failed/gm) ?? [];
      assert.ok(retries.length >= 1, io.err());
      assert.equal(server.hits.length, retries.length + 1, "one retry line for every attempt but the last");
      assert.match(io.err().trim().split("\n").at(-1)!, /^neuroportal xnat: .*HTTP 503.*\(gave up after \d+ attempts in \d/);
      assert.ok(!io.err().includes("pw-never-printed"));
    } finally {
      for (const [name, value] of [["NEUROPORTAL_XNAT_USER", saved.user], ["NEUROPORTAL_XNAT_PASSWORD", saved.password]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  describe("in a notebook @notebook", function () {
    this.timeout(240_000);
    scenario("a cell waiting on a server that never answers shows an updating retry line, ending with the attempts and the time", async () => {
      const root = path.resolve(__dirname, "..", "..");
      assert.ok(fs.existsSync(path.join(root, "dist", "display", "retry-notice.js")), "run `npm run build` first (notebooks load the built package)");
      const silent = track(await silentServer());
      const work = path.join(root, "build", "test-hostile-waits");
      const notebook = path.join(work, "silent.ipynb");
      writeNotebook(notebook, [
        'import { allen } from "neuroportal";',
        `try { await allen.query(${JSON.stringify(`${silent.url}${QUERY}`)}, { http: { timeoutMs: 300, retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 40 } } }); } catch (error) { console.log(String((error as Error).message)); }`,
      ]);
      const run = await runNotebook(notebook, { outDir: path.join(work, "out"), html: false, timeoutSeconds: 120 });
      assert.equal(run.status, "ok", run.log);
      const cells = JSON.parse(fs.readFileSync(run.executed, "utf8")).cells as { outputs: { output_type: string; data?: Record<string, string | string[]>; text?: string | string[] }[] }[];
      const outputs = cells[1].outputs;
      const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : value ?? "");
      const line = outputs.filter((o) => o.output_type === "display_data").map((o) => text(o.data?.["text/plain"]));
      assert.equal(line.length, 1, JSON.stringify(outputs));
      assert.match(line[0], /data\/Structure\/query\.json.*: gave up after 3 attempts in \d/);
      assert.match(text(outputs.find((o) => o.output_type === "stream")?.text), /no response from the server for 300 ms .*gave up after 3 attempts/);
    }, 200_000);
  });
});
