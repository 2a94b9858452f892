import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { listenLoopback, type LoopbackServer } from "../../demo/src/loopback.js";
import { startDemo, type Demo } from "../../demo/src/index.js";
import { request, requestText } from "../../lib/http/request.js";
import { send } from "../../lib/http/send.js";
import { fetchTransport, NodeTransport, type FetchLike } from "../../lib/http/transport.js";
import { isNetworkError, isTimeoutError } from "../../lib/http/errors.js";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { tempDir } from "../s3/fixtures.js";
import { DEFAULT_DATA_SET_ID } from "../../lib/allen/constants.js";
import { md5OfFile } from "../../lib/files/file-hasher.js";
import { toBucketOptions } from "../../lib/s3/options.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The global fetch, counting what goes through it: a real fetch, seen from outside. */
function countingFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      urls.push(input);
      return fetch(input, init);
    },
  };
}

describe("http: the default transport (node:http keep-alive)", () => {
  let server: LoopbackServer;
  let other: LoopbackServer;
  let handler: Handler;
  const seen: { url?: string; authorization?: string; cookie?: string; method?: string; remotePort?: number }[] = [];

  before(async () => {
    server = await listenLoopback((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization, cookie: req.headers.cookie, method: req.method, remotePort: req.socket.remotePort });
      handler(req, res);
    });
    other = await listenLoopback((req, res) => {
      seen.push({ url: `other:${req.url}`, authorization: req.headers.authorization, cookie: req.headers.cookie, method: req.method });
      res.end("elsewhere");
    });
  });
  after(async () => {
    await server.close();
    await other.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it("follows redirects as fetch does: 303 turns a POST into a GET, credentials stay with their origin", async () => {
    handler = (req, res) => {
      if (req.url === "/start") res.writeHead(303, { location: "/landed" }).end();
      else if (req.url === "/away") res.writeHead(302, { location: `${other.url}there` }).end();
      else res.end(`${req.method} ${req.url}`);
    };
    assert.equal(await requestText(`${server.url}start`, { method: "POST", body: "x", headers: { authorization: "Basic abc", "content-type": "text/plain" } }), "GET /landed");
    assert.equal(seen[1].authorization, "Basic abc", "same origin keeps the credentials");
    seen.length = 0;
    assert.equal(await requestText(`${server.url}away`, { headers: { authorization: "Basic abc", cookie: "JSESSIONID=1" } }), "elsewhere");
    assert.deepEqual(seen.map((s) => [s.url, s.authorization, s.cookie]), [["/away", "Basic abc", "JSESSIONID=1"], ["other:/there", undefined, undefined]]);
  });

  it("asks for compressed bodies and decodes them, skipping the length check that only holds on the wire", async () => {
    const text = "compressible ".repeat(5000);
    handler = (req, res) => {
      assert.match(String(req.headers["accept-encoding"]), /gzip/);
      const zipped = gzipSync(text);
      res.writeHead(200, { "content-encoding": "gzip", "content-length": String(zipped.length) }).end(zipped);
    };
    assert.equal(await requestText(`${server.url}z`), text);
  });

  it("reuses one connection for requests in sequence", async () => {
    handler = (_req, res) => res.end("ok");
    for (let i = 0; i < 3; i++) await requestText(`${server.url}k${i}`);
    assert.equal(new Set(seen.map((s) => s.remotePort)).size, 1);
  });

  it("close() drops the idle connections; the next request opens a new one", async () => {
    handler = (_req, res) => res.end("ok");
    const own = new NodeTransport();
    await request(`${server.url}a`, { transport: own.send });
    own.close();
    await request(`${server.url}b`, { transport: own.send });
    own.close();
    assert.notEqual(seen[0].remotePort, seen[1].remotePort);
  });

  it("times out, and maps a refused connection, the same way whatever the transport", async () => {
    handler = () => undefined;
    const closed = await listenLoopback(() => undefined);
    await closed.close();
    for (const transport of [undefined, fetchTransport(fetch)]) {
      const silent = await send(`${server.url}silent`, { timeoutMs: 80, transport }).catch((e) => e);
      assert.ok(isTimeoutError(silent), String(silent));
      const refused = await send(closed.url, { transport }).catch((e) => e);
      assert.ok(isNetworkError(refused) && /nothing is listening/.test(refused.message), String(refused));
    }
  });
});

