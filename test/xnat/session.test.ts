import { strict as assert } from "node:assert";
import * as http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import { isTimeoutError, UnexpectedContentError } from "../../lib/http/errors.js";
import { XNAT_LOGIN_PATHS } from "../../demo/src/faults/index.js";
import { tamperProxy } from "../helpers/proxies.js";
import { AuthenticationError, InsecureConnectionError, MissingCredentialsError, NotFoundError, SessionClosedError, connect } from "../../lib/xnat/index.js";
import { mapLimit } from "../../lib/core/pool.js";
import { fromNetrcText, netrcEntryFor } from "../../lib/xnat/credentials.js";

describe("xnat sessions against the demo ConnectomeDB", function () {
  let demo: XnatDemo;
  let clock = Date.now();
  const login = () => ({ user: demo.info.user, password: demo.info.password });

  beforeEach(async () => {
    clock = Date.now();
    demo = await startXnatDemo({ now: () => clock, sessionIdleSeconds: 900 });
  });
  afterEach(async () => {
    await demo.close();
  });

  it("fails at connect with a typed AuthenticationError for a wrong password, without leaking it", async () => {
    const wrong = "not-the-password-123";
    await assert.rejects(connect(demo.info.url, { user: demo.info.user, password: wrong }), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.match(error.message, /rejected the user name or password/);
      assert.ok(!error.message.includes(wrong) && !(error.hint ?? "").includes(wrong));
      return true;
    });
    assert.equal(demo.stats().failedLogins, 1, "exactly one login attempt");
  });

  it("logs in once, keeps the session cookie and logs out on close()", async () => {
    const cdb = await connect(demo.info.url, login());
    assert.equal(demo.sessionCount(), 1);
    await cdb.projects();
    await cdb.project("HCP_Q1").subjects();
    assert.deepEqual(cdb.sessionStats(), { requests: 3, logins: 1, replays: 0 });
    assert.equal(demo.stats().logins, 1);
    await cdb.close();
    assert.equal(demo.sessionCount(), 0);
    await assert.rejects(cdb.projects(), SessionClosedError);
  });

  it("heals an idle-expired session: one re-login, the request replayed, old handles still valid", async () => {
    const cdb = await connect(demo.info.url, login());
    const q1 = cdb.project("HCP_Q1");
    const subject = q1.subject("100307");
    assert.equal(await subject.id(), "ConnectomeDB_S00230");
    clock += 901_000;
    const experiments = await subject.experiments();
    assert.deepEqual(experiments.column("label").values, ["100307_3T", "100307_SubjMeta", "100307_NonToolbox"]);
    assert.equal(demo.stats().unauthenticated, 1);
    assert.deepEqual(cdb.sessionStats(), { requests: 5, logins: 2, replays: 1 });
    assert.deepEqual(await subject.experiment("100307_NonToolbox").xpath("nt:ER40/nt:ER40_CR"), ["39"]);
    await cdb.close();
  });

  it("re-logs in exactly once when the session expires in the middle of concurrent listings", async () => {
    const cdb = await connect(demo.info.url, login());
    const q1 = cdb.project("HCP_Q1");
    const labels = (await q1.subjects()).column("label").values as string[];
    let done = 0;
    const counts = await mapLimit(labels, 8, async (label) => {
      const frame = await q1.subject(label).experiments();
      if (++done === 20) assert.ok(demo.expireSessions() >= 1);
      return frame.shape[0];
    });
    assert.equal(counts.length, 76);
    assert.ok(counts.every((n) => n === 3));
    const stats = cdb.sessionStats();
    assert.equal(stats.logins, 2, "one re-login shared by every request that saw the expiry");
    assert.ok(stats.replays >= 1 && stats.replays <= 8, `replays ${stats.replays}`);
    assert.equal(stats.requests, 1 + 1 + 76 + 1 + stats.replays);
    await cdb.close();
  });

  it("heals after the session is ended on the server (expireSession) as the notebook shows", async () => {
    const cdb = await connect(demo.info.url, login());
    await cdb.expireSession();
    assert.equal(demo.sessionCount(), 0);
    const projects = await cdb.projects();
    assert.ok((projects.column("ID").values as string[]).includes("HCP_Q1"));
    assert.equal(cdb.sessionStats().logins, 2);
    await cdb.close();
  });

  it("heals when a browser-like client is redirected to the login page instead of getting a 401", async () => {
    const browser = "Mozilla/5.0 (X11; Linux x86_64) neuroportal-test";
    const cdb = await connect(demo.info.url, { ...login(), userAgent: browser });
    clock += 901_000;
    const subjects = await cdb.project("HCP_Q1").subjects();
    assert.equal(subjects.shape[0], 76);
    assert.deepEqual(cdb.sessionStats(), { requests: 4, logins: 2, replays: 1 });
    await cdb.close();
    await assert.rejects(connect(demo.info.url, { user: demo.info.user, password: "wrong-password-1", userAgent: browser }), AuthenticationError);
  });

  it("never retries a rejected re-login: later calls fail at once without contacting the server", async () => {
    const cdb = await connect(demo.info.url, login());
    const port = new URL(demo.info.url).port;
    await demo.close();
    demo = await startXnatDemo({ port: Number(port), password: "a-different-password-42" });
    await assert.rejects(cdb.projects(), AuthenticationError);
    const seen = demo.stats();
    assert.equal(seen.failedLogins, 1);
    await assert.rejects(cdb.project("HCP_Q1").subjects(), AuthenticationError);
    await assert.rejects(cdb.projects(), AuthenticationError);
    assert.equal(demo.stats().failedLogins, 1, "no further login attempts");
    assert.equal(demo.stats().requests, seen.requests + 2, "each later call is sent once, never followed by a login");
  });

  it("raises NotFoundError for an unknown project, subject or experiment", async () => {
    const cdb = await connect(demo.info.url, login());
    await assert.rejects(cdb.project("NO_SUCH_PROJECT").subjects(), (e: unknown) => e instanceof NotFoundError && /NO_SUCH_PROJECT/.test(e.message));
    await assert.rejects(cdb.project("HCP_Q1").subject("999999").label(), (e: unknown) => e instanceof NotFoundError && /999999/.test(e.message));
    await assert.rejects(cdb.project("HCP_Q1").subject("100307").experiment("100307_nope").xml(), NotFoundError);
    await assert.rejects(cdb.project("NO_SUCH_PROJECT").id(), NotFoundError);
    await cdb.close();
  });

  it("takes the idle timeout and the retry policy from connect(): a stalled body fails fast, retried exactly as asked", async () => {
    const stalling = await tamperProxy(demo.info.url, [], { stallRate: 1, onlyPaths: /^\/data\/projects/, exceptPaths: XNAT_LOGIN_PATHS });
    try {
      const cdb = await connect(stalling.url, { ...login(), idleTimeoutMs: 200, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, statuses: [503] } });
      const started = Date.now();
      const error = await cdb.projects().catch((e) => e);
      assert.ok(isTimeoutError(error), String(error));
      assert.equal(error.timeoutMs, 200);
      assert.ok(Date.now() - started < 3000, "not the 60 s default");
      assert.equal(stalling.faults!.stats().injected.stall, 2, "one try plus the one retry asked for");
      await cdb.close().catch(() => undefined);
    } finally {
      await stalling.close();
    }
  });

  it("refuses to send credentials over plain http to another host unless allowed", async () => {
    await assert.rejects(connect("http://db.invalid/", login()), InsecureConnectionError);
    await assert.rejects(connect("http://db.invalid/", { ...login(), allowInsecure: true, timeoutMs: 50 }), (e: unknown) => !(e instanceof InsecureConnectionError));
  });

  it("reads credentials from the environment or a netrc file, and never prompts", async () => {
    const env = { NEUROPORTAL_XNAT_USER: demo.info.user, NEUROPORTAL_XNAT_PASSWORD: demo.info.password };
    const fromEnv = await connect(demo.info.url, { env });
    await fromEnv.close();
    const dir = mkdtempSync(join(tmpdir(), "xnat-netrc-"));
    const netrc = join(dir, "netrc");
    const url = new URL(demo.info.url);
    writeFileSync(netrc, `machine other.example.org login x password y\nmachine ${url.hostname}:${url.port}\n  login ${demo.info.user}\n  password ${demo.info.password}\n`, { mode: 0o600 });
    const fromNetrc = await connect(demo.info.url, { env: {}, netrcFile: netrc });
    await fromNetrc.close();
    await assert.rejects(connect(demo.info.url, { env: {}, netrcFile: join(dir, "missing") }), MissingCredentialsError);
  });

  it("parses netrc files (default entry, macdef skipped)", () => {
    const entries = fromNetrcText("machine a.org login u1 password p1\nmacdef init\ncd /x\n\ndefault login anon password guest\n");
    assert.deepEqual(netrcEntryFor(entries, new URL("https://a.org/")), { machine: "a.org", login: "u1", password: "p1" });
    assert.deepEqual(netrcEntryFor(entries, new URL("https://b.org/")), { login: "anon", password: "guest" });
  });
});

