/**
 * Adversarial suite, class "secrets and credentials": user info in any service address is
 * refused before a request, objects and errors never show secrets through util.inspect, a netrc
 * file that others can read or change is refused, and redirects never carry credentials to
 * another origin or away from https. Each scenario asserts the typed outcome and that the
 * secret appears nowhere.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { isHttpError } from "../../lib/http/errors.js";
import { redirected, type TransportRequest } from "../../lib/http/transport.js";
import { fakeS3, FAKE_BUCKET } from "../helpers/fake-s3.js";
import { closedAfterEach, type HostileServer, hostileServer, rejection, scenario } from "../helpers/hostile.js";
import { tempDir } from "../helpers/files.js";

const SESSION_ID = "0123456789ABCDEF0123456789ABCDEF";
const PASSWORD = "pw-never-shown-4711";
const S3_SECRET = "s3-secret-never-shown-4711";

/** An XNAT-like server that accepts the one user and password, and records what it was sent. */
function xnatServer(): Promise<HostileServer> {
  const basic = `Basic ${Buffer.from(`demo:${PASSWORD}`).toString("base64")}`;
  return hostileServer((req, res) => {
    if ((req.url ?? "").startsWith("/data/JSESSION")) {
      if (req.method === "DELETE") return void res.end("");
      if (req.headers.authorization !== basic) return void res.writeHead(401, { "www-authenticate": "Basic" }).end("");
      return void res.writeHead(200, { "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/` }).end(SESSION_ID);
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ResultSet: { Result: [] } }));
  });
}

const showsNoSecret = (text: string) => {
  assert.doesNotMatch(text, new RegExp(PASSWORD));
  assert.doesNotMatch(text, new RegExp(S3_SECRET));
  assert.doesNotMatch(text, new RegExp(Buffer.from(`demo:${PASSWORD}`).toString("base64")));
};