describe("clients take an injectable fetch @demo", function () {
  this.timeout(120_000);
  let demo: Demo;

  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo?.close();
  });

  it("xnat.connect sends every request, login and logout included, through the given fetch", async () => {
    const counted = countingFetch();
    const { url, user, password } = demo.info.xnat!;
    const cdb = await xnat.connect(url, { user, password, fetch: counted.fetch });
    const subjects = await cdb.project("HCP_Q1").subjects();
    await cdb.close();
    const plain = await xnat.connect(url, { user, password });
    assert.deepEqual(subjects.values, (await plain.project("HCP_Q1").subjects()).values);
    await plain.close();
    assert.deepEqual(counted.urls.map((u) => new URL(u).pathname), ["/data/JSESSION", "/data/projects/HCP_Q1/subjects", "/data/JSESSION"]);
  });

  it("allen.query and allen.downloadGridFile send every request through the given fetch", async () => {
    const counted = countingFetch();
    const api = demo.info.allen!.url;
    const url = allen.modelQueryUrl({ api, model: "Structure", criteria: "[graph_id$eq1]" });
    const rows = await allen.query(url, { numRows: 500, fetch: counted.fetch });
    assert.deepEqual(rows, await allen.query(url, { numRows: 500 }));
    assert.equal(counted.urls.length, Math.ceil(rows.length / 500));
    const temp = tempDir();
    try {
      const written = await allen.downloadGridFile(DEFAULT_DATA_SET_ID, temp.dir, { api, fetch: counted.fetch });
      assert.equal(written.length, 2);
      assert.match(counted.urls.at(-1)!, /grid_data\/download\/69855739$/);
    } finally {
      temp.remove();
    }
  });

  it("s3.bucket sends listings, HEAD and object GETs through the given fetch, and the files match the default transport's", async () => {
    const counted = countingFetch();
    const options = toBucketOptions(demo.info.s3);
    const prefix = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/EVs/";
    const viaFetch = s3.bucket("hcp.aws.amazon.com", { ...options, fetch: counted.fetch });
    const plain = s3.bucket("hcp.aws.amazon.com", options);
    const [a, b] = [tempDir(), tempDir()];
    try {
      const summary = await viaFetch.download(prefix, a.dir);
      assert.equal(summary.failed, 0);
      assert.ok(summary.downloaded > 5);
      const head = await viaFetch.head(`${prefix}lf.txt`);
      await plain.download(prefix, b.dir);
      for (const file of summary.files) assert.equal(await md5OfFile(file.path), await md5OfFile(file.path.replace(a.dir, b.dir)));
      const methods = counted.urls.map((u) => new URL(u));
      assert.ok(methods.some((u) => u.searchParams.get("list-type") === "2"), "listings");
      assert.ok(methods.some((u) => u.pathname.endsWith("/.xdlm/100307_3T_tfMRI_MOTOR_preproc.json")), "manifest reads");
      assert.ok(methods.filter((u) => u.pathname.includes("/EVs/")).length >= summary.downloaded + 1, "object GETs and the HEAD");
      assert.equal(head.size, summary.files.find((f) => f.key.endsWith("lf.txt"))!.size);
    } finally {
      viaFetch.close();
      plain.close();
      a.remove();
      b.remove();
    }
  });
});

describe("http: a body read through the seam", () => {
  it("carries the bytes unchanged whatever the transport", async () => {
    const payload = randomBytes(300_000);
    const server = await listenLoopback((_req, res) => res.end(payload));
    try {
      for (const transport of [undefined, fetchTransport(fetch)]) assert.ok((await request(server.url, { transport })).body.equals(payload));
    } finally {
      await server.close();
    }
  });
});