describe("xnat sessions against a server that answers HTML", () => {
  let server: LoopbackServer;
  let mode: "maintenance" | "login-page-once" = "maintenance";
  let logins = 0;
  let served = 0;

  beforeEach(async () => {
    logins = 0;
    served = 0;
    server = await listenLoopback((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url?.startsWith("/data/JSESSION")) {
        logins++;
        res.writeHead(200, { "content-type": "text/plain", "set-cookie": `JSESSIONID=session${logins}abcdefabcdefabcdef; Path=/; HttpOnly` });
        res.end(`session${logins}abcdefabcdefabcdef`);
        return;
      }
      served++;
      const html = "<!DOCTYPE html><html><head><title>Login</title></head><body><!-- BEGIN xnat-templates/screens/Login.vm --></body></html>";
      if (mode === "maintenance" || (served === 1 && mode === "login-page-once")) {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(html);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ResultSet: { Result: [{ ID: "P1", name: "One", URI: "/data/projects/P1" }], totalRecords: "1" } }));
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it("treats a login page where JSON was expected as an expired session and heals it once", async () => {
    mode = "login-page-once";
    const cdb = await connect(server.url, { user: "u", password: "secret-pass" });
    const projects = await cdb.projects();
    assert.deepEqual(projects.column("ID").values, ["P1"]);
    assert.equal(logins, 2);
  });

  it("raises UnexpectedContentError naming the HTML page when it persists after one re-login", async () => {
    mode = "maintenance";
    const cdb = await connect(server.url, { user: "u", password: "secret-pass" });
    await assert.rejects(cdb.projects(), (e: unknown) => e instanceof UnexpectedContentError && /an HTML page/.test(e.message));
    assert.equal(logins, 2, "one re-login, no loop");
  });
});