describe("hostile: secrets and credentials", () => {
  const work = tempDir("np-hostile-secrets-");
  const track = closedAfterEach();
  after(() => work.remove());

  describe("user info in an address is refused for every client, before any request", () => {
    scenario("xnat.connect(http://demo:password@host/) raises InvalidArgumentError; no request; the password appears nowhere", async () => {
      const server = track(await xnatServer());
      const error = await rejection(xnat.connect(server.url.replace("//", `//demo:${PASSWORD}@`)));
      assert.ok(isInvalidArgumentError(error), String(error));
      showsNoSecret(`${(error as Error).message} ${inspect(error)}`);
      assert.equal(server.hits.length, 0);
    });

    scenario("an S3 endpoint with key:secret@ is refused when the bucket is made; the secret appears nowhere", async () => {
      const server = track(await fakeS3({ "k": "v" }));
      const endpoint = server.url.replace("//", `//AKIAUSERINFO:${S3_SECRET}@`);
      const error = await rejection(() => s3.bucket(FAKE_BUCKET, { endpoint, credentials: { accessKeyId: "AKIA1", secretAccessKey: "other-secret-1" } }));
      assert.ok(isInvalidArgumentError(error), String(error));
      showsNoSecret(`${(error as Error).message} ${inspect(error)}`);
      const anonymous = await rejection(() => s3.bucket(FAKE_BUCKET, { endpoint, anonymous: true }));
      assert.ok(isInvalidArgumentError(anonymous), "refused for anonymous access too");
      assert.equal(server.hits.length, 0);
    });

    scenario("an Allen query URL or API base with user info is refused before any request", async () => {
      const api = track(await hostileServer((_req, res) => res.end("{}")));
      const withUser = api.url.replace("//", `//me:${PASSWORD}@`);
      for (const attempt of [() => allen.query(`${withUser}api/v2/data/Structure/query.json`), () => allen.downloadGridFile(1, path.join(work.dir, "g"), { api: withUser })]) {
        const error = await rejection(attempt);
        assert.ok(isInvalidArgumentError(error), String(error));
        showsNoSecret((error as Error).message);
      }
      assert.equal(api.hits.length, 0);
    });
  });

  describe("util.inspect never shows a secret", () => {
    scenario("util.inspect of a bucket shows its name and endpoint, never its keys", async () => {
      const bucket = s3.bucket("b", { endpoint: "http://127.0.0.1:9/", credentials: { accessKeyId: "AKIAINSPECT", secretAccessKey: S3_SECRET, sessionToken: `${S3_SECRET}-token` } });
      try {
        const shown = inspect(bucket, { depth: 8, showHidden: true });
        showsNoSecret(shown);
        assert.match(shown, /<Bucket s3:\/\/b\/ at http:\/\/127\.0\.0\.1:9\/>/);
      } finally {
        bucket.close();
      }
    });

    scenario("util.inspect of an XNAT connection and of its login error shows no password", async () => {
      const server = track(await xnatServer());
      const cdb = await xnat.connect(server.url, { user: "demo", password: PASSWORD });
      showsNoSecret(inspect(cdb, { depth: 8, showHidden: true }));
      await cdb.close();
      const error = await rejection(xnat.connect(server.url, { user: "demo", password: `${PASSWORD}-wrong` }));
      assert.ok(xnat.isAuthenticationError(error));
      showsNoSecret(inspect(error, { depth: 8 }));
    });

    scenario("errors of a failing S3 request (inspected in full, causes included) show no secret key", async () => {
      const server = track(await fakeS3({}, { object: (_k, _req, res) => (res.writeHead(403, { "content-type": "application/xml" }).end(`<Error><Code>AccessDenied</Code><Message>denied for ${S3_SECRET}</Message></Error>`), true) }));
      const bucket = s3.bucket(FAKE_BUCKET, { ...server.options, credentials: { accessKeyId: "AKIAERR", secretAccessKey: S3_SECRET } });
      try {
        const error = await rejection(bucket.getText("x/key.txt"));
        assert.ok(s3.isS3AccessError(error), String(error));
        showsNoSecret(inspect(error, { depth: 10, showHidden: true }));
      } finally {
        bucket.close();
      }
    });
  });

  describe("netrc files others can read or change are refused (NETRC honoured)", () => {
    const netrcWith = (mode: number, text = `machine 127.0.0.1 login demo password ${PASSWORD}\n`) => {
      const file = path.join(work.dir, `netrc-${mode.toString(8)}-${Math.random().toString(36).slice(2)}`);
      fs.writeFileSync(file, text);
      fs.chmodSync(file, mode);
      return file;
    };

    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o606]) {
      scenario(`a netrc with a password and mode ${mode.toString(8)} raises NetrcPermissionError naming chmod 600; no login is attempted`, async () => {
        const server = track(await xnatServer());
        const file = netrcWith(mode);
        const error = await rejection(xnat.connect(server.url, { env: {}, netrcFile: file }));
        assert.ok(xnat.isNetrcPermissionError(error), String(error));
        assert.match((error as Error).message, new RegExp(`mode 0${mode.toString(8)}`));
        assert.match((error as Error).message, /chmod 600/);
        showsNoSecret((error as Error).message);
        assert.equal(server.hits.length, 0);
      });
    }

    scenario("a private netrc (0600) named by the NETRC variable is used for the login", async () => {
      const server = track(await xnatServer());
      const cdb = await xnat.connect(server.url, { env: { NETRC: netrcWith(0o600) } });
      assert.equal(cdb.user, "demo");
      await cdb.close();
    });

    scenario("credentials given explicitly never make the library read (or refuse) a world-readable netrc", async () => {
      const server = track(await xnatServer());
      const cdb = await xnat.connect(server.url, { user: "demo", password: PASSWORD, env: { NETRC: netrcWith(0o666) } });
      await cdb.close();
    });
  });

  describe("redirects never carry credentials to another origin", () => {
    scenario("an XNAT login redirected to another origin reaches it without Authorization or cookies", async () => {
      const other = track(await hostileServer((_req, res) => res.writeHead(401, { "www-authenticate": "Basic" }).end("")));
      const first = track(await hostileServer((req, res) => res.writeHead(302, { location: `${other.url}data/JSESSION`, "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/` }).end()));
      const error = await rejection(xnat.connect(first.url, { user: "demo", password: PASSWORD, retry: false }));
      assert.ok(xnat.isAuthenticationError(error), String(error));
      assert.ok(first.hits[0].headers.authorization, "the first origin got the login");
      assert.equal(other.hits.length, 1);
      assert.equal(other.hits[0].headers.authorization, undefined);
      assert.equal(other.hits[0].headers.cookie, undefined);
    });

    scenario("the same holds through a user's fetch (globalThis.fetch): redirects are followed by the library's rule", async () => {
      const other = track(await hostileServer((_req, res) => res.writeHead(401, { "www-authenticate": "Basic" }).end("")));
      const first = track(await hostileServer((_req, res) => res.writeHead(307, { location: `${other.url}data/JSESSION` }).end()));
      const error = await rejection(xnat.connect(first.url, { user: "demo", password: PASSWORD, retry: false, fetch: globalThis.fetch }));
      assert.ok(xnat.isAuthenticationError(error), String(error));
      assert.equal(other.hits.length, 1);
      assert.equal(other.hits[0].headers.authorization, undefined);
    });

    scenario("a signed S3 GET redirected (307) to another origin is reported (S3Error 307), never followed: the other origin gets nothing, no signature, no session token", async () => {
      const other = track(await hostileServer((_req, res) => res.writeHead(200, { "content-length": "5" }).end("other")));
      const server = track(await fakeS3({ "r/k.txt": "hello" }, { object: (_k, _req, res) => (res.writeHead(307, { location: `${other.url}elsewhere/k.txt` }).end(), true) }));
      const bucket = s3.bucket(FAKE_BUCKET, { ...server.options, maxAttempts: 1, credentials: { accessKeyId: "AKIAREDIRECT", secretAccessKey: S3_SECRET, sessionToken: "session-token-never-forwarded" } });
      try {
        const error = await rejection(bucket.getText("r/k.txt"));
        assert.ok(s3.isS3Error(error) && error.status === 307, String(error));
        assert.doesNotMatch(`${String(error)} ${inspect(error)}`, new RegExp(`${S3_SECRET}|session-token-never-forwarded`));
        assert.ok(server.hits.some((hit) => String(hit.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")));
        assert.equal(other.hits.length, 0);
      } finally {
        bucket.close();
      }
    });

    scenario("a same-origin redirect keeps the session cookie (the rule only drops credentials across origins)", async () => {
      const server = track(
        await hostileServer((req, res) => {
          if ((req.url ?? "").startsWith("/data/JSESSION")) return void res.writeHead(200, { "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/` }).end(SESSION_ID);
          if ((req.url ?? "").startsWith("/data/projects")) return void res.writeHead(302, { location: "/moved/projects?format=json" }).end();
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ResultSet: { Result: [] } }));
        }),
      );
      const cdb = await xnat.connect(server.url, { user: "demo", password: PASSWORD });
      await cdb.projects();
      const moved = server.hits.find((hit) => hit.url.startsWith("/moved"));
      assert.match(String(moved?.headers.cookie), new RegExp(`JSESSIONID=${SESSION_ID}`));
      await cdb.close();
    });

    scenario("a redirect from https to plain http, or to another protocol, is refused (HttpError with the redirect's status, not retried)", async () => {
      const request: TransportRequest = { url: "https://db.example.org/data/JSESSION", method: "GET", headers: { authorization: "Basic eA==" }, signal: new AbortController().signal, decompress: true };
      for (const to of ["http://db.example.org/data/JSESSION", "file:///etc/passwd", "ftp://db.example.org/x"]) {
        const error = await rejection(() => redirected(request, new URL(request.url), new URL(to), 302));
        assert.ok(isHttpError(error) && error.status === 302, String(error));
      }
      const kept = redirected(request, new URL(request.url), new URL("https://db.example.org/other"), 301);
      assert.equal(kept.headers.authorization, "Basic eA==");
      const dropped = redirected(request, new URL(request.url), new URL("https://evil.example.org/"), 301);
      assert.equal(dropped.headers.authorization, undefined);
    });
  });
});
