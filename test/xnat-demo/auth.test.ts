import { strict as assert } from "node:assert";
import { Q1_LABELS } from "../../demo/src/xnat/facts.js";
import { DEMO_PASSWORD } from "../../demo/src/xnat/index.js";
import { DemoClient, sessionCookie, startClient } from "./helpers.js";

describe("xnat demo: authentication and sessions", () => {
  let clock = 1_700_000_000_000;
  let client: DemoClient;
  before(async () => {
    client = await startClient({ sessionIdleSeconds: 60, now: () => clock });
  });
  after(() => client.demo.close());

  it("serves on a loopback URL with the fixed demo password (the library registers it as a secret when it starts the demo)", () => {
    assert.equal(client.demo.info.password, DEMO_PASSWORD);
    assert.match(client.demo.info.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("answers 401 with a Basic challenge when a non-browser sends no credentials", async () => {
    const reply = await client.fetchRaw("data/projects?format=json", { auth: false });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get("www-authenticate"), 'Basic realm="ConnectomeDB"');
    assert.match(reply.text, /^<!doctype html>/);
  });

  it("redirects browsers without a session to the login page", async () => {
    const reply = await client.fetchRaw("data/projects?format=json", { auth: false, headers: { "user-agent": "Mozilla/5.0" } });
    assert.equal(reply.status, 302);
    assert.match(reply.headers.get("location") ?? "", /\/app\/template\/Login\.vm$/);
    const login = await client.fetchRaw("app/template/Login.vm", { auth: false, headers: { "user-agent": "Mozilla/5.0" } });
    assert.equal(login.status, 200);
    assert.ok(login.text.includes("<!-- BEGIN xnat-templates/screens/Login.vm -->"));
  });

  it("rejects a wrong password with 401, the login-failure page, no challenge and no echo of the password", async () => {
    const wrong = `Basic ${Buffer.from("demo:not-the-password").toString("base64")}`;
    const reply = await client.fetchRaw("data/JSESSION", { headers: { authorization: wrong } });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get("www-authenticate"), null);
    assert.match(reply.text, /Login attempt failed/);
    assert.ok(!reply.text.includes("not-the-password"));
    assert.equal(sessionCookie(reply), undefined);
  });

  it("creates a session with GET /data/JSESSION and accepts the cookie alone afterwards", async () => {
    const login = await client.get("data/JSESSION");
    assert.equal(login.status, 200);
    assert.match(login.text, /^[0-9A-F]{32}$/);
    assert.equal(sessionCookie(login), `JSESSIONID=${login.text}`);
    const cookie = sessionCookie(login)!;
    const projects = await client.fetchRaw("data/projects?format=json", { auth: false, cookie });
    assert.equal(projects.status, 200);
    assert.equal(sessionCookie(projects), undefined, "an existing session is reused");
    const expiry = projects.cookies.find((value) => value.startsWith("SESSION_EXPIRATION_TIME="));
    assert.match(expiry ?? "", /^SESSION_EXPIRATION_TIME="\d+,60000"/);
    const who = await client.fetchRaw("data/auth", { auth: false, cookie });
    assert.equal(who.text, "User 'demo' is logged in");
  });

  it("POST /data/JSESSION works too, and ?CSRF=true appends the token", async () => {
    const reply = await client.fetchRaw("data/JSESSION?CSRF=true", { method: "POST" });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /^[0-9A-F]{32}; XNAT_CSRF=[0-9a-f-]{36}$/);
  });

  it("ends the session with DELETE /data/JSESSION", async () => {
    const cookie = sessionCookie(await client.get("data/JSESSION"))!;
    const bye = await client.fetchRaw("data/JSESSION", { method: "DELETE", auth: false, cookie });
    assert.equal(bye.status, 200);
    const after = await client.fetchRaw("data/projects?format=json", { auth: false, cookie });
    assert.equal(after.status, 401);
  });

  it("expires idle sessions after sessionIdleSeconds, and a request with Basic silently gets a new one", async () => {
    const cookie = sessionCookie(await client.get("data/JSESSION"))!;
    clock += 45_000;
    assert.equal((await client.fetchRaw("data/projects", { auth: false, cookie })).status, 200);
    clock += 45_000;
    assert.equal((await client.fetchRaw("data/projects", { auth: false, cookie })).status, 200, "each request restarts the idle clock");
    clock += 61_000;
    assert.equal((await client.fetchRaw("data/projects", { auth: false, cookie })).status, 401);
    const healed = await client.fetchRaw("data/projects", { cookie });
    assert.equal(healed.status, 200);
    const fresh = sessionCookie(healed);
    assert.ok(fresh && fresh !== cookie);
  });

  it("expireSessions() invalidates every session at once", async () => {
    const cookie = sessionCookie(await client.get("data/JSESSION"))!;
    assert.ok(client.demo.sessionCount() >= 1);
    assert.ok(client.demo.expireSessions() >= 1);
    assert.equal(client.demo.sessionCount(), 0);
    const reply = await client.fetchRaw("data/projects?format=json", { auth: false, cookie });
    assert.equal(reply.status, 401);
  });

  it("an anonymous GET /data/JSESSION returns a guest session that is not logged in", async () => {
    const guest = await client.fetchRaw("data/JSESSION", { auth: false });
    assert.equal(guest.status, 200);
    const cookie = sessionCookie(guest)!;
    assert.equal((await client.fetchRaw("data/auth", { auth: false, cookie })).status, 401);
    assert.equal((await client.fetchRaw("data/projects", { auth: false, cookie })).status, 401);
  });

  it("logs in through the form service /data/services/auth", async () => {
    const form = (password: string) =>
      client.fetchRaw("data/services/auth", {
        method: "PUT",
        auth: false,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "demo", password }).toString(),
      });
    const ok = await form(client.demo.info.password);
    assert.equal(ok.status, 200);
    assert.equal(sessionCookie(ok), `JSESSIONID=${ok.text}`);
    const bad = await form("nope");
    assert.equal(bad.status, 401);
    assert.match(bad.text, /<h3>Authentication failed\.<\/h3>/);
  });

  it("serves many concurrent requests on one session", async () => {
    client.demo.resetStats();
    const cookie = sessionCookie(await client.get("data/JSESSION"))!;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.fetchRaw(`data/projects/HCP_Q1/subjects?format=json&columns=label&limit=1&offset=${i}`, { auth: false, cookie })),
    );
    assert.ok(replies.every((reply) => reply.status === 200));
    assert.deepEqual(replies.map((reply) => JSON.parse(reply.text).ResultSet.Result[0].label), Q1_LABELS.slice(0, 40));
    assert.equal(client.demo.stats().requests, 41);
    assert.equal(client.demo.stats().logins, 1);
  });

  it("answers HEAD like GET without a body", async () => {
    const head = await client.fetchRaw("data/projects?format=json", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.ok(Number(head.headers.get("content-length")) > 0);
  });

  it("counts requests and logins", async () => {
    client.demo.resetStats();
    const cookie = sessionCookie(await client.get("data/JSESSION"))!;
    await client.fetchRaw("data/projects", { auth: false, cookie });
    await client.fetchRaw("data/projects", { auth: false });
    const stats = client.demo.stats();
    assert.equal(stats.requests, 3);
    assert.equal(stats.logins, 1);
    assert.equal(stats.listings, 1);
    assert.equal(stats.unauthenticated, 1);
  });
});

