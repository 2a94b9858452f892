import { strict as assert } from "node:assert";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLoopback, LoopbackServer } from "../../demo/src/loopback.js";
import { request, requestJson, requestText } from "../../lib/http/request.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { isHttpError, isNetworkError, isTimeoutError, isUnexpectedContentError, HttpError, NetworkError, UnexpectedContentError } from "../../lib/http/errors.js";
import { registerSecret, redact } from "../../lib/core/redact.js";
import { DEFAULT_RETRY } from "../../lib/core/retry.js";

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

describe("http: the request seam", () => {
  let server: LoopbackServer;
  let handler: Handler;
  let hits = 0;
  const fast = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 20 };

  before(async () => {
    server = await listenLoopback((req, res) => handler(req, res, ++hits));
  });
  after(() => server.close());
  beforeEach(() => {
    hits = 0;
  });

  it("returns the body of a 200 response", async () => {
    handler = (_req, res) => res.end("hello");
    assert.equal(await requestText(`${server.url}x`), "hello");
  });

  it("retries 503 responses and honours Retry-After", async () => {
    handler = (_req, res, hit) => {
      if (hit < 3) {
        res.writeHead(503, { "retry-after": "0" });
        res.end("busy");
      } else res.end('{"ok":true}');
    };
    const retries: number[] = [];
    const body = await requestJson<{ ok: boolean }>(`${server.url}x`, { retry: fast, onRetry: (info) => retries.push(info.delayMs) });
    assert.deepEqual(body, { ok: true });
    assert.equal(hits, 3);
    assert.deepEqual(retries, [0, 0]);
  });

  it("gives up after the retry budget with a typed HttpError that carries the status", async () => {
    handler = (_req, res) => {
      res.writeHead(502);
      res.end("bad gateway");
    };
    const error = await request(`${server.url}x`, { retry: { ...fast, retries: 2 } }).catch((e) => e);
    assert.ok(isHttpError(error));
    assert.equal((error as HttpError).status, 502);
    assert.equal(hits, 3);
    assert.match(error.message, /HTTP 502/);
  });

  it("does not retry a POST unless it is marked idempotent", async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    await assert.rejects(request(`${server.url}x`, { method: "POST", body: "x", retry: fast }), HttpError);
    assert.equal(hits, 1);
    hits = 0;
    await assert.rejects(request(`${server.url}x`, { method: "POST", body: "x", retry: { ...fast, retries: 1 }, idempotent: true }), HttpError);
    assert.equal(hits, 2);
  });

  it("does not retry a 404 and says what to do", async () => {
    handler = (_req, res) => {
      res.writeHead(404);
      res.end("no such thing");
    };
    const error = await request(`${server.url}missing`, { retry: fast }).catch((e) => e);
    assert.equal(hits, 1);
    assert.equal(error.status, 404);
    assert.match(error.message, /does not exist/);
  });

  it("detects a body cut short of its Content-Length and retries it", async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(200, { "content-length": "100" });
        res.write("only part");
        setTimeout(() => res.socket?.destroy(), 10);
      } else res.end("complete");
    };
    assert.equal(await requestText(`${server.url}x`, { retry: fast }), "complete");
    assert.equal(hits, 2);
  });

  it("raises NetworkError when the body is truncated on every attempt", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("only part");
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const error = await requestText(`${server.url}x`, { retry: { ...fast, retries: 1 } }).catch((e) => e);
    assert.ok(isNetworkError(error), String(error));
  });

  it("names an HTML page received where JSON was expected", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>");
    };
    const error = await requestJson(`${server.url}api`).catch((e) => e);
    assert.ok(isUnexpectedContentError(error));
    assert.equal((error as UnexpectedContentError).received, "html");
    assert.match(error.message, /expected JSON but received an HTML page/);
    assert.match(error.message, new RegExp(`${server.port}/api`));
  });

  it("retries a maintenance page served with status 200 where JSON was expected, honouring Retry-After", async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(200, { "content-type": "text/html", "retry-after": "0" });
        res.end("<html><head><title>Down for maintenance</title></head><body>Back soon</body></html>");
      } else res.end('{"ok":true}');
    };
    assert.deepEqual(await requestJson(`${server.url}api`, { retry: fast }), { ok: true });
    assert.equal(hits, 2);
  });

  it("does not retry a login page: that is a session problem, not a transient one", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<html><head><title>Login</title></head><body><form action="/app/template/Login.vm"><input type="password" name="password"></form></body></html>');
    };
    const error = await requestJson(`${server.url}data/projects`, { retry: fast }).catch((e) => e);
    assert.ok(isUnexpectedContentError(error));
    assert.equal(hits, 1);
  });

  it("times out when the server stalls before answering", async () => {
    handler = () => undefined;
    const error = await request(`${server.url}slow`, { timeoutMs: 100, retry: false }).catch((e) => e);
    assert.ok(isTimeoutError(error), String(error));
  });

  it("times out when the body stalls mid-way", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": "10" });
      res.write("12345");
    };
    const error = await request(`${server.url}stall`, { idleTimeoutMs: 100, retry: false }).catch((e) => e);
    assert.ok(isTimeoutError(error), String(error));
  });

  it("explains a refused connection", async () => {
    const closed = await listenLoopback(() => undefined);
    await closed.close();
    const error = await request(closed.url, { retry: false }).catch((e) => e);
    assert.ok(error instanceof NetworkError);
    assert.match(error.message, /nothing is listening/);
  });
});

describe("http: URLs with user info", () => {
  it("refuses user:password@ in a URL before any request, with the password hidden", async () => {
    let hits = 0;
    const server = await listenLoopback((_req, res) => {
      hits++;
      res.end("{}");
    });
    try {
      const password = "Secr3t-In-Url-4711";
      const url = server.url.replace("http://", `http://someone:${password}@`);
      for (const call of [() => requestJson(url), () => request(url, { method: "POST", idempotent: true })]) {
        const error = await call().catch((e) => e);
        assert.ok(isInvalidArgumentError(error), String(error));
        assert.match(error.message, /user name and a password/);
        assert.ok(!`${error.message} ${error.hint} ${error.stack}`.includes(password));
        assert.match(error.hint ?? "", /credentials/);
      }
      assert.equal(hits, 0, "nothing was sent");
    } finally {
      await server.close();
    }
  });
});

describe("http: redaction", () => {
  it("removes registered secrets, user info, session ids and auth headers", () => {
    registerSecret("s3cr3t-Passw0rd");
    const text = redact("login https://alice:s3cr3t-Passw0rd@db.example.org/ failed; JSESSIONID=ABCDEF123; Authorization: Basic YWxpY2U6cA== s3cr3t-Passw0rd");
    assert.ok(!text.includes("s3cr3t-Passw0rd"));
    assert.ok(!text.includes("alice:"));
    assert.ok(!text.includes("ABCDEF123"));
    assert.ok(!text.includes("YWxpY2U6cA=="));
  });

  it("applies to every error message", () => {
    registerSecret("another-secret-value");
    const error = new HttpError(500, "GET", "http://127.0.0.1/?token=another-secret-value", "echo another-secret-value");
    assert.ok(!error.message.includes("another-secret-value"));
    assert.ok(!error.bodySnippet.includes("another-secret-value"));
  });
});