describe("xnat demo: account lockout and session limits", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient({ maxFailedLogins: 3, maxSessionsPerUser: 2 });
  });
  after(() => client.demo.close());

  it("locks the account after maxFailedLogins failures, even for the right password", async () => {
    const wrong = `Basic ${Buffer.from("demo:wrong").toString("base64")}`;
    for (let i = 0; i < 3; i++) assert.equal((await client.fetchRaw("data/JSESSION", { headers: { authorization: wrong } })).status, 401);
    assert.equal((await client.get("data/JSESSION")).status, 401);
    assert.equal(client.demo.stats().failedLogins, 4);
    client.demo.unlockAccount();
    assert.equal((await client.get("data/JSESSION")).status, 200);
  });

  it("refuses a login beyond maxSessionsPerUser (clients that drop cookies hit this)", async () => {
    client.demo.expireSessions();
    assert.equal((await client.get("data/projects")).status, 200);
    assert.equal((await client.get("data/projects")).status, 200);
    const third = await client.get("data/projects");
    assert.equal(third.status, 401);
    assert.match(third.text, /maximum number of user sessions/);
  });
});

describe("xnat demo: handler hook", () => {
  it("lets a wrapper (a fault-injection layer) see and answer requests before the server", async () => {
    const seen: string[] = [];
    const client = await startClient({
      wrapHandler: (inner) => (request, response) => {
        seen.push(request.url ?? "");
        if (request.url?.startsWith("/maintenance")) {
          response.writeHead(503, { "Content-Type": "text/html" });
          response.end("<html><body>down</body></html>");
          return;
        }
        inner(request, response);
      },
    });
    try {
      assert.equal((await client.get("data/projects")).status, 200);
      assert.equal((await client.get("maintenance")).status, 503);
      assert.deepEqual(seen, ["/data/projects", "/maintenance"]);
      assert.equal(client.demo.stats().requests, 1);
    } finally {
      await client.demo.close();
    }
  });
});
